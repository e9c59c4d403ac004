import { readFileSync } from 'node:fs';
import { getIntrospectionQuery, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/index.js';
import { ESTIMATED_INDEX_ENTRIES, ESTIMATED_LAYERS } from '../../src/schema/cost.js';
import { schema } from '../../src/schema/index.js';
import { checkQueryLimits, measureOperation, type QueryLimits } from '../../src/server/queryCost.js';

const operation = (name: string) => readFileSync(new URL(`../../schema/operations/${name}.graphql`, import.meta.url), 'utf8');
const defaults = parseConfig({ registries: [{ name: 'local', url: 'http://127.0.0.1:5000' }] }).limits;

function measure(source: string, variables: Record<string, unknown> = {}, registries = 1) {
  const measured = measureOperation(schema, parse(source), { variables, registries });
  if (!measured) throw new Error('not measurable');
  return measured;
}

const costOf = (source: string, variables?: Record<string, unknown>) => measure(source, variables).cost;

function refusal(source: string, variables: Record<string, unknown> = {}, limits: QueryLimits = defaults) {
  return checkQueryLimits(schema, parse(source), limits, { variables, registries: 1 });
}

/** Per tag of the dashboard: its manifest, then a config (image) or the children (index), whichever costs more. */
const DASHBOARD_PER_TAG = 1 + Math.max(1, ESTIMATED_INDEX_ENTRIES);

const THOUSAND_BY_THOUSAND_WITH_CONFIGS = `{
  registry {
    repositories(first: 1000) {
      edges { node { tags(first: 1000) { edges { node { manifest { ... on ImageManifest { image { created } } } } } } } }
    }
  }
}`;

describe('the dashboard query', () => {
  it('costs a ping, a catalog page, a tag list per repository and, per tag, its manifest and the costlier of a config and index children', () => {
    expect(costOf(operation('Dashboard'), { repositories: 100, tags: 100 })).toBe(2 + 100 * (1 + 100 * DASHBOARD_PER_TAG));
  });

  it("takes the operation's variable defaults (50 repositories, 20 tags)", () => {
    expect(costOf(operation('Dashboard'))).toBe(2 + 50 * (1 + 20 * DASHBOARD_PER_TAG));
  });

  it('is allowed by default over 100 repositories x 100 tags', () => {
    expect(refusal(operation('Dashboard'), { repositories: 100, tags: 100 })).toBeUndefined();
  });

  it('nests 10 fields deep and uses no alias', () => {
    expect(measure(operation('Dashboard'))).toMatchObject({ depth: 10, aliases: 0 });
  });
});

describe('page sizes and list lengths multiply', () => {
  it('1,000 repositories x 1,000 tags x their configs is refused by default, naming the estimate and the budget', () => {
    // Two catalog pages (1,001 names), then per repository its tag list and per tag a manifest and a config.
    const estimate = 2 + 1000 * (1 + 1000 * 2);
    expect(costOf(THOUSAND_BY_THOUSAND_WITH_CONFIGS)).toBe(estimate);
    const error = refusal(THOUSAND_BY_THOUSAND_WITH_CONFIGS);
    expect(error?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', estimatedCalls: estimate, budget: defaults.maxQueryCost });
    expect(error?.message).toContain(String(estimate));
    expect(error?.message).toContain(String(defaults.maxQueryCost));
  });

  it('uses the default page sizes when first is absent, and the maximum when first is above it', () => {
    const tagNames = (repositories: string, tags: string) =>
      `{ registry { repositories${repositories} { edges { node { tags${tags} { edges { node { digest } } } } } } } }`;
    expect(costOf(tagNames('', ''))).toBe(1 + 100 * (1 + 100));
    expect(costOf(tagNames('(first: 5000)', '(first: 5000)'))).toBe(2 + 1000 * (1 + 1000));
  });

  it('counts one catalog call per page of up to 1,000 names, one more than asked', () => {
    expect(costOf('{ registry { repositories(first: 999) { edges { cursor } } } }')).toBe(1);
    expect(costOf('{ registry { repositories(first: 1000) { edges { cursor } } } }')).toBe(2);
  });

  it('estimates the layers of an image and the entries of an index', () => {
    expect(costOf('{ manifest(reference: "a:b") { ... on ImageManifest { layers { blob { size } } } } }')).toBe(1 + ESTIMATED_LAYERS);
    expect(costOf('{ manifest(reference: "a:b") { ... on ImageIndex { manifests { manifest { digest } } } } }')).toBe(
      1 + ESTIMATED_INDEX_ENTRIES,
    );
  });

  it('resolves registries once per configured registry', () => {
    const query = '{ registries { status { reachable } } }';
    expect(measure(query, {}, 3).cost).toBe(3);
  });
});

describe('fields that load the same thing', () => {
  it('count it once per object: a tag list, a tag manifest, an image config', () => {
    expect(costOf('{ repository(name: "a") { tagCount tags(first: 10) { totalCount } tag(name: "x") { name } } }')).toBe(1 + 1);
    expect(costOf('{ repository(name: "a") { tags(first: 10) { edges { node { digest manifest { digest } } } } } }')).toBe(2 + 10);
    expect(costOf('{ manifest(reference: "a:b") { ... on ImageManifest { image { created } platform { os } } } }')).toBe(2);
  });

  it('merge like execution merges them: the same field in two fragments resolves once', () => {
    const query = `
      query { manifest(reference: "a:b") { ...Image ...Platform } }
      fragment Image on ImageManifest { image { created } }
      fragment Platform on Manifest { ... on ImageManifest { platform { os } } }`;
    expect(costOf(query)).toBe(2);
  });

  it('aliased, resolve again', () => {
    expect(costOf('{ a: manifest(reference: "a:b") { digest } b: manifest(reference: "a:c") { digest } }')).toBe(2);
  });
});

describe('a selection on an interface', () => {
  it('costs as much as its costliest implementation', () => {
    // An image: its config; an index: its children for the size.
    const query = '{ manifest(reference: "a:b") { totalSize ... on ImageManifest { image { created } } } }';
    expect(costOf(query)).toBe(1 + Math.max(1, ESTIMATED_INDEX_ENTRIES));
    expect(costOf('{ manifest(reference: "a:b") { ... on ImageManifest { totalSize image { created } } } }')).toBe(1 + 1);
  });

  it('node(id) costs its lookup and its costliest type', () => {
    const query = `query ($id: ID!) { node(id: $id) { ... on Repository { tags(first: 5) { edges { node { digest } } } } ... on Blob { size } } }`;
    expect(costOf(query, { id: 'x' })).toBe(1 + 1 + 5);
  });
});

describe('orders and fields that read every tag', () => {
  it('CREATED_DESC dates every tag of the repository, up to the maximum tag count', () => {
    const query = (order: string) => `{ repository(name: "a") { tags(first: 10, orderBy: ${order}) { edges { node { name } } } } }`;
    expect(costOf(query('NAME_ASC'))).toBe(1 + 1);
    expect(costOf(query('CREATED_DESC'))).toBe(1 + 1 + 1000 * 3);
    expect(refusal(query('CREATED_DESC'))).toBeUndefined();
  });

  it('Manifest.tags reads the tag list and every tag', () => {
    expect(costOf('{ manifest(reference: "a:b") { tags } }')).toBe(1 + 1 + 1000);
  });

  it('sizes of a whole page of 1,000 tags are allowed', () => {
    const query = '{ repository(name: "a") { tags(first: 1000) { edges { node { manifest { totalSize } } } } } }';
    expect(refusal(query)).toBeUndefined();
  });
});

describe('directives and variables', () => {
  it('leaves out what @skip and @include leave out', () => {
    const query = `query ($withSizes: Boolean!) {
      repository(name: "a") { tags(first: 10) { edges { node { manifest @include(if: $withSizes) { totalSize } } } } }
    }`;
    expect(costOf(query, { withSizes: false })).toBe(1 + 1);
    expect(costOf(query, { withSizes: true })).toBe(1 + 1 + 10 * (1 + ESTIMATED_INDEX_ENTRIES));
  });

  it('measures nothing when the variables do not coerce (execution reports it)', () => {
    expect(
      measureOperation(schema, parse('query ($n: Int) { registry { repositories(first: $n) { edges { cursor } } } }'), {
        variables: { n: 'many' },
        registries: 1,
      }),
    ).toBeUndefined();
  });
});

describe('depth and aliases', () => {
  it('does not count introspection', () => {
    expect(measure(getIntrospectionQuery())).toMatchObject({ cost: 0, depth: 0 });
    expect(refusal(getIntrospectionQuery())).toBeUndefined();
  });

  it('refuses a query nested deeper than maxDepth', () => {
    const nested = '{ manifest(reference: "a:b") { subject { blob { repository { registry { name } } } } } }';
    expect(measure(nested).depth).toBe(6);
    expect(refusal(nested, {}, { ...defaults, maxDepth: 6 })).toBeUndefined();
    const error = refusal(nested, {}, { ...defaults, maxDepth: 5 });
    expect(error?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', depth: 6 });
    expect(error?.message).toMatch(/6 deep; at most 5/);
  });

  it('counts aliases in the operation and in the fragments it uses, and refuses more than maxAliases', () => {
    const query = `
      query { a: registry { n: name ...More } b: registry { name } }
      fragment More on Registry { u: url }`;
    expect(measure(query).aliases).toBe(4);
    expect(refusal(query, {}, { ...defaults, maxAliases: 4 })).toBeUndefined();
    expect(refusal(query, {}, { ...defaults, maxAliases: 3 })?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', aliases: 4 });
  });

  it('measures a fragment reused at every level once per place, without blowing up', () => {
    const levels = 12;
    const fragments = Array.from(
      { length: levels },
      (_, level) =>
        `fragment L${level} on Repository { a: registry { repository(name: "x") { ...L${level + 1} } } b: registry { repository(name: "y") { ...L${level + 1} } } }`,
    ).join('\n');
    const query = `{ repository(name: "x") { ...L0 } }\n${fragments}\nfragment L${levels} on Repository { name }`;
    // Every level doubles the repositories looked up: 2^levels of them at the bottom.
    expect(costOf(query)).toBe(2 ** (levels + 1) - 1);
  });
});

describe('the operations the project ships', () => {
  it.each([
    ['Dashboard', { repositories: 100, tags: 100 }],
    ['ManifestDetails', { reference: 'team/app:1.0.0' }],
    ['RepositoryTags', { repository: 'team/app', first: 1000, orderBy: 'CREATED_DESC' }],
    ['RepositoryPage', {}],
    ['Registries', {}],
    ['Node', { id: 'x' }],
  ])('%s is within the default limits', (name, variables) => {
    expect(refusal(operation(name), variables)).toBeUndefined();
  });
});

describe('the limits in configuration', () => {
  const registries = [{ name: 'local', url: 'http://127.0.0.1:5000' }];

  it('default to a budget of 100,000 calls, 15 levels and 50 aliases', () => {
    expect(defaults).toMatchObject({ maxQueryCost: 100_000, maxDepth: 15, maxAliases: 50 });
  });

  it('refuse values that would refuse everything, naming the key', () => {
    expect(() => parseConfig({ registries, limits: { maxQueryCost: 0 } })).toThrow(ConfigError);
    expect(() => parseConfig({ registries, limits: { maxQueryCost: 0 } })).toThrow(/limits\.maxQueryCost/);
    expect(() => parseConfig({ registries, limits: { maxDepth: 1.5 } })).toThrow(/limits\.maxDepth/);
    expect(parseConfig({ registries, limits: { maxAliases: 0 } }).limits.maxAliases).toBe(0);
  });
});
