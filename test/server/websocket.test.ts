/** GraphQL over WebSocket (graphql-ws) on a listening gateway: the bearer token in connectionParams. */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { startServer, type RunningServer } from '../../src/server/listen.js';
import { subscribeWs } from '../support/subscriptions.js';

const READ_TOKEN = 'ws-read-token-0123456789abcdef';
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    config: parseConfig({
      registries: [{ name: 'local', url: inject('registryUrl'), notifications: { token: 'ws-notify-secret-0123456789' } }],
      access: { tokens: [{ name: 'reader', scopes: ['read'], token: READ_TOKEN }], requireReadToken: true },
    }),
    port: 0,
    host: '127.0.0.1',
  });
});
afterAll(() => server.close());

it('refuses a subscription without the read token, and takes one with it in connectionParams', async () => {
  const refused = subscribeWs(server.url, 'subscription { registryEvents { action } }');
  await expect(refused.next(1)).rejects.toEqual([
    expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }),
  ]);
  await refused.stop();
  const allowed = subscribeWs(server.url, 'subscription { registryEvents { action } }', { authorization: `Bearer ${READ_TOKEN}` });
  for (let waited = 0; server.app.events.subscriberCount === 0 && waited < 5000; waited += 20)
    await new Promise((resolve) => setTimeout(resolve, 20));
  expect(server.app.events.subscriberCount).toBe(1);
  await allowed.stop();
});

it('answers queries too, with the same access rules', async () => {
  const refused = subscribeWs(server.url, '{ registry { name } }');
  await expect(refused.next(1)).rejects.toBeDefined();
  await refused.stop();
  const allowed = subscribeWs<{ registry: { name: string } }>(server.url, '{ registry { name } }', {
    authorization: `Bearer ${READ_TOKEN}`,
  });
  expect((await allowed.next(1))[0]).toEqual({ registry: { name: 'local' } });
  await allowed.stop();
});
