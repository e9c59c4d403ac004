import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DashboardDocument } from '../generated/graphql.js';
import { createTestGateway, type TestGateway } from '../support/gateway.js';

const registryUrl = inject('registryUrl');

const THOUSAND_BY_THOUSAND_WITH_CONFIGS = `{
  registry {
    repositories(first: 1000) {
      edges { node { tags(first: 1000) { edges { node { manifest { ... on ImageManifest { image { created } } } } } } } }
    }
  }
}`;

/** Fields nested 16 deep, cheap in upstream calls. */
const SIXTEEN_DEEP = `{
  registry { repositories(first: 1) { edges { node { tags(first: 1) { edges { node { manifest {
    subject { blob { repository { registry { repository(name: "team/app") { tag(name: "dev") { repository { name } } } } } } }
  } } } } } } } }
}`;

describe('the query cost limit', () => {
  let gateway: TestGateway;

  beforeAll(() => {
    gateway = createTestGateway({ registryUrl });
  });
  afterAll(() => gateway.close());

  it('refuses 1,000 repositories x 1,000 tags x their configs before any upstream call, naming the estimate and the budget', async () => {
    gateway.takeUpstream();
    const response = await gateway.post({ query: THOUSAND_BY_THOUSAND_WITH_CONFIGS });
    // GraphQL over HTTP: a request that does not execute is a 4xx for application/graphql-response+json.
    expect(response.status).toBe(400);
    const result = await response.json();
    expect(result.data).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].extensions).toEqual({ code: 'QUERY_TOO_COSTLY', estimatedCalls: 2_001_002, budget: 100_000 });
    expect(result.errors[0].message).toContain('2001002');
    expect(result.errors[0].message).toContain('100000');
    expect(gateway.takeUpstream()).toEqual([]);
  });

  it('answers the refusal with 200 to a client that accepts only application/json', async () => {
    const response = await gateway.post({ query: THOUSAND_BY_THOUSAND_WITH_CONFIGS }, { accept: 'application/json' });
    expect(response.status).toBe(200);
    expect((await response.json()).errors[0].extensions.code).toBe('QUERY_TOO_COSTLY');
    expect(gateway.takeUpstream()).toEqual([]);
  });

  it('allows the dashboard over 100 repositories x 100 tags', async () => {
    const result = await gateway.execute(DashboardDocument, { repositories: 100, tags: 100 });
    expect(result.errors).toBeUndefined();
    expect(result.data?.registry.repositories?.edges.length).toBeGreaterThan(0);
    gateway.takeUpstream();
  });

  it('uses the configured budget', async () => {
    const strict = createTestGateway({ registryUrl, config: { limits: { maxQueryCost: 100 } } });
    try {
      const result = await strict.execute(DashboardDocument, { repositories: 100, tags: 100 });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', estimatedCalls: 50_102, budget: 100 });
      expect(strict.takeUpstream()).toEqual([]);
      // 2 + 2 x (1 + 5 x 5) = 54
      const small = await strict.execute(DashboardDocument, { repositories: 2, tags: 5 });
      expect(small.errors).toBeUndefined();
    } finally {
      await strict.close();
    }
  });

  it('refuses a query nested deeper than limits.maxDepth (15 by default) with no upstream call', async () => {
    gateway.takeUpstream();
    const result = await gateway.query(SIXTEEN_DEEP);
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', depth: 16 });
    expect(result.errors?.[0]?.message).toContain('at most 15');
    expect(gateway.takeUpstream()).toEqual([]);

    const deeper = createTestGateway({ registryUrl, config: { limits: { maxDepth: 16 } } });
    try {
      expect((await deeper.query(SIXTEEN_DEEP)).errors).toBeUndefined();
    } finally {
      await deeper.close();
    }
  });

  it('refuses more aliases than limits.maxAliases (50 by default) with no upstream call', async () => {
    const aliased = (count: number) => `{ ${Array.from({ length: count }, (_, index) => `r${index}: registry { name }`).join(' ')} }`;
    gateway.takeUpstream();
    const refused = await gateway.query(aliased(51));
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', aliases: 51 });
    expect(gateway.takeUpstream()).toEqual([]);
    const allowed = await gateway.query(aliased(50));
    expect(allowed.errors).toBeUndefined();
    expect(Object.keys(allowed.data!)).toHaveLength(50);
  });

  it('lets introspection through (GraphiQL needs it; it costs no upstream call)', async () => {
    const result = await gateway.query(getIntrospectionQuery());
    expect(result.errors).toBeUndefined();
    expect(gateway.takeUpstream()).toEqual([]);
  });

  it('checks the operation that runs when a document has several', async () => {
    const document = `query Cheap { registry { name } } ${THOUSAND_BY_THOUSAND_WITH_CONFIGS.replace('{', 'query Costly {')}`;
    const cheap = await (await gateway.post({ query: document, operationName: 'Cheap' })).json();
    expect(cheap.errors).toBeUndefined();
    const costly = await (await gateway.post({ query: document, operationName: 'Costly' })).json();
    expect(costly.errors[0].extensions.code).toBe('QUERY_TOO_COSTLY');
    expect(gateway.takeUpstream()).toEqual([]);
  });
});
