import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DashboardDocument } from '../../src/client/index.js';
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

  it('refuses a query expected to exceed the budget before any upstream call, naming the estimate and the budget', async () => {
    const strict = createTestGateway({ registryUrl, config: { limits: { maxQueryCost: 1000 } } });
    try {
      const response = await strict.post({ query: THOUSAND_BY_THOUSAND_WITH_CONFIGS });
      // GraphQL over HTTP: a request that does not execute is a 4xx for application/graphql-response+json.
      expect(response.status).toBe(400);
      const result = await response.json();
      expect(result.data).toBeUndefined();
      expect(result.errors).toHaveLength(1);
      // Nothing seen yet: 1,000 repositories of typical (20) tags, each with its manifest and config.
      const estimate = 2 + 1000 * (1 + 20 * 2);
      expect(result.errors[0].extensions).toEqual({ code: 'QUERY_TOO_COSTLY', estimatedCalls: estimate, budget: 1000 });
      expect(result.errors[0].message).toContain(String(estimate));
      expect(result.extensions.cost).toEqual({ estimated: estimate, actual: 0, budget: 1000 });
      expect(strict.takeUpstream()).toEqual([]);

      const asJson = await strict.post({ query: THOUSAND_BY_THOUSAND_WITH_CONFIGS }, { accept: 'application/json' });
      expect(asJson.status).toBe(200);
      expect((await asJson.json()).errors[0].extensions.code).toBe('QUERY_TOO_COSTLY');
      expect(strict.takeUpstream()).toEqual([]);
    } finally {
      await strict.close();
    }
  });

  it('answers 1,000 x 1,000 on a small registry once its size is known: the estimate counts what is there', async () => {
    const warm = createTestGateway({ registryUrl, config: { limits: { maxQueryCost: 1000 } } });
    try {
      // Reading the catalog and every tag list teaches the gateway the registry's size.
      const learning = await warm.query('{ registry { repositories(first: 900) { edges { node { tagCount } } } } }');
      expect(learning.errors).toBeUndefined();
      const result = await warm.query(THOUSAND_BY_THOUSAND_WITH_CONFIGS);
      expect(result.errors).toBeUndefined();
      const cost = (result.extensions as { cost: { estimated: number; actual: number } }).cost;
      expect(cost.estimated).toBeLessThanOrEqual(1000);
      expect(cost.actual).toBe(warm.takeUpstream().length - (learning.extensions as { cost: { actual: number } }).cost.actual);
    } finally {
      await warm.close();
    }
  });

  it('reports in extensions.cost the estimate, the budget and the upstream requests the registry saw', async () => {
    const fresh = createTestGateway({ registryUrl });
    try {
      for (const round of ['cold', 'warm']) {
        const result = await fresh.execute(DashboardDocument, { repositories: 50 });
        expect(result.errors, round).toBeUndefined();
        const cost = (result.extensions as { cost: { estimated: number; actual: number; budget: number } }).cost;
        expect(cost.actual, round).toBe(fresh.takeUpstream().length);
        expect(cost.budget).toBe(100_000);
        expect(cost.estimated, round).toBeGreaterThan(0);
      }
    } finally {
      await fresh.close();
    }
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
      // Cold: 2 + 100 x (1 + 20 x (1 + 4)).
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', estimatedCalls: 10_102, budget: 100 });
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
    const strict = createTestGateway({ registryUrl, config: { limits: { maxQueryCost: 1000 } } });
    try {
      const document = `query Cheap { registry { name } } ${THOUSAND_BY_THOUSAND_WITH_CONFIGS.replace('{', 'query Costly {')}`;
      const cheap = await (await strict.post({ query: document, operationName: 'Cheap' })).json();
      expect(cheap.errors).toBeUndefined();
      const costly = await (await strict.post({ query: document, operationName: 'Costly' })).json();
      expect(costly.errors[0].extensions.code).toBe('QUERY_TOO_COSTLY');
      expect(strict.takeUpstream()).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});
