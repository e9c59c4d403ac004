import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The registry browser: built into dist/ui/, which the gateway serves at `/`. Every asset is
 * bundled (no font, script or style from another host: registries often live without internet
 * access), with relative URLs so the gateway may sit under any path.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/ui/', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    // React and the app in one file of about 90 KiB compressed: one request, served with a year's caching.
    chunkSizeWarningLimit: 1024,
  },
  server: {
    // `npm run ui:dev` against a gateway on port 4000.
    proxy: { '/graphql': 'http://127.0.0.1:4000' },
  },
});
