/**
 * The domain layer on its own, against the real registry: no GraphQL, no schema. What the
 * schema modules do is map arguments onto these calls, so the rules are tested here.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { expectedTotalSize, findSampleManifest, sampleTags } from '../../fixtures/content/oracles.js';
import { sampleContent } from '../../fixtures/content/sampleContent.js';
import { AccessControl } from '../../src/access.js';
import { parseConfig } from '../../src/config/index.js';
import { ContentCache } from '../../src/loaders/contentCache.js';
import { ObservedSizes } from '../../src/loaders/observedSizes.js';
import { GatewayError } from '../../src/model/errors.js';
import { Model } from '../../src/model/model.js';
import { RegistrySet } from '../../src/registries.js';
import type { UpstreamRequestEvent } from '../../src/registry/types.js';

const WRITE_TOKEN = 'model-test-write-token-0123456789';
const config = parseConfig({
  registries: [{ name: 'local', url: inject('registryUrl') }],
  access: { tokens: [{ name: 'writer', scopes: ['read', 'write'], token: WRITE_TOKEN }] },
});
const upstream: UpstreamRequestEvent[] = [];
const registries = new RegistrySet(config, (event) => upstream.push(event));
const cache = new ContentCache(config.cache.maxBytes);
const observed = new ObservedSizes(() => cache.uncachedShare());
const access = new AccessControl(config.access);
afterAll(() => registries.close());

/** A model as one request sees it. */
const requestModel = (authorization: string | null = null) =>
  new Model({ registries, cache, observed, access: access.forRequest(authorization) });

const content = sampleContent();
const app = content.find(({ name }) => name === 'team/app')!;
const appRepository = { registry: 'local', name: 'team/app' };
const appTags = sampleTags([app]).map(({ tag }) => tag);

describe('tags', () => {
  it('pages through every tag once in each order, with totalCount and cursors of that order', async () => {
    const model = requestModel();
    for (const orderBy of ['NAME_ASC', 'NAME_DESC', 'SEMVER_DESC', 'CREATED_DESC'] as const) {
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = (await model.tags.page(appRepository, { first: 2, after, orderBy }))!;
        expect(page.totalCount).toBe(appTags.length);
        seen.push(...page.edges.map(({ node }) => node.name));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor!;
      }
      expect([...seen].sort()).toEqual([...appTags].sort());
      const whole = (await model.tags.page(appRepository, { orderBy }))!;
      expect(whole.edges.map(({ node }) => node.name)).toEqual(seen);
    }
  });

  it("refuses a cursor of another order, and an out-of-range page size, as the client's mistake", async () => {
    const model = requestModel();
    const first = (await model.tags.page(appRepository, { first: 1, orderBy: 'NAME_ASC' }))!;
    await expect(model.tags.page(appRepository, { after: first.pageInfo.endCursor, orderBy: 'SEMVER_DESC' })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    await expect(model.tags.page(appRepository, { first: 1001 })).rejects.toBeInstanceOf(GatewayError);
  });

  it('is null for a repository the registry does not know', async () => {
    expect(await requestModel().tags.page({ registry: 'local', name: 'no/such-repo' }, {})).toBeNull();
  });
});

describe('manifests', () => {
  it('totals what a pull transfers and lists the tags on a digest', async () => {
    const model = requestModel();
    const release = findSampleManifest(app, '2.0.0')!;
    const manifest = (await model.manifests.find('local', 'team/app', '2.0.0'))!;
    expect(manifest.manifest.digest).toBe(release.digest);
    expect(await model.manifests.totalSize(manifest)).toBe(expectedTotalSize(app, release.digest));
    expect(await model.manifests.tagsPointingAt(manifest)).toEqual([...release.tags].sort());
  });
});

describe('writes', () => {
  it('reports a dry run of deleteTag without any write reaching the registry', async () => {
    const model = requestModel(`Bearer ${WRITE_TOKEN}`);
    const release = findSampleManifest(app, '2.0.0')!;
    upstream.length = 0;
    const result = await model.writes.deleteTag({ repository: 'team/app', tag: '2.0.0', keepManifest: true, dryRun: true });
    expect(result).toEqual({
      repository: appRepository,
      tag: '2.0.0',
      digest: release.digest,
      manifestDeleted: false,
      remainingTags: release.tags.filter((tag) => tag !== '2.0.0').sort(),
      dryRun: true,
    });
    expect(upstream.filter(({ method }) => method !== 'GET' && method !== 'HEAD')).toEqual([]);
  });

  it('refuses to delete the last tag of a manifest without the delete scope, before writing', async () => {
    const lastTag = sampleTags([app]).find(({ manifest }) => manifest.tags.length === 1)!;
    const model = requestModel(`Bearer ${WRITE_TOKEN}`);
    upstream.length = 0;
    await expect(model.writes.deleteTag({ repository: 'team/app', tag: lastTag.tag })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(upstream.filter(({ method }) => method !== 'GET' && method !== 'HEAD')).toEqual([]);
  });

  it('names an unknown registry NOT_FOUND', () => {
    expect(() => requestModel().registries.get('elsewhere')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});
