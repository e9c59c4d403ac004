// ESLint: typescript-eslint's recommended rules, plus the project's layering (what may import what; see the README's Architecture).
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** `no-restricted-imports` patterns: a layer may not reach into the ones named. */
const forbid = (...groups) => ({
  'no-restricted-imports': ['error', { patterns: groups.map(({ group, message }) => ({ group, message })) }],
});

const graphql = { group: ['graphql', 'graphql-yoga', '@pothos/*'], message: 'only src/schema/ and src/server/ know GraphQL' };
const fixtures = { group: ['**/fixtures/**'], message: 'fixtures and sample content stay out of the gateway' };

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'src/client/generated/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Tests and generated shapes read loosely typed GraphQL answers.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['src/util/**'],
    rules: forbid({ group: ['../*', '!../util/*'], message: 'src/util/ depends on nothing of the gateway' }),
  },
  {
    files: ['src/registry/**'],
    rules: forbid(graphql, fixtures, {
      group: ['**/config/**', '**/model/**', '**/loaders/**', '**/schema/**', '**/server/**', '../access.js', '../registries.js'],
      message: 'the registry client knows nothing of the gateway above it',
    }),
  },
  {
    files: ['src/config/**', 'src/access.ts', 'src/registries.ts', 'src/loaders/**', 'src/shared/**'],
    rules: forbid(graphql, fixtures, {
      group: ['**/model/**', '**/schema/**', '**/server/**'],
      message: 'configuration, access and loaders sit below the model',
    }),
  },
  {
    files: ['src/model/**'],
    rules: forbid(graphql, fixtures, { group: ['**/schema/**', '**/server/**'], message: 'the model knows nothing of GraphQL' }),
  },
  {
    files: ['src/schema/**'],
    rules: forbid(fixtures, {
      group: ['**/registry/**', '**/loaders/**', '**/config/**', '**/server/**', '../registries.js'],
      message: 'schema modules go through the model (src/model/), never to the registry client or the loaders',
    }),
  },
  { files: ['src/server/**'], rules: forbid(fixtures) },
  {
    files: ['src/client/**'],
    rules: forbid(fixtures, {
      group: ['../*', '!./generated/*'],
      message: 'the client entry point ships no gateway code: only what codegen made',
    }),
  },
  {
    files: ['ui/src/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...forbid({
        group: ['**/src/*', '!**/src/client', '**/fixtures/**'],
        message: 'the browser talks to the gateway through regql/client only',
      }),
    },
  },
  {
    files: ['bench/**'],
    rules: forbid({ group: ['**/src/schema/**'], message: 'the bench uses the model and the registry client, not schema internals' }),
  },
);
