/** The graphql-sse client: distinct connections mode works on the GraphQL endpoint; single connection mode is refused with a reason. */
import { createClient, type Client } from 'graphql-sse';
import { afterAll, expect, inject, it } from 'vitest';
import { createTestGateway } from '../support/gateway.js';

const gateway = createTestGateway({ registryUrl: inject('registryUrl') });
afterAll(() => gateway.close());

function sseClient(singleConnection: boolean): Client {
  return createClient({
    url: 'http://127.0.0.1/graphql',
    singleConnection,
    retryAttempts: 0,
    fetchFn: (input: RequestInfo, init?: RequestInit) => gateway.app.yoga.fetch(new Request(input, init)),
  });
}

it('distinct connections mode (the default): a query answers over the event stream', async () => {
  const client = sseClient(false);
  const results = [];
  for await (const result of client.iterate({ query: '{ registry { id name } }' })) results.push(result);
  client.dispose();
  expect(results).toEqual([expect.objectContaining({ data: { registry: { id: expect.any(String), name: 'local' } } })]);
});

it('single connection mode: its PUT is refused with a message that names the modes offered', async () => {
  const client = sseClient(true);
  const refused = (async () => {
    for await (const _result of client.iterate({ query: '{ registry { name } }' })) throw new Error('expected no result');
  })();
  const error = await refused.then(
    () => ({ response: undefined }),
    (caught: unknown) => caught as { response?: Response },
  );
  client.dispose();
  expect(error.response?.status).toBe(405);
  expect(await error.response!.json()).toEqual({
    errors: [
      {
        message: expect.stringMatching(/single connection mode is not offered.*distinct connections mode.*graphql-ws/),
        extensions: { code: 'UNSUPPORTED' },
      },
    ],
  });
});
