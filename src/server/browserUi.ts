/**
 * The registry browser (ui/, built by `npm run build` into dist/ui/) at `/`: index.html and its
 * hashed assets, read once at start-up and served from memory. Its Content-Security-Policy lets
 * the page talk to the gateway only: no script, style, font or request reaches another host.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'graphql-yoga';

/** Where `npm run build` puts the UI, seen from this module built (dist/src/server/) or run from source (src/server/). */
const BUILT_UI_DIRECTORIES = ['../../ui/', '../../dist/ui/'].map((relative) => fileURLToPath(new URL(relative, import.meta.url)));

export function defaultUiDirectory(): string {
  return BUILT_UI_DIRECTORIES.find((directory) => existsSync(join(directory, 'index.html'))) ?? BUILT_UI_DIRECTORIES[0]!;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

interface Asset {
  body: Buffer<ArrayBuffer>;
  contentType: string;
}

function readAssets(directory: string): Map<string, Asset> | undefined {
  if (!existsSync(join(directory, 'index.html'))) return undefined;
  const assets = new Map<string, Asset>();
  const add = (path: string, file: string) =>
    assets.set(path, { body: readFileSync(file), contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
  add('/', join(directory, 'index.html'));
  const assetDirectory = join(directory, 'assets');
  if (existsSync(assetDirectory)) for (const name of readdirSync(assetDirectory)) add(`/assets/${name}`, join(assetDirectory, name));
  return assets;
}

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>regql</title>
<h1>The registry browser is not built</h1>
<p>Run <code>npm run build</code> (or <code>npm start</code>, which builds first). GraphQL and GraphiQL are at <a href="graphql">/graphql</a>.</p>`;

/** Serves the UI from `directory`; when it holds no build, `/` says how to make one. */
export function useBrowserUi(directory: string): Plugin {
  const assets = readAssets(directory);
  return {
    onRequest({ request, url, endResponse }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      const path = url.pathname === '/index.html' ? '/' : url.pathname;
      if (path !== '/' && !path.startsWith('/assets/')) return;
      if (!assets) {
        if (path === '/')
          endResponse(
            new Response(NOT_BUILT, { status: 404, headers: { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS } }),
          );
        return;
      }
      const asset = assets.get(path);
      if (!asset) {
        endResponse(new Response('not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } }));
        return;
      }
      // Asset names carry a hash of their content; the page itself must be asked for again to find new ones.
      const cacheControl = path === '/' ? 'no-cache' : 'public, max-age=31536000, immutable';
      const body = request.method === 'HEAD' ? null : asset.body;
      endResponse(
        new Response(body, { headers: { 'content-type': asset.contentType, 'cache-control': cacheControl, ...SECURITY_HEADERS } }),
      );
    },
  };
}
