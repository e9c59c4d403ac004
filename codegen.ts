import type { CodegenConfig } from '@graphql-codegen/cli';

/** Typed documents (client preset) for the operations a frontend runs; the tests use them. */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  // ESM: relative imports in the generated files need their .js extension.
  emitLegacyCommonJSImports: false,
  documents: ['schema/operations/*.graphql'],
  generates: {
    'test/generated/': {
      preset: 'client',
      config: {
        useTypeImports: true,
        scalars: { DateTime: 'string', SafeInt: 'number', JSONObject: 'Record<string, unknown>' },
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
