/** Persisted queries over HTTP (POST and GET) and graphql-ws, in automatic and trusted mode. */
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import shipped from '../../src/client/generated/persisted-documents.json' with { type: 'json' };
import { DashboardDocument } from '../../src/client/index.js';
import { parseConfig } from '../../src/config/index.js';
import { documentHash } from '../../src/config/trustedDocuments.js';
import { startServer, type RunningServer } from '../../src/server/listen.js';
import { createTestGateway } from '../support/gateway.js';
import { subscribeWs } from '../support/subscriptions.js';

const registryUrl = inject('registryUrl');
const QUERY = '{ registry { id name } }';
const persistedQuery = { version: 1, sha256Hash: documentHash(QUERY) };
const dashboardHash = (DashboardDocument as unknown as { __meta__: { hash: string } }).__meta__.hash;

function getUrl(params: Record<string, unknown>): URL {
  const url = new URL('http://127.0.0.1/graphql');
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  return url;
}

describe('automatic', () => {
  const gateway = createTestGateway({ registryUrl });
  afterAll(() => gateway.close());

  it('a hash alone it does not know: PERSISTED_QUERY_NOT_FOUND with HTTP 200, kept by no cache', async () => {
    const response = await gateway.post({ extensions: { persistedQuery } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({
      errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }],
    });
  });

  it('hash and text over POST, then the hash alone over GET, which HTTP caches may revalidate', async () => {
    const registered = await (await gateway.post({ query: QUERY, extensions: { persistedQuery } })).json();
    expect(registered).toMatchObject({ data: { registry: { name: 'local' } } });
    const response = await gateway.app.yoga.fetch(getUrl({ extensions: { persistedQuery } }), {
      headers: { accept: 'application/graphql-response+json' },
    });
    expect(response.status).toBe(200);
    expect((await response.json()).data).toEqual(registered.data);
    expect(response.headers.get('cache-control')).toBe('public, no-cache');
  });

  it('an invalid operation with its hash is answered, and not kept', async () => {
    const invalid = '{ registry { nosuchfield } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: documentHash(invalid) } };
    expect((await gateway.post({ query: invalid, extensions })).status).toBe(400);
    expect(await (await gateway.post({ extensions })).json()).toMatchObject({
      errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }],
    });
  });

  it('a text that is not its hash: BAD_USER_INPUT', async () => {
    const response = await gateway.post({ query: '{ registry { name } }', extensions: { persistedQuery } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
  });
});

describe('trusted', () => {
  let server: RunningServer;
  beforeAll(async () => {
    const config = parseConfig({ registries: [{ name: 'local', url: registryUrl }], server: { persistedQueries: { mode: 'trusted' } } });
    server = await startServer({ config, port: 0, host: '127.0.0.1' });
  });
  afterAll(() => server?.close());

  const post = (body: unknown) =>
    fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('runs the project’s operations by the hash codegen gave them, or by exactly the text it hashed', async () => {
    const byHash = await (await post({ extensions: { persistedQuery: { version: 1, sha256Hash: dashboardHash } } })).json();
    expect(byHash.errors).toBeUndefined();
    expect(byHash.data.registry.name).toBe('local');
    const byText = await (await post({ query: shipped[dashboardHash as keyof typeof shipped] })).json();
    expect(byText.data.registry.repositories).toEqual(byHash.data.registry.repositories);
    // Printed otherwise (spacing, order of fields), it is another document.
    const printed = await (await post({ query: print(DashboardDocument) })).json();
    expect(printed.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'PERSISTED_QUERY_NOT_IN_LIST' }) }),
    ]);
  });

  it('refuses any other operation over HTTP, with or without a hash, and over graphql-ws', async () => {
    for (const body of [{ query: QUERY }, { query: QUERY, extensions: { persistedQuery } }, { extensions: { persistedQuery } }]) {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect((await response.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    }
    const overWs = subscribeWs(server.url, QUERY);
    await expect(overWs.next(1)).rejects.toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'PERSISTED_QUERY_NOT_IN_LIST' }) }),
    ]);
    await overWs.stop();
  });
});
