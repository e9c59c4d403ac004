import { LRUCache } from 'lru-cache';
import type { Scope } from './scope.js';
import type { IssuedToken } from './tokenResponse.js';

export interface CachedToken extends IssuedToken {
  /** The scopes the token was asked for (the server may have granted less). */
  requested: Scope[];
}

/** Tokens are used until this long before they expire, so none expires on its way to the registry. */
const EXPIRY_MARGIN_MS = 10_000;
/** ... but at most this part of a short lifetime is given up. */
const EXPIRY_MARGIN_SHARE = 0.1;
/** One token per scope set (per repository, mostly); enough for a dashboard over a large registry. */
const DEFAULT_MAX_ENTRIES = 2_000;

/**
 * One registry's tokens by scope key, each used until shortly before it expires. Requests that
 * need a token for the same scopes at the same moment share one token request.
 */
export class TokenCache {
  private readonly tokens: LRUCache<string, CachedToken>;
  private readonly pending = new Map<string, Promise<CachedToken>>();

  constructor(
    private readonly now: () => number = Date.now,
    maxEntries = DEFAULT_MAX_ENTRIES,
  ) {
    this.tokens = new LRUCache({ max: maxEntries });
  }

  /** The usable token for key, if any. */
  get(key: string): CachedToken | undefined {
    const token = this.tokens.get(key);
    if (token === undefined) return undefined;
    if (this.now() < usableUntil(token)) return token;
    this.tokens.delete(key);
    return undefined;
  }

  /** The usable token for key, else the one being requested for it, else a new request's. */
  obtain(key: string, request: () => Promise<CachedToken>): Promise<CachedToken> {
    const cached = this.get(key);
    if (cached) return Promise.resolve(cached);
    const pending = this.pending.get(key);
    if (pending) return pending;
    const requested = request().then(
      (token) => {
        this.pending.delete(key);
        // A token already too close to its end still serves the requests waiting for it.
        if (this.now() < usableUntil(token)) this.tokens.set(key, token);
        return token;
      },
      (error: unknown) => {
        this.pending.delete(key);
        throw error;
      },
    );
    this.pending.set(key, requested);
    return requested;
  }

  /** Forgets a token the registry refused, unless a newer one has replaced it meanwhile. */
  discard(key: string, token: string): void {
    if (this.tokens.peek(key)?.token === token) this.tokens.delete(key);
  }
}

function usableUntil({ issuedAt, expiresAt }: IssuedToken): number {
  return expiresAt - Math.min(EXPIRY_MARGIN_MS, (expiresAt - issuedAt) * EXPIRY_MARGIN_SHARE);
}
