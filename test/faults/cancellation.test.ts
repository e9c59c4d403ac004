/** A client that goes away: over a real HTTP connection, the gateway stops asking the registry for its query. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { startServer, type RunningServer } from '../../src/server/listen.js';
import { fakeImage, fakeRepository, startFakeRegistry, type FakeRegistry } from '../support/fakeRegistry.js';

let registry: FakeRegistry;
let server: RunningServer;
const tags = Array.from({ length: 40 }, (_, index) => `t${index}`);

beforeAll(async () => {
  registry = await startFakeRegistry(new Map([['team/app', fakeRepository(tags, [fakeImage('2026-01-01T00:00:00Z')])]]));
  // Manifests are never answered: the query waits on them until its client gives up.
  registry.intercept = (request) => request.url!.includes('/manifests/');
  server = await startServer({
    config: parseConfig({ registries: [{ name: 'fake', url: registry.url, concurrency: 4, timeoutMs: 60_000 }] }),
    port: 0,
    host: '127.0.0.1',
  });
});
afterAll(async () => {
  await server.close();
  await registry.stop();
});

it('aborts every upstream request of a query whose client disconnects, and starts no more', async () => {
  const client = new AbortController();
  const answer = fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ repository(name: "team/app") { tags(first: 40) { edges { node { digest } } } } }' }),
    signal: client.signal,
  });
  const manifestRequests = () => registry.requests.filter(({ path }) => path.includes('/manifests/'));
  // The pool holds 4 in flight; the other 36 tags wait for a connection.
  while (manifestRequests().length < 4) await new Promise((resolve) => setTimeout(resolve, 10));
  client.abort();
  await expect(answer).rejects.toThrow();
  for (let waited = 0; waited < 2000 && !manifestRequests().every(({ abandoned }) => abandoned); waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(manifestRequests().every(({ abandoned }) => abandoned)).toBe(true);
  const seen = manifestRequests().length;
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(manifestRequests()).toHaveLength(seen);
  expect(seen).toBeLessThan(tags.length);
});
