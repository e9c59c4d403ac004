/**
 * Who may do what through the gateway: bearer tokens from the configuration, each with scopes.
 * The gateway is read-only unless a token with the write (or delete) scope is configured and
 * sent; reading can be made to need a token too. Token values are kept only as hashes, are
 * compared in constant time, and never appear in messages, logs or serialized configuration.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const ACCESS_SCOPES = ['read', 'write', 'delete'] as const;
export type AccessScope = (typeof ACCESS_SCOPES)[number];

export class AccessToken {
  readonly name: string;
  readonly scopes: ReadonlySet<AccessScope>;
  readonly #secretHash: Buffer;

  constructor(name: string, scopes: readonly AccessScope[], secret: string) {
    this.name = name;
    this.scopes = new Set(scopes);
    this.#secretHash = hashSecret(secret);
  }

  /** Constant time: both sides are hashes of the same length. */
  matchesHash(candidateHash: Buffer): boolean {
    return timingSafeEqual(this.#secretHash, candidateHash);
  }

  /** What logging or printing the configuration shows: never the secret. */
  toJSON(): { name: string; scopes: AccessScope[] } {
    return { name: this.name, scopes: [...this.scopes] };
  }
}

/**
 * A secret that a peer presents as `Authorization: Bearer <secret>` (the registry posting its
 * notifications, a scraper of /metrics). Kept only as a hash, compared in constant time, never
 * shown.
 */
export class SharedSecret {
  readonly #hash: Buffer;

  constructor(secret: string) {
    this.#hash = hashSecret(secret);
  }

  /** Whether the Authorization header carries the secret. */
  admits(authorization: string | null): boolean {
    const bearer = authorization === null ? undefined : /^Bearer +(\S+) *$/i.exec(authorization)?.[1];
    return bearer !== undefined && timingSafeEqual(this.#hash, hashSecret(bearer));
  }

  toJSON(): string {
    return '[secret]';
  }
}

export interface AccessConfig {
  tokens: AccessToken[];
  /** Queries need a token with the read scope too. */
  requireReadToken: boolean;
}

/** A request's failure to be allowed; `code` becomes extensions.code. */
export class AccessDeniedError extends Error {
  override name = 'AccessDeniedError';
  constructor(
    readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN',
    message: string,
  ) {
    super(message);
  }
}

type Credential = { kind: 'none' } | { kind: 'invalid' } | { kind: 'valid'; token: AccessToken };

/** What one request may do, from its Authorization header. */
export class RequestAccess {
  constructor(
    private readonly config: AccessConfig,
    private readonly credential: Credential,
  ) {}

  /** Who the request is, for the audit log: the token's configured name, or what was sent instead. Never the token. */
  get tokenName(): string | null {
    return this.credential.kind === 'valid'
      ? this.credential.token.name
      : this.credential.kind === 'invalid'
        ? '(not a configured token)'
        : null;
  }

  allows(scope: AccessScope): boolean {
    if (scope === 'read' && !this.config.requireReadToken) return true;
    return this.credential.kind === 'valid' && this.credential.token.scopes.has(scope);
  }

  /** Throws AccessDeniedError unless the request has the scope; `action` names what needs it. */
  require(scope: AccessScope, action: string): void {
    if (!this.allows(scope)) throw this.denial(scope, action);
  }

  denial(scope: AccessScope, action: string): AccessDeniedError {
    const needs = `${action} needs a token with the ${scope} scope`;
    if (this.config.tokens.length === 0) {
      return new AccessDeniedError(
        'FORBIDDEN',
        `${needs}, and this gateway has no access tokens: it is read-only. To enable writes, configure a token ` +
          'with the write scope (and delete, to delete manifests) under access.tokens, and send it as "Authorization: Bearer <token>".',
      );
    }
    switch (this.credential.kind) {
      case 'none':
        return new AccessDeniedError('UNAUTHENTICATED', `${needs}: send it as "Authorization: Bearer <token>"`);
      case 'invalid':
        return new AccessDeniedError(
          'UNAUTHENTICATED',
          `${needs}, and the Authorization header does not carry one of the gateway's tokens (expected "Bearer <token>")`,
        );
      case 'valid': {
        const granted = [...this.credential.token.scopes].join(', ') || 'none';
        return new AccessDeniedError('FORBIDDEN', `${needs}; the token "${this.credential.token.name}" has the scopes: ${granted}`);
      }
    }
  }
}

export class AccessControl {
  constructor(private readonly config: AccessConfig) {}

  /** The access of a request with this Authorization header (null when absent). */
  forRequest(authorization: string | null): RequestAccess {
    return new RequestAccess(this.config, this.identify(authorization));
  }

  private identify(authorization: string | null): Credential {
    if (authorization === null || authorization.trim() === '') return { kind: 'none' };
    const bearer = /^Bearer +(\S+) *$/i.exec(authorization)?.[1];
    if (bearer === undefined) return { kind: 'invalid' };
    const candidate = hashSecret(bearer);
    // Every token is compared, so the time taken does not tell which (or whether one) matched.
    let match: AccessToken | undefined;
    for (const token of this.config.tokens) {
      if (token.matchesHash(candidate)) match = token;
    }
    return match ? { kind: 'valid', token: match } : { kind: 'invalid' };
  }
}

function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
