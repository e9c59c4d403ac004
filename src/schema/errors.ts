import { PothosValidationError } from '@pothos/core';
import { ForbiddenError } from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import { AccessDeniedError } from '../access.js';
import { RegistryError, type RegistryErrorKind } from '../registry/errors.js';
import { InvalidReferenceError } from '../registry/reference.js';

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
};

/** The extensions.code a registry failure of this kind carries. */
export function registryErrorCode(kind: RegistryErrorKind): string {
  return CODE_BY_KIND[kind];
}

export function userInputError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

export function notFoundError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'NOT_FOUND' } });
}

export function unsupportedError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNSUPPORTED' } });
}

/**
 * The one place where failures become what clients see. Registry failures keep their message
 * (method, path and the registry's codes; never credentials) and carry the registry's error
 * codes in extensions.registryErrors; the caller's bad input is BAD_USER_INPUT; a request without
 * the access it needs is UNAUTHENTICATED (no valid token) or FORBIDDEN (not allowed). Anything else
 * is a bug: undefined is returned so the server masks it and logs it.
 */
export function toClientError(error: GraphQLError): GraphQLError | undefined {
  const original = error.originalError;
  if (!original || original === error) return error;
  if (original instanceof AccessDeniedError) {
    return new GraphQLError(original.message, { nodes: error.nodes, path: error.path, extensions: { code: original.code } });
  }
  // Scope-auth's own refusal (a subclass of PothosValidationError, so checked before it).
  if (original instanceof ForbiddenError) {
    return new GraphQLError(original.message, { nodes: error.nodes, path: error.path, extensions: { code: 'FORBIDDEN' } });
  }
  // Pothos reports malformed input (a global id that does not decode) with its own GraphQLError subclass.
  if (original instanceof InvalidReferenceError || original instanceof PothosValidationError) {
    return new GraphQLError(original.message, { nodes: error.nodes, path: error.path, extensions: { code: 'BAD_USER_INPUT' } });
  }
  if (original instanceof GraphQLError) {
    return new GraphQLError(original.message, { nodes: error.nodes, path: error.path, extensions: original.extensions });
  }
  if (original instanceof RegistryError) {
    return new GraphQLError(original.message, {
      nodes: error.nodes,
      path: error.path,
      extensions: {
        code: CODE_BY_KIND[original.kind],
        ...(original.status === undefined ? {} : { upstreamStatus: original.status }),
        registryErrors: original.registryErrors.map(({ code, message }) => ({ code, message })),
      },
    });
  }
  return undefined;
}

/** For fields where "the registry does not know it" is an answer (null), not a failure. */
export async function nullIfNotFound<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof RegistryError && error.kind === 'NOT_FOUND') return null;
    throw error;
  }
}
