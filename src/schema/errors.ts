import { PothosValidationError } from '@pothos/core';
import { ForbiddenError } from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import { AccessDeniedError } from '../access.js';
import { GatewayError, InvalidReferenceError, RegistryError, registryErrorCode } from '../model/errors.js';

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
  const withCode = (code: string, extensions: Record<string, unknown> = {}) =>
    new GraphQLError(original.message, { nodes: error.nodes, path: error.path, extensions: { code, ...extensions } });
  if (original instanceof GatewayError) return withCode(original.code, { ...original.details });
  if (original instanceof AccessDeniedError) return withCode(original.code);
  // Scope-auth's own refusal (a subclass of PothosValidationError, so checked before it).
  if (original instanceof ForbiddenError) return withCode('FORBIDDEN');
  // Pothos reports malformed input (a global id that does not decode) with its own GraphQLError subclass.
  if (original instanceof InvalidReferenceError || original instanceof PothosValidationError) return withCode('BAD_USER_INPUT');
  if (original instanceof GraphQLError) {
    return new GraphQLError(original.message, { nodes: error.nodes, path: error.path, extensions: original.extensions });
  }
  if (original instanceof RegistryError) {
    return withCode(registryErrorCode(original.kind), {
      ...(original.status === undefined ? {} : { upstreamStatus: original.status }),
      registryErrors: original.registryErrors.map(({ code, message }) => ({ code, message })),
    });
  }
  return undefined;
}
