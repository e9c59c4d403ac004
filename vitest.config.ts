import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 ships CommonJS and ESM builds; Pothos and yoga load the CommonJS one under
    // Node, so the tests must too, or two copies of graphql meet ("another module or realm").
    alias: { graphql: 'graphql/index.js' },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // One registry, seeded with the sample content, shared by every test file.
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 30_000,
    isolate: false,
    hookTimeout: 60_000,
  },
});

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the shared local registry holding sampleContent(). */
    registryUrl: string;
  }
}
