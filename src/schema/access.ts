import type { AuthFailure, ForbiddenResult } from '@pothos/plugin-scope-auth';
import type { GraphQLResolveInfo } from 'graphql';
import { ACCESS_SCOPES, type AccessScope } from '../access.js';
import type { GatewayContext } from './context.js';

/**
 * The error for a field that scope-auth refused: what the request lacks (a token at all, a
 * valid one, or the scope) and how to get it, as the request's access explains it.
 */
export function scopeAuthDenial(context: GatewayContext, info: GraphQLResolveInfo, result: ForbiddenResult): Error {
  const scope = missingScope(result.failure) ?? 'read';
  const action = info.operation.operation === 'mutation' ? info.fieldName : 'reading';
  return context.access.denial(scope, action);
}

function missingScope(failure: AuthFailure): AccessScope | undefined {
  if ('failures' in failure) {
    for (const inner of failure.failures) {
      const scope = missingScope(inner);
      if (scope) return scope;
    }
    return undefined;
  }
  const scope = 'scope' in failure ? failure.scope : undefined;
  return ACCESS_SCOPES.find((known) => known === scope);
}
