/**
 * urql 6 with graphcache 9, set up as the README says (the schema's introspection from
 * regql/client, typesWithoutId kept inside their parents), against the gateway on a real
 * registry: answers normalise without warnings, and a deleteTag answer updates the cached
 * dashboard without a refetch.
 */
import { Client, fetchExchange, gql } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRegistry } from '../../fixtures/registry/localRegistry.js';
import { DashboardDocument, DeleteTagDocument, introspection, typesWithoutId } from '../../src/client/index.js';
import { createTestGateway, type TestGateway } from '../support/gateway.js';
import { startSeededRegistry } from '../support/registry.js';
import { ACCESS, TOKENS } from '../support/writes.js';

let registry: LocalRegistry;
let gateway: TestGateway;

beforeAll(async () => {
  registry = await startSeededRegistry();
  gateway = createTestGateway({ registryUrl: registry.url, config: { access: ACCESS } });
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

afterAll(async () => {
  vi.restoreAllMocks();
  await gateway?.close();
  await registry?.stop();
});

function urqlClient() {
  const operations: string[] = [];
  const client = new Client({
    url: 'http://127.0.0.1/graphql',
    fetchOptions: { headers: { authorization: `Bearer ${TOKENS.admin}` } },
    fetch: async (input, init) => {
      const request = new Request(input, init);
      // urql sends queries as GET while their URL is short enough, mutations as POST.
      const sent =
        request.method === 'GET' ? new URL(request.url).searchParams.get('operationName') : (await request.clone().json()).operationName;
      operations.push(`${request.method} ${sent}`);
      return gateway.app.yoga.fetch(request);
    },
    exchanges: [
      cacheExchange({
        schema: introspection,
        keys: Object.fromEntries(typesWithoutId.map((name) => [name, () => null])),
      }),
      fetchExchange,
    ],
  });
  return { client, operations };
}

describe('graphcache', () => {
  it('normalises the dashboard without a warning; a query of the same entities is answered from the cache', async () => {
    const { client, operations } = urqlClient();
    const dashboard = await client.query(DashboardDocument, {}).toPromise();
    expect(dashboard.error).toBeUndefined();
    const repository = dashboard.data!.registry.repositories!.edges[0]!.node;
    // Another document over the registry and repository the dashboard stored: no request.
    const overlap = await client
      .query(
        gql`
          query Overlap {
            registry {
              id
              name
              repositories(first: 50) {
                edges {
                  node {
                    id
                    name
                    tagCount
                  }
                }
              }
            }
          }
        `,
        {},
        { requestPolicy: 'cache-only' },
      )
      .toPromise();
    expect(overlap.data?.registry.repositories.edges[0].node).toMatchObject({
      id: repository.id,
      name: repository.name,
      tagCount: repository.tagCount,
    });
    expect(operations).toEqual(['GET Dashboard']);
    expect(vi.mocked(console.warn).mock.calls).toEqual([]);
  });

  it('after deleteTag, the cached dashboard has the new tag count without a refetch', async () => {
    const { client, operations } = urqlClient();
    const repositoryOf = (data: any) => data.registry.repositories.edges.find(({ node }: any) => node.name === 'team/api').node;
    const before = repositoryOf((await client.query(DashboardDocument, {}).toPromise()).data);
    const tag = before.tags.edges.map(({ node }: any) => node).find(({ name }: any) => name !== 'latest');

    const deleted = await client.mutation(DeleteTagDocument, { input: { repository: 'team/api', tag: tag.name } }).toPromise();
    expect(deleted.error).toBeUndefined();

    const after = repositoryOf((await client.query(DashboardDocument, {}, { requestPolicy: 'cache-only' }).toPromise()).data);
    expect(after.tagCount).toBe(before.tagCount - 1);
    expect(operations).toEqual(['GET Dashboard', 'POST DeleteTag']);
  });
});
