/**
 * Apollo Client 4, as a frontend runs it (InMemoryCache with regql/client's possibleTypes), in
 * Node against the gateway on a real registry: the answers normalise, a node(id:) read keeps
 * every field, a deleteTag answer updates the cache without a refetch, automatic persisted
 * queries work over POST and GET.
 */
import { createHash } from 'node:crypto';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql, type Reference, type TypedDocumentNode } from '@apollo/client';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { relayStylePagination } from '@apollo/client/utilities';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { findSampleManifest } from '../../fixtures/content/oracles.js';
import { sampleContent } from '../../fixtures/content/sampleContent.js';
import type { LocalRegistry } from '../../fixtures/registry/localRegistry.js';
import {
  DashboardDocument,
  DeleteTagDocument,
  NodeDocument,
  RepositoryTagsDocument,
  TagTableDocument,
  possibleTypes,
} from '../../src/client/index.js';
import { createTestGateway, type TestGateway } from '../support/gateway.js';
import { startSeededRegistry } from '../support/registry.js';
import { ACCESS, TOKENS } from '../support/writes.js';

let registry: LocalRegistry;
let gateway: TestGateway;

beforeAll(async () => {
  registry = await startSeededRegistry();
  gateway = createTestGateway({ registryUrl: registry.url, config: { access: ACCESS } });
});

afterAll(async () => {
  await gateway?.close();
  await registry?.stop();
});

/** Every request Apollo sends, as the gateway received it. */
interface SentRequest {
  method: string;
  body: Record<string, any> | undefined;
  url: URL;
  status: number;
  contentType: string | null;
}

function apolloClient({ cache = new InMemoryCache({ possibleTypes }), persisted }: { cache?: InMemoryCache; persisted?: ApolloLink } = {}) {
  const sent: SentRequest[] = [];
  const http = new HttpLink({
    uri: 'http://127.0.0.1/graphql',
    headers: { authorization: `Bearer ${TOKENS.admin}` },
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const body = request.method === 'POST' ? await request.clone().json() : undefined;
      const response = await gateway.app.yoga.fetch(request);
      sent.push({
        method: request.method,
        body,
        url: new URL(request.url),
        status: response.status,
        contentType: response.headers.get('content-type'),
      });
      return response;
    },
  });
  const client = new ApolloClient({
    cache,
    link: persisted ? ApolloLink.from([persisted, http]) : http,
    // What an app that uses @defer configures: the parts of the answer as the gateway sends them.
    incrementalHandler: new Defer20220824Handler(),
  });
  return { client, cache, sent };
}

/** Apollo warns (console.warn / console.error) when it drops data, e.g. "Cache data may be lost". */
const warnings = () => [...vi.mocked(console.warn).mock.calls, ...vi.mocked(console.error).mock.calls].map((call) => String(call[0]));
beforeAll(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => vi.mocked(console.warn).mockClear());
afterAll(() => vi.restoreAllMocks());

describe('the dashboard in InMemoryCache', () => {
  it('normalises: the root holds a reference, each repository, tag and manifest is one entry by id', async () => {
    const { client, cache } = apolloClient();
    const { data } = await client.query({ query: DashboardDocument });
    const repositories = data!.registry.repositories!.edges.map(({ node }) => node);
    const tags = repositories.flatMap((repository) => repository.tags!.edges.map(({ node }) => node));
    const store = cache.extract() as Record<string, Record<string, unknown>>;

    expect(Object.values(store.ROOT_QUERY!).filter((value) => typeof value === 'object')).toEqual([
      { __ref: `Registry:${data!.registry.id}` },
    ]);
    expect(Object.keys(store).filter((key) => key.startsWith('Repository:'))).toHaveLength(repositories.length);
    expect(Object.keys(store).filter((key) => key.startsWith('Tag:'))).toHaveLength(tags.length);
    const manifestIds = new Set(tags.map((tag) => `${tag.manifest!.__typename}:${tag.manifest!.id}`));
    expect(Object.keys(store).filter((key) => key.startsWith('ImageManifest:') || key.startsWith('ImageIndex:'))).toEqual(
      expect.arrayContaining([...manifestIds]),
    );
    // A tag of the answer is one entry the manifest of which is a reference.
    const tag = tags[0]!;
    expect(store[`Tag:${tag.id}`]).toMatchObject({
      name: tag.name,
      manifest: { __ref: `${tag.manifest!.__typename}:${tag.manifest!.id}` },
    });
  });

  it('keeps the dashboard when another query reads the same repository: no data lost', async () => {
    const { client } = apolloClient();
    await client.query({ query: DashboardDocument });
    const { data } = await client.query({ query: RepositoryTagsDocument, variables: { repository: 'team/app', first: 2 } });
    expect(data!.repository!.tags!.edges).toHaveLength(2);
    const again = await client.query({ query: DashboardDocument, fetchPolicy: 'cache-only' });
    expect(again.data!.registry.repositories!.edges.length).toBeGreaterThan(1);
    expect(warnings()).toEqual([]);
  });
});

describe('@defer', () => {
  it("the registry browser's tag table: the parts end in a complete answer, every deferred field in the cache", async () => {
    const { client, cache, sent } = apolloClient();
    const data = await new Promise<any>((resolve, reject) => {
      const subscription = client.watchQuery({ query: TagTableDocument, variables: { repository: 'team/app', first: 10 } }).subscribe({
        next: (result) => {
          if (result.dataState !== 'complete') return;
          subscription.unsubscribe();
          resolve(result.data);
        },
        error: reject,
      });
    });
    expect(sent.map(({ status, contentType }) => [status, contentType?.split(';')[0]])).toEqual([[200, 'multipart/mixed']]);
    const rows = data.repository.tags.edges.map(({ node }: any) => node);
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) {
      expect(row.digest).toMatch(/^sha256:/);
      expect(row.manifest.totalSize).toEqual(expect.any(Number));
    }
    const store = cache.extract() as Record<string, Record<string, unknown>>;
    const manifest = rows[0].manifest;
    expect(store[`${manifest.__typename}:${manifest.id}`]).toMatchObject({ totalSize: manifest.totalSize, created: manifest.created });
    expect(warnings()).toEqual([]);
  });
});

describe('node(id:) in InMemoryCache', () => {
  const app = sampleContent().find(({ name }) => name === 'team/app')!;
  const release = findSampleManifest(app, '2.0.0')!;
  const manifestFields: TypedDocumentNode<{ digest: string; mediaType: string }> = gql`
    fragment ManifestFields on Manifest {
      digest
      mediaType
    }
  `;

  async function nodeOfRelease(cache: InMemoryCache) {
    const { client } = apolloClient({ cache });
    const { data: tagged } = await client.query({
      query: gql`
        {
          manifest(reference: "team/app:2.0.0") {
            id
          }
        }
      ` as TypedDocumentNode<{ manifest: { id: string } }>,
    });
    const id = tagged!.manifest.id;
    await client.query({ query: NodeDocument, variables: { id }, fetchPolicy: 'network-only' });
    return { client, id };
  }

  it('with possibleTypes: a read from the cache has every field the fragments on Manifest selected', async () => {
    const { client, id } = await nodeOfRelease(new InMemoryCache({ possibleTypes }));
    const { data } = await client.query({ query: NodeDocument, variables: { id }, fetchPolicy: 'cache-only' });
    expect(data!.node).toEqual({ __typename: 'ImageIndex', id, digest: release.digest, mediaType: release.mediaType });
    expect(client.readFragment({ id: `ImageIndex:${id}`, fragment: manifestFields })).toEqual({
      __typename: 'ImageIndex',
      digest: release.digest,
      mediaType: release.mediaType,
    });
  });

  it('without possibleTypes (what the project shipped before): the same read has lost digest and mediaType', async () => {
    const { client, id } = await nodeOfRelease(new InMemoryCache());
    const store = client.cache.extract() as Record<string, Record<string, unknown>>;
    expect(store[`ImageIndex:${id}`]).toEqual({ __typename: 'ImageIndex', id });
  });
});

describe('deleteTag', () => {
  it('updates the tag count from its answer, without a refetch; the tag leaves the list with the README’s update', async () => {
    const { client, sent } = apolloClient();
    const { data } = await client.query({ query: DashboardDocument });
    const repositoryOf = (dashboard: typeof data) =>
      dashboard!.registry.repositories!.edges.find(({ node }) => node.name === 'team/api')!.node;
    const before = repositoryOf(data);
    const tag = before.tags!.edges.map(({ node }) => node).find(({ name }) => name !== 'latest')!;
    sent.splice(0);

    const { data: deleted } = await client.mutate({
      mutation: DeleteTagDocument,
      variables: { input: { repository: 'team/api', tag: tag.name } },
      // The README's recipe: the tag off every list of the repository's tags, then out of the cache.
      update: (cache, { data: answer }) => {
        cache.modify<{ tags: { edges: ReadonlyArray<{ node: Reference }>; totalCount: number } }>({
          id: cache.identify({ __typename: 'Repository', id: answer!.deleteTag.repository.id }),
          fields: {
            tags: (connection, { readField, isReference }) =>
              isReference(connection)
                ? connection
                : {
                    ...connection,
                    edges: connection.edges.filter(({ node }) => readField('id', node) !== tag.id),
                    totalCount: answer!.deleteTag.repository.tagCount ?? connection.totalCount,
                  },
          },
        });
        cache.evict({ id: cache.identify({ __typename: 'Tag', id: tag.id }) });
        cache.gc();
      },
    });

    expect(deleted!.deleteTag.repository).toEqual({ __typename: 'Repository', id: before.id, tagCount: before.tagCount! - 1 });
    const after = repositoryOf((await client.query({ query: DashboardDocument, fetchPolicy: 'cache-only' })).data);
    expect(after.tagCount).toBe(before.tagCount! - 1);
    expect(after.tags!.totalCount).toBe(before.tagCount! - 1);
    expect(after.tags!.edges.map(({ node }) => node.name)).toEqual(
      before.tags!.edges.map(({ node }) => node.name).filter((name) => name !== tag.name),
    );
    expect(sent.map(({ body }) => body?.operationName)).toEqual(['DeleteTag']);
  });
});

describe('connections with relayStylePagination', () => {
  it('merge page after page of a repository’s tags into one list', async () => {
    const cache = new InMemoryCache({
      possibleTypes,
      typePolicies: { Repository: { fields: { tags: relayStylePagination(['orderBy', 'prefix']) } } },
    });
    const { client } = apolloClient({ cache });
    const first = await client.query({
      query: RepositoryTagsDocument,
      variables: { repository: 'team/app', first: 2, orderBy: 'NAME_ASC' },
    });
    const { endCursor } = first.data!.repository!.tags!.pageInfo;
    // The next page from the network (what fetchMore does); read from the cache, the merged list would answer.
    await client.query({
      query: RepositoryTagsDocument,
      variables: { repository: 'team/app', first: 2, after: endCursor, orderBy: 'NAME_ASC' },
      fetchPolicy: 'network-only',
    });
    const merged = await client.query({
      query: RepositoryTagsDocument,
      variables: { repository: 'team/app', first: 2, orderBy: 'NAME_ASC' },
      fetchPolicy: 'cache-only',
    });
    const names = merged.data!.repository!.tags!.edges.map(({ node }) => node.name);
    expect(names).toHaveLength(Math.min(4, merged.data!.repository!.tagCount!));
    expect(names).toEqual([...names].sort());
  });
});

describe('automatic persisted queries (PersistedQueryLink)', () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const REGISTRY_NAME = gql`
    query RegistryName {
      registry {
        id
        name
      }
    }
  `;

  it('first the hash, told PERSISTED_QUERY_NOT_FOUND, then hash and text; from then on the hash alone', async () => {
    const first = apolloClient({ persisted: new PersistedQueryLink({ sha256 }) });
    await first.client.query({ query: REGISTRY_NAME });
    expect(
      first.sent.map(({ body }) => [body?.query === undefined ? 'hash' : 'hash and text', body?.extensions?.persistedQuery?.sha256Hash]),
    ).toEqual([
      ['hash', expect.stringMatching(/^[0-9a-f]{64}$/)],
      ['hash and text', first.sent[0]!.body!.extensions.persistedQuery.sha256Hash],
    ]);

    const second = apolloClient({ persisted: new PersistedQueryLink({ sha256, useGETForHashedQueries: true }) });
    const { data } = await second.client.query({ query: REGISTRY_NAME });
    expect(data).toMatchObject({ registry: { name: 'local' } });
    expect(second.sent).toHaveLength(1);
    expect(second.sent[0]).toMatchObject({ method: 'GET', status: 200 });
    expect(second.sent[0]!.url.searchParams.has('query')).toBe(false);
  });

  it('the project’s operations by the hash codegen gave them: found at once', async () => {
    const { client, sent } = apolloClient({
      persisted: new PersistedQueryLink({ generateHash: (document) => (document as { __meta__?: { hash: string } }).__meta__!.hash }),
    });
    const { data } = await client.query({ query: DashboardDocument });
    expect(data!.registry.repositories!.edges.length).toBeGreaterThan(0);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body!.query).toBeUndefined();
  });
});
