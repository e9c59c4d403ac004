/** The registry browser's files at `/`: from memory, with a policy that keeps the page on the gateway's origin; off by configuration. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestGateway } from '../support/gateway.js';

/** A stand-in for a Vite build: index.html and one hashed asset. */
function builtUi(): string {
  const directory = mkdtempSync(join(tmpdir(), 'regql-ui-files-'));
  mkdirSync(join(directory, 'assets'));
  writeFileSync(join(directory, 'index.html'), '<!doctype html><script type="module" src="./assets/index-abc123.js"></script>');
  writeFileSync(join(directory, 'assets', 'index-abc123.js'), 'console.log("ui")');
  return directory;
}

const registryUrl = inject('registryUrl');
const served = createTestGateway({ registryUrl, config: { server: { ui: { directory: builtUi() } } } });
const notBuilt = createTestGateway({ registryUrl, config: { server: { ui: { directory: join(tmpdir(), 'regql-no-such-ui') } } } });
const off = createTestGateway({ registryUrl, config: { server: { ui: { enabled: false, directory: builtUi() } } } });
afterAll(() => Promise.all([served.close(), notBuilt.close(), off.close()]));

const get = (gateway: typeof served, path: string, method = 'GET') => gateway.app.yoga.fetch(`http://127.0.0.1${path}`, { method });

describe('server.ui', () => {
  it('serves index.html at /, to be asked again each time, allowed to talk to the gateway only', async () => {
    const response = await get(served, '/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'.*connect-src 'self'/);
    expect(await response.text()).toContain('assets/index-abc123.js');
  });

  it('serves hashed assets for a year; an unknown one, or one outside assets/, is 404', async () => {
    const asset = await get(served, '/assets/index-abc123.js');
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe('console.log("ui")');
    expect((await get(served, '/assets/nope.js')).status).toBe(404);
    expect((await get(served, '/assets/../../../etc/passwd')).status).toBe(404);
    expect((await get(served, '/assets/%2e%2e%2findex.html')).status).toBe(404);
  });

  it('answers HEAD without a body', async () => {
    const response = await get(served, '/', 'HEAD');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('says how to build it when it is not built', async () => {
    const response = await get(notBuilt, '/');
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('npm run build');
  });

  it('enabled: false leaves / unserved; GraphQL is unaffected', async () => {
    expect((await get(off, '/')).status).toBe(404);
    expect((await off.query('{ registry { name } }')).data).toEqual({ registry: { name: 'local' } });
  });
});
