import { describe, expect, it } from 'vitest';
import { RegistryError, type RegistryErrorInit } from '../../../src/registry/errors.js';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, retryDelay } from '../../../src/registry/retry.js';

const failure = (init: Omit<RegistryErrorInit, 'message'>) => new RegistryError({ message: 'failed', ...init });
const policy = DEFAULT_RETRY_POLICY;
/** Jitter at its middle: the delay is 3/4 of the exponential step. */
const middle = () => 0.5;

describe('retryDelay', () => {
  it.each([
    ['503', failure({ kind: 'UNAVAILABLE', status: 503 }), 150],
    ['502', failure({ kind: 'UNAVAILABLE', status: 502 }), 150],
    ['504', failure({ kind: 'UNAVAILABLE', status: 504 }), 150],
    ['429', failure({ kind: 'RATE_LIMITED', status: 429 }), 150],
    ['TOOMANYREQUESTS with another status', failure({ kind: 'RATE_LIMITED', status: 403 }), 150],
    ['a refused or reset connection', failure({ kind: 'UNAVAILABLE' }), 150],
    ['500', failure({ kind: 'UNAVAILABLE', status: 500 }), undefined],
    ['a timed-out attempt (another would wait as long again)', failure({ kind: 'UNAVAILABLE', timedOut: true }), undefined],
    ['404', failure({ kind: 'NOT_FOUND', status: 404 }), undefined],
    ['401', failure({ kind: 'UNAUTHORIZED', status: 401 }), undefined],
    ['a digest mismatch', failure({ kind: 'DIGEST_MISMATCH' }), undefined],
  ])('after %s: %s ms', (_what, error, expected) => {
    expect(retryDelay(error, 1, 0, policy, middle)).toBe(expected);
  });

  it('doubles the step per attempt, with half of it jitter, up to maxDelayMs', () => {
    const error = failure({ kind: 'UNAVAILABLE', status: 503 });
    const many = { ...policy, attempts: 10, maxTotalWaitMs: 1_000_000 };
    expect([1, 2, 3, 4].map((attempt) => retryDelay(error, attempt, 0, many, () => 0))).toEqual([100, 200, 400, 800]);
    expect([1, 2, 3, 4].map((attempt) => retryDelay(error, attempt, 0, many, () => 0.999999))).toEqual([200, 400, 800, 1600]);
    expect(retryDelay(error, 9, 0, many, () => 0)).toBe(many.maxDelayMs / 2);
  });

  it('stops after the attempts and within the total wait', () => {
    const error = failure({ kind: 'UNAVAILABLE', status: 503 });
    expect(retryDelay(error, policy.attempts, 0, policy, middle)).toBeUndefined();
    expect(retryDelay(error, 1, policy.maxTotalWaitMs - 100, policy, middle)).toBeUndefined();
  });

  it("waits as long as the registry's Retry-After asks, up to maxDelayMs; longer: not at all", () => {
    expect(retryDelay(failure({ kind: 'RATE_LIMITED', status: 429, retryAfterMs: 3000 }), 1, 0, policy, middle)).toBe(3000);
    expect(retryDelay(failure({ kind: 'RATE_LIMITED', status: 429, retryAfterMs: 3_600_000 }), 1, 0, policy, middle)).toBeUndefined();
    // A Retry-After shorter than the backoff does not shorten it.
    expect(retryDelay(failure({ kind: 'UNAVAILABLE', status: 503, retryAfterMs: 0 }), 1, 0, policy, middle)).toBe(150);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 10, 29, 12, 0, 0);
  it.each([
    ['120', 120_000],
    [' 7 ', 7_000],
    ['Sun, 29 Nov 2026 12:00:30 GMT', 30_000],
    ['Sun, 29 Nov 2026 11:00:00 GMT', 0],
    ['soon', undefined],
    ['-5', undefined],
    [undefined, undefined],
  ])('%s is %s ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
