import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { startServer } from '../../src/server/listen.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Runs the gateway's entry point as a user would, collecting its output. */
function runMain(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', ...args], {
    cwd: projectRoot,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const waitFor = async (pattern: RegExp): Promise<RegExpMatchArray> => {
    for (let waited = 0; waited < 20_000; waited += 100) {
      const match = pattern.exec(output);
      if (match) return match;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${pattern} in:\n${output}`);
  };
  return { child, exited, waitFor, output: () => output };
}

describe('the HTTP server', async () => {
  const unreachable = `http://127.0.0.1:${await closedPort()}`;
  const server = await startServer({
    config: parseConfig({ registries: [{ name: 'gone', url: unreachable, timeoutMs: 2000 }] }),
    port: 0,
    host: '127.0.0.1',
  });
  afterAll(() => server.close());

  it('answers /healthz while the registry is down, and /readyz with 503 and the reason', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', registry: 'gone', error: expect.stringContaining('GET /v2/') });
  });

  it('serves GraphiQL with its assets inline, so it works without internet access', async () => {
    const page = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('GraphiQL');
    const externalAssets = html.match(/<(?:script|link)\b[^>]*\b(?:src|href)=["']?(?:https?:)?\/\/[^>]*>/gi);
    expect(externalAssets).toBeNull();
  });

  it('reports an unreachable registry as UPSTREAM_UNAVAILABLE in a 200 response with partial data', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ registry { name status { reachable error } repositories(first: 1) { edges { cursor } } } }' }),
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.data.registry.name).toBe('gone');
    expect(body.data.registry.status.reachable).toBe(false);
    expect(body.data.registry.repositories).toBeNull();
    expect(body.errors[0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('the entry point', () => {
  it('prints usage for --help and the version for --version, exiting 0 without serving', async () => {
    const [help, version] = [runMain(['--help'], {}), runMain(['--version'], {})];
    expect(await help.exited).toBe(0);
    expect(help.output()).toMatch(/^Usage: regql \[--config FILE\]/);
    for (const documented of ['--config FILE', 'REGISTRY_URL', 'REGQL_CONFIG', 'PORT, HOST', 'LOG_LEVEL', 'README']) {
      expect(help.output()).toContain(documented);
    }
    expect(help.output()).not.toContain('serving GraphQL');
    expect(await version.exited).toBe(0);
    expect(version.output().trim()).toBe(`regql ${packageVersion}`);
  });

  it('refuses an unknown option with code 2', async () => {
    const run = runMain(['--port', '80'], {});
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain("Unknown option '--port'");
  });

  it('exits with code 2 and one message naming the bad key', async () => {
    const run = runMain([], { REGISTRY_URL: 'not a url' });
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain('registries.0.url');
    expect(run.output().trim().split('\n')).toHaveLength(1);
  });

  it('says the registry is unreachable, serves anyway, and stops cleanly on SIGTERM', async () => {
    const run = runMain([], { REGISTRY_URL: `http://127.0.0.1:${await closedPort()}`, PORT: '0' });
    const [, url] = await run.waitFor(/serving GraphQL at (http:\/\/[^\s"]+)\/graphql/);
    await run.waitFor(/is unreachable; serving anyway/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });
});
