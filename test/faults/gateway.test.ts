/**
 * The gateway in front of a registry that misbehaves (test/support/fakeRegistry.ts): what a
 * client of the GraphQL API gets when the registry's lists never end or are huge, when a query
 * would cost more than its budget, when the registry hands out bad names, drips or hangs.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeImage, fakeIndex, fakeRepository, startFakeRegistry, type FakeRegistry } from '../support/fakeRegistry.js';
import { createTestGateway, type TestGateway } from '../support/gateway.js';

let registry: FakeRegistry;
const gateways: TestGateway[] = [];

beforeAll(async () => {
  registry = await startFakeRegistry();
});
afterEach(async () => {
  registry.intercept = undefined;
  registry.requests.length = 0;
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});
afterAll(() => registry.stop());

function gatewayWith(limits: Record<string, number> = {}, registryOptions: Record<string, unknown> = {}): TestGateway {
  const gateway = createTestGateway({
    registryUrl: registry.url,
    config: { registries: [{ name: 'fake', url: registry.url, ...registryOptions }], limits },
  });
  gateways.push(gateway);
  return gateway;
}

interface Cost {
  estimated: number;
  actual: number;
  budget: number;
}
const costOf = (result: { extensions?: unknown }) => (result.extensions as { cost: Cost }).cost;

describe('lists that do not end', () => {
  beforeAll(() => {
    registry.repositories.set('loop', { tags: new Map() });
  });

  const linkForever = () => {
    registry.intercept = (request, response) => {
      const url = new URL(request.url!, 'http://x');
      if (url.pathname !== '/v2/loop/tags/list') return false;
      const page = Number(url.searchParams.get('page') ?? '0');
      response.writeHead(200, { 'content-type': 'application/json', link: `</v2/loop/tags/list?page=${page + 1}>; rel="next"` });
      response.end(JSON.stringify({ name: 'loop', tags: [`t${page}`] }));
      return true;
    };
  };

  it("stop at the operation's budget: QUERY_TOO_COSTLY at the field, the calls made counted", async () => {
    linkForever();
    const result = await gatewayWith({ maxQueryCost: 200 }).query('{ repository(name: "loop") { tagCount } }');
    expect(result.errors).toMatchObject([{ path: ['repository'], extensions: { code: 'QUERY_TOO_COSTLY' } }]);
    expect(costOf(result)).toMatchObject({ actual: 200, budget: 200 });
    expect(registry.requests).toHaveLength(200);
  });

  it('stop at limits.maxListPages within a larger budget: UPSTREAM_TOO_LARGE', async () => {
    linkForever();
    const result = await gatewayWith({ maxListPages: 300 }).query('{ repository(name: "loop") { tagCount } }');
    expect(result.errors).toMatchObject([{ extensions: { code: 'UPSTREAM_TOO_LARGE' } }]);
    expect(costOf(result).actual).toBe(300);
  });
});

describe('huge lists and documents', () => {
  it('a tag list of a million names: counted, sorted and paged without a stack overflow', async () => {
    registry.repositories.set('huge', {
      tags: () => Array.from({ length: 1_000_000 }, (_, index) => `b${String(999_999 - index).padStart(7, '0')}`),
    });
    const result = await gatewayWith().query<any>(
      '{ repository(name: "huge") { tagCount tags(first: 3) { totalCount edges { node { name } } pageInfo { hasNextPage } } } }',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.repository.tagCount).toBe(1_000_000);
    expect(result.data.repository.tags.totalCount).toBe(1_000_000);
    expect(result.data.repository.tags.edges.map(({ node }: any) => node.name)).toEqual(['b0000000', 'b0000001', 'b0000002']);
    expect(costOf(result).actual).toBe(1);
  });

  it('the total size of an index of 5,000 children stops at the budget, and the rest of the answer stays', async () => {
    const children = Array.from({ length: 5000 }, (_, index) => fakeImage('2026-01-01T00:00:00Z', `child-${index}`));
    const index = fakeIndex(children.map((child) => ({ digest: child.digest, size: child.manifest.bytes.length })));
    registry.repositories.set('wide/index', {
      tags: new Map([['multi', index.digest]]),
      manifests: new Map([[index.digest, index.manifest], ...children.map((child) => [child.digest, child.manifest] as const)]),
    });
    const result = await gatewayWith({ maxQueryCost: 1000 }).query<any>('{ manifest(reference: "wide/index:multi") { digest totalSize } }');
    expect(result.data.manifest.digest).toBe(index.digest);
    expect(result.data.manifest.totalSize).toBeNull();
    expect(result.errors).toMatchObject([{ path: ['manifest', 'totalSize'], extensions: { code: 'QUERY_TOO_COSTLY' } }]);
    expect(costOf(result)).toMatchObject({ actual: 1000, budget: 1000 });
    expect(costOf(result).estimated).toBeLessThan(10);
  });
});

describe("the registry's bad names are the registry's fault", () => {
  it('a tag that breaks the grammar is UPSTREAM_INVALID at that tag; the others answer', async () => {
    const image = fakeImage('2026-02-02T00:00:00Z');
    const repository = fakeRepository(['good'], [image]);
    (repository.tags as Map<string, string>).set('../../x', image.digest);
    registry.repositories.set('team/bad', repository);
    const result = await gatewayWith().query<any>('{ repository(name: "team/bad") { tags { edges { node { name digest } } } } }');
    expect(result.data.repository.tags.edges).toEqual([
      { node: { name: '../../x', digest: null } },
      { node: { name: 'good', digest: image.digest } },
    ]);
    expect(result.errors).toMatchObject([
      { path: ['repository', 'tags', 'edges', 0, 'node', 'digest'], extensions: { code: 'UPSTREAM_INVALID' } },
    ]);
    expect(result.errors![0]!.message).toContain('the registry gave an invalid tag "../../x"');
  });

  it('so is a repository name from the catalog', async () => {
    registry.repositories.set('Not/Lowercase', { tags: new Map() });
    const result = await gatewayWith().query<any>('{ registry { repositories { edges { node { name tagCount } } } } }');
    const bad = result.data.registry.repositories.edges.findIndex(({ node }: any) => node.name === 'Not/Lowercase');
    expect(bad).toBeGreaterThanOrEqual(0);
    expect(result.errors).toMatchObject([
      { path: ['registry', 'repositories', 'edges', bad, 'node', 'tagCount'], extensions: { code: 'UPSTREAM_INVALID' } },
    ]);
    registry.repositories.delete('Not/Lowercase');
  });
});

describe('a registry that is slow', () => {
  const image = fakeImage('2026-03-03T00:00:00Z');
  beforeAll(() => {
    registry.repositories.set('slow/app', fakeRepository(['v1', 'v2'], [image]));
  });

  it('that drips a manifest: UPSTREAM_UNAVAILABLE at timeoutMs, the rest of the answer stays', async () => {
    registry.intercept = (request, response) => {
      if (request.method !== 'GET' || !request.url!.endsWith('/manifests/v1')) return false;
      response.writeHead(200, { 'content-type': image.manifest.mediaType, 'content-length': image.manifest.bytes.length });
      const drip = setInterval(() => response.write('{'), 100);
      response.on('close', () => clearInterval(drip));
      return true;
    };
    const started = performance.now();
    const result = await gatewayWith({}, { timeoutMs: 400 }).query<any>(
      '{ a: manifest(reference: "slow/app:v1") { digest } b: manifest(reference: "slow/app:v2") { digest } }',
    );
    const elapsed = performance.now() - started;
    expect(result.data).toEqual({ a: null, b: { digest: image.digest } });
    expect(result.errors).toMatchObject([{ path: ['a'], extensions: { code: 'UPSTREAM_UNAVAILABLE' } }]);
    expect(result.errors![0]!.message).toContain('no complete answer within 400 ms');
    // What BENCHMARKS.md and the closing note quote: the time from request to error.
    console.info(`dripping registry: error after ${Math.round(elapsed)} ms (timeoutMs 400)`);
  });

  it("that never answers: the operation's deadline (limits.maxQueryMs) ends it, and its requests", async () => {
    registry.intercept = (request) => request.url!.includes('/manifests/');
    const result = await gatewayWith({ maxQueryMs: 300 }, { timeoutMs: 30_000 }).query<any>(
      '{ registry { name } manifest(reference: "slow/app:v1") { digest } }',
    );
    expect(result.data).toEqual({ registry: { name: 'fake' }, manifest: null });
    expect(result.errors).toMatchObject([{ path: ['manifest'], extensions: { code: 'UPSTREAM_UNAVAILABLE' } }]);
    expect(result.errors![0]!.message).toContain('limits.maxQueryMs');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(registry.requests.filter(({ path }) => path.includes('/manifests/')).every(({ abandoned }) => abandoned)).toBe(true);
  });
});

describe('CREATED_DESC over 5,000 tags', () => {
  it('costs the tag list and a HEAD per tag once the dates are known, on every page', async () => {
    const tags = Array.from({ length: 5000 }, (_, index) => `1.0.${index}`);
    const images = tags.map((_, index) => fakeImage(new Date(Date.UTC(2020, 0, 1) + index * 60_000).toISOString(), `image-${index}`));
    registry.repositories.set('many/tags', fakeRepository(tags, images));
    const gateway = gatewayWith();
    const page = (after?: string) =>
      gateway.query<any>(
        'query ($after: String) { repository(name: "many/tags") { tags(first: 50, orderBy: CREATED_DESC, after: $after) { edges { node { name } } pageInfo { endCursor } } } }',
        {
          after,
        },
      );
    const cold = await page();
    expect(cold.errors).toBeUndefined();
    expect(cold.data.repository.tags.edges[0].node.name).toBe('1.0.4999');
    const warm = await page();
    const next = await page(warm.data.repository.tags.pageInfo.endCursor);
    expect(next.data.repository.tags.edges[0].node.name).toBe('1.0.4949');
    // Cold: the list, every tag's manifest and config. Warm and on the next page: the list and a HEAD per tag.
    expect([cold, warm, next].map((result) => costOf(result).actual)).toEqual([1 + 5000 * 2, 1 + 5000, 1 + 5000]);
    // Once the list's length is known, the estimate of the next page is what it costs.
    expect(costOf(next).estimated).toBeGreaterThanOrEqual(5000);
    console.info(`CREATED_DESC over 5000 tags: ${[cold, warm, next].map((result) => JSON.stringify(costOf(result))).join(', ')}`);
  });
});
