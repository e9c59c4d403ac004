import { afterAll, describe, expect, inject, it } from 'vitest';
import { sampleContent } from '../../fixtures/content/sampleContent.js';
import { RepositoryTagsDocument, type TagOrder } from '../../src/client/index.js';
import { createTestGateway } from '../support/gateway.js';

const gateway = createTestGateway({ registryUrl: inject('registryUrl') });
afterAll(() => gateway.close());

const appTags = sampleContent()
  .find(({ name }) => name === 'team/app')!
  .manifests.flatMap((manifest) => manifest.tags.map((tag) => ({ tag, manifest })));

async function tagNames(orderBy: TagOrder, extra: { first?: number; after?: string; prefix?: string } = {}) {
  const result = await gateway.execute(RepositoryTagsDocument, { repository: 'team/app', orderBy, first: 100, ...extra });
  expect(result.errors).toBeUndefined();
  return result.data!.repository!.tags!;
}

describe('Repository.tags', () => {
  it('sorts by name both ways, whatever order the registry lists them in', async () => {
    const names = appTags.map(({ tag }) => tag);
    expect((await tagNames('NAME_ASC')).edges.map(({ node }) => node.name)).toEqual([...names].sort());
    expect((await tagNames('NAME_DESC')).edges.map(({ node }) => node.name)).toEqual([...names].sort().reverse());
  });

  it('sorts semantic versions newest first, then the other tags by name', async () => {
    const others = appTags
      .map(({ tag }) => tag)
      .filter((tag) => !/^\d/.test(tag))
      .sort();
    expect((await tagNames('SEMVER_DESC')).edges.map(({ node }) => node.name)).toEqual(['2.0.0', '1.1.0', '1.0.0', ...others]);
  });

  it('sorts by the created date of the image (an index: its created annotation), newest first', async () => {
    const created = (manifest: (typeof appTags)[number]['manifest']) =>
      manifest.imageConfig?.created ?? manifest.document.annotations?.['org.opencontainers.image.created'];
    const expected = [...appTags]
      .sort((a, b) => Date.parse(created(b.manifest)!) - Date.parse(created(a.manifest)!) || (a.tag < b.tag ? -1 : 1))
      .map(({ tag }) => tag);
    expect(expected[0]).toBe('dev');
    expect((await tagNames('CREATED_DESC')).edges.map(({ node }) => node.name)).toEqual(expected);
  });

  it('pages with cursors: every tag exactly once, totalCount over all pages', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const tags = await tagNames('SEMVER_DESC', { first: 2, after });
      expect(tags.totalCount).toBe(appTags.length);
      seen.push(...tags.edges.map(({ node }) => node.name));
      if (!tags.pageInfo.hasNextPage) break;
      after = tags.pageInfo.endCursor!;
    }
    expect(seen).toEqual((await tagNames('SEMVER_DESC')).edges.map(({ node }) => node.name));
  });

  it('filters by prefix before paging', async () => {
    const tags = await tagNames('NAME_ASC', { prefix: '1.' });
    expect(tags.edges.map(({ node }) => node.name)).toEqual(['1.0.0', '1.1.0']);
    expect(tags.totalCount).toBe(2);
  });

  it("refuses another order's cursor and an out-of-range page size as BAD_USER_INPUT", async () => {
    const first = await tagNames('NAME_ASC', { first: 1 });
    const cases: Array<{ orderBy: TagOrder; first?: number; after?: string }> = [
      { orderBy: 'NAME_DESC', after: first.pageInfo.endCursor! },
      { orderBy: 'NAME_ASC', first: 0 },
      { orderBy: 'NAME_ASC', first: 1001 },
      { orderBy: 'NAME_ASC', after: 'not-a-cursor' },
    ];
    for (const variables of cases) {
      const result = await gateway.execute(RepositoryTagsDocument, { repository: 'team/app', ...variables });
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
    }
  });
});
