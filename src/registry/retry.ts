/**
 * When a failed request is tried again, and after how long. Only requests that change nothing
 * (GET, HEAD, token requests) or that are safe to repeat are retried, and only for failures that
 * another attempt may not meet: no connection, 502, 503, 504, 429. The wait grows exponentially
 * with jitter, and follows the registry's Retry-After up to a cap; both the attempts and the
 * total wait are bounded, so a registry that keeps failing costs a known amount of time.
 */
import type { RegistryError } from './errors.js';

export interface RetryPolicy {
  /** Attempts in all, the first one included; 1 turns retries off. */
  attempts: number;
  /** Wait before the second attempt, doubled for each further one (before jitter). */
  baseDelayMs: number;
  /** Longest wait between two attempts, the registry's Retry-After included. */
  maxDelayMs: number;
  /** Longest wait over all attempts of one request. */
  maxTotalWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 3, baseDelayMs: 200, maxDelayMs: 10_000, maxTotalWaitMs: 20_000 };

/** Statuses that say "not now" rather than "no". */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/** Whether another attempt may succeed where this one failed. */
export function isTransientFailure(error: RegistryError): boolean {
  if (error.kind === 'RATE_LIMITED') return true;
  if (error.kind !== 'UNAVAILABLE') return false;
  // No status: the connection failed (refused, reset) without a timeout, which would repeat the same wait.
  return error.status === undefined ? !error.timedOut : RETRYABLE_STATUSES.has(error.status);
}

/**
 * The wait before attempt `attempt + 1` after `error`, or undefined when there is to be none:
 * the failure is not transient, the attempts are used up, the registry asks for a longer wait
 * than the policy allows, or the wait would take the request past its total.
 * `random` is in [0, 1): half the exponential delay is fixed, half is jitter.
 */
export function retryDelay(
  error: RegistryError,
  attempt: number,
  waitedMs: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  if (attempt >= policy.attempts || !isTransientFailure(error)) return undefined;
  const exponential = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  const backoff = exponential / 2 + random() * (exponential / 2);
  if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxDelayMs) return undefined;
  const delay = Math.max(backoff, error.retryAfterMs ?? 0);
  return waitedMs + delay > policy.maxTotalWaitMs ? undefined : Math.round(delay);
}

/**
 * Retry-After as milliseconds from now: delta-seconds or an HTTP date (RFC 9110); undefined when
 * absent or unreadable. A date in the past is 0.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date names its weekday and month; anything else that Date.parse reads is not one.
  const date = /^[A-Za-z]{3}, /.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(date - now, 0);
}
