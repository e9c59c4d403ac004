import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { JSONObjectResolver, SafeIntResolver } from 'graphql-scalars';
import type { GatewayContext } from './context.js';
import { scopeAuthDenial } from './access.js';
import { cost } from './cost.js';
import { type ContentWhen, isManifestId } from './httpCache.js';
import type { UploadedFile } from '../model/writes/uploads.js';
import { DateTimeScalar, FileScalar } from './scalars.js';

export interface SchemaTypes {
  Context: GatewayContext;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: { list: false; items: false };
  DefaultNodeNullability: false;
  /** What the request's bearer token allows (see src/access.ts); read is granted to all unless access.requireReadToken. */
  AuthScopes: { read: boolean; write: boolean; delete: boolean };
  Scalars: {
    DateTime: { Input: string; Output: string };
    SafeInt: { Input: number; Output: number };
    JSONObject: { Input: Record<string, unknown>; Output: object };
    File: { Input: UploadedFile; Output: never };
  };
}

/** Only configuration lives here; types live in one module each beside their root fields. */
export const builder = new SchemaBuilder<SchemaTypes>({
  // Scope checks first, so that no other plugin's wrapper runs for a refused field.
  plugins: [ScopeAuthPlugin, RelayPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    // A subscriber without the scope is refused when it subscribes, not left connected and refused each event.
    authorizeOnSubscribe: true,
    authScopes: (context) => ({
      read: context.access.allows('read'),
      write: context.access.allows('write'),
      delete: context.access.allows('delete'),
    }),
    unauthorizedError: (_parent, context, info, result) => scopeAuthDenial(context, info, result),
  },
  relay: {
    nodesQueryOptions: false,
    nodeQueryOptions: {
      extensions: {
        // Looking a node up costs one call: a tag list, a manifest or a blob HEAD.
        ...cost({ calls: 1 }).extensions,
        // A manifest's id names it by digest.
        contentWhen: ((args) => isManifestId(args.id)) satisfies ContentWhen,
      },
    },
    edgesFieldOptions: { nullable: { list: false, items: false } },
    nodeFieldOptions: { nullable: false },
  },
});

builder.addScalarType('DateTime', DateTimeScalar);
builder.addScalarType('SafeInt', SafeIntResolver);
builder.addScalarType('JSONObject', JSONObjectResolver);
builder.addScalarType('File', FileScalar);

// Every query field needs read, which every request has unless access.requireReadToken is on.
builder.queryType({ authScopes: { read: true } });
// Each mutation's scopes are on its field, beside its domain type.
builder.mutationType({});
