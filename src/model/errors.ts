/**
 * The gateway's errors below GraphQL: the codes clients see in `extensions.code`, and the one
 * mapping from the registry client's failures to them. The schema only copies what is here into
 * GraphQL errors (src/schema/errors.ts).
 */
import { RegistryError, type RegistryErrorKind } from '../registry/errors.js';
import { InvalidReferenceError } from '../registry/reference.js';

export { InvalidReferenceError, RegistryError };

/**
 * Failures the gateway decides itself: the client's mistakes, what does not exist or is not
 * offered, an operation over its budget or past its deadline, one whose client went away.
 */
export type GatewayErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'DIGEST_MISMATCH'
  | 'UNSUPPORTED'
  | 'QUERY_TOO_COSTLY'
  | 'UPSTREAM_UNAVAILABLE'
  | 'CANCELLED';

export class GatewayError extends Error {
  override name = 'GatewayError';
  constructor(
    /** A GatewayErrorCode, or the code of the registry failure behind it (UPSTREAM_UNAVAILABLE, ...). */
    readonly code: string,
    message: string,
    /** More for extensions: what holds after an interrupted write, say. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export function badInput(message: string): GatewayError {
  return new GatewayError('BAD_USER_INPUT', message);
}

export function notFound(message: string): GatewayError {
  return new GatewayError('NOT_FOUND', message);
}

/** The change would break what holds in the registry now (a blob tagged manifests still use). */
export function conflict(message: string, details: Readonly<Record<string, unknown>>): GatewayError {
  return new GatewayError('CONFLICT', message, details);
}

export function unsupported(message: string): GatewayError {
  return new GatewayError('UNSUPPORTED', message);
}

/** extensions.code for each kind of registry failure. */
const CODE_BY_KIND: Record<RegistryErrorKind, string> = {
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHORIZED: 'UPSTREAM_UNAUTHORIZED',
  DENIED: 'UPSTREAM_DENIED',
  RATE_LIMITED: 'UPSTREAM_RATE_LIMITED',
  UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UNSUPPORTED: 'UNSUPPORTED',
  DIGEST_MISMATCH: 'DIGEST_MISMATCH',
  TOO_LARGE: 'UPSTREAM_TOO_LARGE',
  INVALID: 'UPSTREAM_INVALID',
  PROTOCOL: 'UPSTREAM_ERROR',
  MALFORMED: 'UPSTREAM_INVALID',
};

/** The extensions.code a registry failure of this kind carries. */
export function registryErrorCode(kind: RegistryErrorKind): string {
  return CODE_BY_KIND[kind];
}
