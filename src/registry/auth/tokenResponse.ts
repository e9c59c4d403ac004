/**
 * The token server's answer (distribution's token spec, which Docker Hub, GHCR, Harbor, GitLab
 * and Quay follow): `{"token": ..., "access_token": ..., "expires_in": 300, "issued_at": "..."}`.
 */

export interface IssuedToken {
  token: string;
  /** Epoch milliseconds from which the lifetime counts. */
  issuedAt: number;
  /** Epoch milliseconds after which the token server no longer vouches for the token. */
  expiresAt: number;
}

/** The spec's lifetime when the server sends no expires_in. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 60;

export class TokenResponseError extends Error {
  override name = 'TokenResponseError';
}

/**
 * The token and when it expires: issued_at plus expires_in. A server clock ahead of ours must not
 * stretch the lifetime, so the start is issued_at only when that is not later than receivedAt.
 */
export function parseTokenResponse(document: unknown, receivedAt: number): IssuedToken {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new TokenResponseError('the token server did not answer with a JSON object');
  }
  const fields = document as Record<string, unknown>;
  const token = [fields.token, fields.access_token].find((value): value is string => typeof value === 'string' && value !== '');
  if (token === undefined) throw new TokenResponseError('the token server answered without "token" or "access_token"');

  const expiresIn = fields.expires_in;
  const lifetimeSeconds =
    typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_TOKEN_LIFETIME_SECONDS;
  const issuedAt = typeof fields.issued_at === 'string' ? Date.parse(fields.issued_at) : Number.NaN;
  const start = Number.isNaN(issuedAt) ? receivedAt : Math.min(issuedAt, receivedAt);
  return { token, issuedAt: start, expiresAt: start + lifetimeSeconds * 1000 };
}
