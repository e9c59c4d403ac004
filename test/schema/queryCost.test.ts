import { readFileSync } from 'node:fs';
import { getIntrospectionQuery, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/index.js';
import {
  ObservedSizes,
  TYPICAL_INDEX_ENTRIES,
  TYPICAL_LAYERS_PER_IMAGE,
  TYPICAL_TAGS_PER_REPOSITORY,
} from '../../src/loaders/observedSizes.js';
import type { SizeEstimates } from '../../src/schema/cost.js';
import { schema } from '../../src/schema/index.js';
import { checkQueryLimits, measureOperation, type QueryLimits } from '../../src/server/queryCost.js';

const operation = (name: string) => readFileSync(new URL(`../../schema/operations/${name}.graphql`, import.meta.url), 'utf8');
const defaults = parseConfig({ registries: [{ name: 'local', url: 'http://127.0.0.1:5000' }] }).limits;

/** A gateway that has seen nothing: typical sizes, full catalog pages, nothing cached, manifests of unknown kind. */
const cold: SizeEstimates = new ObservedSizes();

function measure(source: string, variables: Record<string, unknown> = {}, registries = 1, sizes: SizeEstimates = cold) {
  const measured = measureOperation(schema, parse(source), { variables, registries, sizes });
  if (!measured) throw new Error('not measurable');
  return measured;
}

const costOf = (source: string, variables?: Record<string, unknown>, sizes?: SizeEstimates) => measure(source, variables, 1, sizes).cost;

function refusal(source: string, variables: Record<string, unknown> = {}, limits: QueryLimits = defaults) {
  return checkQueryLimits(schema, parse(source), limits, { variables, registries: 1, sizes: cold });
}

const ESTIMATED_INDEX_ENTRIES = TYPICAL_INDEX_ENTRIES;
const ESTIMATED_LAYERS = TYPICAL_LAYERS_PER_IMAGE;
const tagsOnPage = (first: number) => Math.min(first, TYPICAL_TAGS_PER_REPOSITORY);

/** Per tag of the dashboard, cold: its manifest, then a config (image) or the children (index), whichever costs more. */
const DASHBOARD_PER_TAG = 1 + Math.max(1, ESTIMATED_INDEX_ENTRIES);

const THOUSAND_BY_THOUSAND_WITH_CONFIGS = `{
  registry {
    repositories(first: 1000) {
      edges { node { tags(first: 1000) { edges { node { manifest { ... on ImageManifest { image { created } } } } } } } }
    }
  }
}`;

/** What a gateway may have seen: the catalog's size, tag lists, index entries and layers, the share of images, what is cached. */
function seen({
  repositories = Number.POSITIVE_INFINITY,
  tags = TYPICAL_TAGS_PER_REPOSITORY,
  entries = TYPICAL_INDEX_ENTRIES,
  layers = TYPICAL_LAYERS_PER_IMAGE,
  imageShare = undefined as number | undefined,
  uncached = 1,
}): SizeEstimates {
  return {
    repositoriesOnPage: (first) => Math.min(first, repositories),
    tagsOnPage: (first) => Math.min(first, tags),
    tagsPerRepository: () => tags,
    entriesPerIndex: () => entries,
    layersPerImage: () => layers,
    imageShare: () => imageShare,
    uncachedShare: () => uncached,
  };
}

describe('the dashboard query', () => {
  it('costs a ping, a catalog page, a tag list per repository and, per tag, its manifest and the costlier of a config and index children', () => {
    expect(costOf(operation('Dashboard'), { repositories: 100, tags: 100 })).toBe(2 + 100 * (1 + tagsOnPage(100) * DASHBOARD_PER_TAG));
  });

  it("takes the operation's variable defaults (50 repositories, 20 tags)", () => {
    expect(costOf(operation('Dashboard'))).toBe(2 + 50 * (1 + tagsOnPage(20) * DASHBOARD_PER_TAG));
  });

  it('counts what the gateway has seen: the catalog and tag lists as long as they are, cached content as free', () => {
    // 22 repositories of 11 tags, 80% of manifests images: per tag its manifest, 0.8 of a config, 0.2 of 3 children.
    const small = seen({ repositories: 22, tags: 11, entries: 3, imageShare: 0.8 });
    expect(costOf(operation('Dashboard'), { repositories: 100, tags: 100 }, small)).toBe(
      Math.ceil(2 + 22 * (1 + 11 * (1 + 0.8 + 0.2 * 3))),
    );
    // Warm, as in the benchmark: 50 repositories of 20 tags, everything by digest cached: a HEAD per tag.
    const warm = seen({ repositories: 50, tags: 20, imageShare: 0.7, uncached: 0 });
    expect(costOf(operation('Dashboard'), {}, warm)).toBe(2 + 50 * (1 + 20));
  });

  it('is allowed by default over 100 repositories x 100 tags', () => {
    expect(refusal(operation('Dashboard'), { repositories: 100, tags: 100 })).toBeUndefined();
  });

  it('nests 10 fields deep and uses no alias', () => {
    expect(measure(operation('Dashboard'))).toMatchObject({ depth: 10, aliases: 0 });
  });
});

describe('page sizes and list lengths multiply', () => {
  it('1,000 repositories x 1,000 tags x their configs, on a registry seen to be that large, is refused, naming the estimate and the budget', () => {
    const large = seen({ tags: 5000 });
    // Two catalog pages (1,001 names), then per repository its tag list and per tag a manifest and a config.
    const estimate = 2 + 1000 * (1 + 1000 * 2);
    expect(costOf(THOUSAND_BY_THOUSAND_WITH_CONFIGS, {}, large)).toBe(estimate);
    const error = checkQueryLimits(schema, parse(THOUSAND_BY_THOUSAND_WITH_CONFIGS), defaults, { registries: 1, sizes: large });
    expect(error?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', estimatedCalls: estimate, budget: defaults.maxQueryCost });
    expect(error?.message).toContain(String(estimate));
    expect(error?.message).toContain(String(defaults.maxQueryCost));
  });

  it('takes tag pages as typical on a gateway that has seen no tag list yet, and refuses nothing a typical registry answers', () => {
    expect(costOf(THOUSAND_BY_THOUSAND_WITH_CONFIGS)).toBe(2 + 1000 * (1 + TYPICAL_TAGS_PER_REPOSITORY * 2));
    expect(refusal(THOUSAND_BY_THOUSAND_WITH_CONFIGS)).toBeUndefined();
  });

  it('uses the default page sizes when first is absent, and the maximum when first is above it', () => {
    const tagNames = (repositories: string, tags: string) =>
      `{ registry { repositories${repositories} { edges { node { tags${tags} { edges { node { digest } } } } } } } }`;
    const everything = seen({ tags: 5000 });
    expect(costOf(tagNames('', ''), {}, everything)).toBe(1 + 100 * (1 + 100));
    expect(costOf(tagNames('(first: 5000)', '(first: 5000)'), {}, everything)).toBe(2 + 1000 * (1 + 1000));
  });

  it('counts one catalog call per page of up to 1,000 names, one more than asked', () => {
    expect(costOf('{ registry { repositories(first: 999) { edges { cursor } } } }')).toBe(1);
    expect(costOf('{ registry { repositories(first: 1000) { edges { cursor } } } }')).toBe(2);
  });

  it('estimates the layers of an image and the entries of an index, as typical or as seen', () => {
    const layers = '{ manifest(reference: "a:b") { ... on ImageManifest { layers { blob { size } } } } }';
    const children = '{ manifest(reference: "a:b") { ... on ImageIndex { manifests { manifest { digest } } } } }';
    expect(costOf(layers)).toBe(1 + ESTIMATED_LAYERS);
    expect(costOf(children)).toBe(1 + ESTIMATED_INDEX_ENTRIES);
    expect(costOf(layers, {}, seen({ layers: 3 }))).toBe(1 + 3);
    // Children by digest that are cached cost nothing.
    expect(costOf(children, {}, seen({ entries: 6, uncached: 0 }))).toBe(1);
  });

  it('resolves registries once per configured registry', () => {
    const query = '{ registries { status { reachable } } }';
    expect(measure(query, {}, 3).cost).toBe(3);
  });
});

describe('fields that load the same thing', () => {
  it('count it once per object: a tag list, a tag manifest, an image config', () => {
    expect(costOf('{ repository(name: "a") { tagCount tags(first: 10) { totalCount } } }')).toBe(1 + 1);
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

  it('a single tag is one HEAD, whatever the length of the tag list', () => {
    expect(costOf('{ repository(name: "a") { tag(name: "x") { name } } }', {}, seen({ tags: 100_000 }))).toBe(1 + 1);
  });
});

describe('a selection on an interface', () => {
  const query = '{ manifest(reference: "a:b") { totalSize ... on ImageManifest { image { created } } } }';

  it('costs as much as its costliest implementation while no manifest has been seen', () => {
    // An image: its config; an index: its children for the size.
    expect(costOf(query)).toBe(1 + Math.max(1, ESTIMATED_INDEX_ENTRIES));
    expect(costOf('{ manifest(reference: "a:b") { ... on ImageManifest { totalSize image { created } } } }')).toBe(1 + 1);
  });

  it('costs its implementations in the proportions seen: images and indexes', () => {
    expect(costOf(query, {}, seen({ imageShare: 0.75 }))).toBe(Math.ceil(1 + 0.75 * 1 + 0.25 * ESTIMATED_INDEX_ENTRIES));
  });

  it('node(id) costs its lookup and its costliest type', () => {
    const nodeQuery = `query ($id: ID!) { node(id: $id) { ... on Repository { tags(first: 5) { edges { node { digest } } } } ... on Blob { size } } }`;
    expect(costOf(nodeQuery, { id: 'x' })).toBe(1 + 1 + 5);
  });
});

describe('orders and fields that read every tag', () => {
  const query = (order: string) => `{ repository(name: "a") { tags(first: 10, orderBy: ${order}) { edges { node { name } } } } }`;

  it('CREATED_DESC dates every tag of the repository: a HEAD each, and a manifest and config each when not dated before', () => {
    expect(costOf(query('NAME_ASC'))).toBe(1 + 1);
    expect(costOf(query('CREATED_DESC'))).toBe(1 + 1 + TYPICAL_TAGS_PER_REPOSITORY * 3);
    expect(costOf(query('CREATED_DESC'), {}, seen({ tags: 5000 }))).toBe(1 + 1 + 5000 * 3);
    expect(costOf(query('CREATED_DESC'), {}, seen({ tags: 5000, uncached: 0 }))).toBe(1 + 1 + 5000);
    expect(refusal(query('CREATED_DESC'))).toBeUndefined();
  });

  it('Manifest.tags reads the tag list and every tag', () => {
    expect(costOf('{ manifest(reference: "a:b") { tags } }')).toBe(1 + 1 + TYPICAL_TAGS_PER_REPOSITORY);
    expect(costOf('{ manifest(reference: "a:b") { tags } }', {}, seen({ tags: 1000 }))).toBe(1 + 1 + 1000);
  });

  it('sizes of a whole page of 1,000 tags are allowed', () => {
    const sizes = '{ repository(name: "a") { tags(first: 1000) { edges { node { manifest { totalSize } } } } } }';
    expect(checkQueryLimits(schema, parse(sizes), defaults, { registries: 1, sizes: seen({ tags: 1000 }) })).toBeUndefined();
  });
});

describe('directives and variables', () => {
  it('leaves out what @skip and @include leave out', () => {
    const query = `query ($withSizes: Boolean!) {
      repository(name: "a") { tags(first: 10) { edges { node { manifest @include(if: $withSizes) { totalSize } } } } }
    }`;
    expect(costOf(query, { withSizes: false })).toBe(1 + 1);
    expect(costOf(query, { withSizes: true })).toBe(1 + 1 + 10 * (1 + ESTIMATED_INDEX_ENTRIES));
    expect(costOf(query, { withSizes: true }, seen({ uncached: 0 }))).toBe(1 + 1 + 10);
  });

  it('measures nothing when the variables do not coerce (execution reports it)', () => {
    expect(
      measureOperation(schema, parse('query ($n: Int) { registry { repositories(first: $n) { edges { cursor } } } }'), {
        variables: { n: 'many' },
        registries: 1,
        sizes: cold,
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

describe('@defer and @stream: the parts of an answer', () => {
  const perTag = (spread: string, fragments = 'fragment Content on Tag { digest }') => `{
    registry { repositories(first: 50) { edges { node { tags(first: 20) { edges { node { name ${spread} } } } } } } }
  } ${fragments}`;

  it('counts a deferred fragment once per object it is deferred on, times the pages above it', () => {
    expect(measure(perTag('...Content @defer')).incrementalParts).toBe(1000);
    expect(measure(perTag('... @defer { digest }', '')).incrementalParts).toBe(1000);
    expect(measure(perTag('...Content')).incrementalParts).toBe(0);
  });

  it('counts deferred fragments within deferred fragments, and none whose `if` is false', () => {
    const nested = 'fragment Content on Tag { digest manifest { digest ...Later @defer } } fragment Later on Manifest { totalSize }';
    expect(measure(perTag('...Content @defer', nested)).incrementalParts).toBe(2000);
    expect(measure(perTag('...Content @defer(if: false)')).incrementalParts).toBe(0);
    const query = `query ($later: Boolean!) { registry { repositories(first: 10) { edges { node { name ... @defer(if: $later) { tagCount } } } } } }`;
    expect(measure(query, { later: true }).incrementalParts).toBe(10);
    expect(measure(query, { later: false }).incrementalParts).toBe(0);
  });

  it('counts each deferred spread of a fragment, as the executor delivers each (a spread again without @defer adds none)', () => {
    expect(measure(perTag('...Content @defer ...Content @defer')).incrementalParts).toBe(2000);
    expect(measure(perTag('...Content ...Content @defer')).incrementalParts).toBe(1000);
    expect(measure(perTag('...Content @defer ...Content')).incrementalParts).toBe(1000);
  });

  it('counts a streamed list as a part per item after initialCount', () => {
    const streamed = (initialCount: number) =>
      `{ registry { repositories(first: 50) { edges { node { tags(first: 20) { edges @stream(initialCount: ${initialCount}) { node { name } } } } } } } }`;
    expect(measure(streamed(0)).incrementalParts).toBe(1000);
    expect(measure(streamed(1)).incrementalParts).toBe(950);
    expect(measure(streamed(20)).incrementalParts).toBe(0);
  });

  it('bounds parts by the pages asked for, not by the sizes seen: a page is as long as first until it is sent', () => {
    const small = seen({ repositories: 3, tags: 5 });
    const query = perTag('...Content @defer').replace('first: 50', 'first: 10').replace('first: 20', 'first: 100');
    expect(measure(query, {}, 1, small).cost).toBeLessThan(100);
    expect(measure(query, {}, 1, small).incrementalParts).toBe(1000);
  });

  it('refuses more parts than limits.maxIncrementalParts, before any call, saying how to ask instead', () => {
    const refused = refusal(perTag('...Content @defer'), {}, { ...defaults, maxIncrementalParts: 999 });
    expect(refused?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', incrementalParts: 1000, maxIncrementalParts: 999 });
    expect(refused?.message).toMatch(/Defer larger units/);
    expect(refusal(perTag('...Content @defer'))).toBeUndefined();
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
    ['TagTable', { repository: 'team/app', first: 200 }],
  ])('%s is within the default limits', (name, variables) => {
    expect(refusal(operation(name), variables)).toBeUndefined();
  });
});

describe('the limits in configuration', () => {
  const registries = [{ name: 'local', url: 'http://127.0.0.1:5000' }];

  it('default to a budget of 100,000 calls, 15 levels, 50 aliases and 1,000 parts', () => {
    expect(defaults).toMatchObject({ maxQueryCost: 100_000, maxDepth: 15, maxAliases: 50, maxIncrementalParts: 1000 });
  });

  it('refuse values that would refuse everything, naming the key', () => {
    expect(() => parseConfig({ registries, limits: { maxQueryCost: 0 } })).toThrow(ConfigError);
    expect(() => parseConfig({ registries, limits: { maxQueryCost: 0 } })).toThrow(/limits\.maxQueryCost/);
    expect(() => parseConfig({ registries, limits: { maxDepth: 1.5 } })).toThrow(/limits\.maxDepth/);
    expect(parseConfig({ registries, limits: { maxAliases: 0 } }).limits.maxAliases).toBe(0);
  });
});
