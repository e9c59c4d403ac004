import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * What the package's client entry point (`regql/client`, src/client/) exports, generated from
 * the printed schema and the operations a frontend runs: typed documents with their result and
 * variable types (client preset), the fragment matcher Apollo's and urql's normalised caches
 * need (possibleTypes), and the introspection result.
 */
const OUTPUT = 'src/client/generated/';

const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  // ESM: relative imports in the generated files need their .js extension.
  emitLegacyCommonJSImports: false,
  documents: ['schema/operations/*.graphql'],
  generates: {
    [OUTPUT]: {
      preset: 'client',
      config: {
        useTypeImports: true,
        scalars: { DateTime: 'string', SafeInt: 'number', JSONObject: 'Record<string, unknown>' },
        enumsAsTypes: true,
      },
      // The documents are exported as constants (src/client/index.ts exports graphql.ts only): the
      // preset's graphql() maps query text to them, and answers {} for any text not among them.
      // persisted-documents.json: hash → text of each operation, the trusted documents of
      // server.persistedQueries; each document carries its hash as __meta__.hash.
      presetConfig: { fragmentMasking: false, persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' } },
    },
    [`${OUTPUT}possibleTypes.ts`]: {
      plugins: ['fragment-matcher'],
      config: { apolloClientVersion: 3, useExplicitTyping: true },
    },
    [`${OUTPUT}introspection.json`]: {
      plugins: ['introspection'],
      config: { minify: true, descriptions: false },
    },
  },
};

export default config;
