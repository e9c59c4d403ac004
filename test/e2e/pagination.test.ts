import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeedClient, seedManyRepositories } from '../../fixtures/seed.js';
import type { LocalRegistry } from '../../fixtures/registry/localRegistry.js';
import { RepositoryPageDocument } from '../../src/client/index.js';
import { countByKind, createTestGateway, type TestGateway } from '../support/gateway.js';
import { startSeededRegistry } from '../support/registry.js';

/** More repositories than distribution serves in one catalog page (1000). */
const REPOSITORIES = 1003;
const name = (index: number) => `bulk/repo-${String(index).padStart(4, '0')}`;
const allNames = Array.from({ length: REPOSITORIES }, (_, index) => name(index + 1));

let registry: LocalRegistry;
let gateway: TestGateway;

describe('Registry.repositories over more than one catalog page', () => {
  beforeAll(async () => {
    registry = await startSeededRegistry({ seed: false });
    const client = createSeedClient(registry.url, 16);
    try {
      await seedManyRepositories(client, { repositories: REPOSITORIES, tagsPerRepository: 1, imagesPerRepository: 1, concurrency: 16 });
    } finally {
      await client.close();
    }
    gateway = createTestGateway({ registryUrl: registry.url });
  }, 180_000);
  afterAll(async () => {
    await gateway?.close();
    await registry?.stop();
  });

  it('returns each repository exactly once, in order, with one catalog call per page', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const result = await gateway.execute(RepositoryPageDocument, { first: 250, after });
      expect(result.errors).toBeUndefined();
      const connection = result.data!.registry.repositories!;
      pages++;
      expect(countByKind(gateway.takeUpstream())).toEqual({ 'GET catalog': 1 });
      seen.push(...connection.edges.map(({ node }) => node.name));
      expect(connection.pageInfo.hasPreviousPage).toBe(after !== undefined);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor!;
    }
    expect(pages).toBe(Math.ceil(REPOSITORIES / 250));
    expect(seen).toEqual(allNames);
  });

  it('serves the largest page (1000) in one call and the rest after it', async () => {
    const first = await gateway.execute(RepositoryPageDocument, { first: 1000 });
    const page = first.data!.registry.repositories!;
    expect(page.edges).toHaveLength(1000);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const calls = gateway.takeUpstream();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.path).toMatch(/[?&]n=1000\b/);

    const rest = await gateway.execute(RepositoryPageDocument, { first: 1000, after: page.pageInfo.endCursor });
    expect(rest.data!.registry.repositories!.edges.map(({ node }) => node.name)).toEqual(allNames.slice(1000));
    expect(rest.data!.registry.repositories!.pageInfo.hasNextPage).toBe(false);
    expect(countByKind(gateway.takeUpstream())).toEqual({ 'GET catalog': 1 });
  });

  it('skips to a prefix with one catalog call instead of scanning', async () => {
    const result = await gateway.execute(RepositoryPageDocument, { first: 500, prefix: 'bulk/repo-09' });
    expect(result.data!.registry.repositories!.edges.map(({ node }) => node.name)).toEqual(
      allNames.filter((n) => n.startsWith('bulk/repo-09')),
    );
    expect(result.data!.registry.repositories!.pageInfo.hasNextPage).toBe(false);
    expect(countByKind(gateway.takeUpstream())).toEqual({ 'GET catalog': 1 });
  });

  it('a prefix nothing matches gives an empty page', async () => {
    const result = await gateway.execute(RepositoryPageDocument, { prefix: 'zzz' });
    expect(result.data!.registry.repositories).toMatchObject({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });
});
