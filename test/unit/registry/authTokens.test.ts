import { describe, expect, it } from 'vitest';
import { TokenCache, type CachedToken } from '../../../src/registry/auth/tokenCache.js';
import { DEFAULT_TOKEN_LIFETIME_SECONDS, TokenResponseError, parseTokenResponse } from '../../../src/registry/auth/tokenResponse.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

describe('parseTokenResponse', () => {
  it('reads token or access_token', () => {
    expect(parseTokenResponse({ token: 'a' }, NOW).token).toBe('a');
    expect(parseTokenResponse({ access_token: 'b' }, NOW).token).toBe('b');
    expect(parseTokenResponse({ token: '', access_token: 'c' }, NOW).token).toBe('c');
  });

  it('expires after expires_in, 60 s when absent or unusable', () => {
    expect(parseTokenResponse({ token: 't', expires_in: 300 }, NOW)).toEqual({ token: 't', issuedAt: NOW, expiresAt: NOW + 300_000 });
    for (const expiresIn of [undefined, 0, -5, '300', null]) {
      expect(parseTokenResponse({ token: 't', expires_in: expiresIn }, NOW).expiresAt).toBe(NOW + DEFAULT_TOKEN_LIFETIME_SECONDS * 1000);
    }
  });

  it('counts the lifetime from issued_at, but never from later than the answer came', () => {
    const earlier = parseTokenResponse({ token: 't', expires_in: 300, issued_at: '2024-05-01T11:58:00Z' }, NOW);
    expect(earlier.expiresAt).toBe(NOW + 180_000);
    const serverAhead = parseTokenResponse({ token: 't', expires_in: 300, issued_at: '2024-05-01T12:10:00Z' }, NOW);
    expect(serverAhead.expiresAt).toBe(NOW + 300_000);
    const garbled = parseTokenResponse({ token: 't', expires_in: 300, issued_at: 'yesterday' }, NOW);
    expect(garbled.expiresAt).toBe(NOW + 300_000);
  });

  it('refuses answers without a token', () => {
    for (const document of [null, [], 'token', {}, { token: 5 }, { access_token: '' }]) {
      expect(() => parseTokenResponse(document, NOW)).toThrow(TokenResponseError);
    }
  });
});

function token(value: string, lifetimeMs: number, now: number): CachedToken {
  return { token: value, issuedAt: now, expiresAt: now + lifetimeMs, requested: [] };
}

describe('TokenCache', () => {
  it('serves a token until shortly before it expires, then asks again', async () => {
    let now = NOW;
    const cache = new TokenCache(() => now);
    let requests = 0;
    const request = async () => token(`t${++requests}`, 300_000, now);
    expect((await cache.obtain('k', request)).token).toBe('t1');
    now += 280_000;
    expect((await cache.obtain('k', request)).token).toBe('t1');
    now += 15_000; // 5 s before expiry: inside the margin
    expect(cache.get('k')).toBeUndefined();
    expect((await cache.obtain('k', request)).token).toBe('t2');
  });

  it('gives up at most a tenth of a short lifetime', async () => {
    let now = NOW;
    const cache = new TokenCache(() => now);
    await cache.obtain('k', async () => token('short', 2_000, now));
    now += 1_700;
    expect(cache.get('k')?.token).toBe('short');
    now += 200;
    expect(cache.get('k')).toBeUndefined();
  });

  it('asks once for a scope however many callers need it at the same moment', async () => {
    const cache = new TokenCache(() => NOW);
    let requests = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const request = async () => {
      requests++;
      await gate;
      return token('shared', 60_000, NOW);
    };
    const waiting = Array.from({ length: 100 }, () => cache.obtain('k', request));
    const other = cache.obtain('other', request);
    release();
    const tokens = await Promise.all([...waiting, other]);
    expect(new Set(tokens.map((entry) => entry.token))).toEqual(new Set(['shared']));
    expect(requests).toBe(2);
  });

  it('lets the next caller try again after a failed request', async () => {
    const cache = new TokenCache(() => NOW);
    await expect(cache.obtain('k', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect((await cache.obtain('k', async () => token('ok', 60_000, NOW))).token).toBe('ok');
  });

  it('does not keep a token that is already at its end, but hands it to the callers waiting', async () => {
    const cache = new TokenCache(() => NOW);
    expect((await cache.obtain('k', async () => token('brief', 0, NOW))).token).toBe('brief');
    expect(cache.get('k')).toBeUndefined();
  });

  it('discards a refused token, not a newer one', async () => {
    const cache = new TokenCache(() => NOW);
    await cache.obtain('k', async () => token('old', 60_000, NOW));
    cache.discard('k', 'old');
    expect(cache.get('k')).toBeUndefined();
    await cache.obtain('k', async () => token('new', 60_000, NOW));
    cache.discard('k', 'old');
    expect(cache.get('k')?.token).toBe('new');
  });
});
