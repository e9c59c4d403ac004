import { describe, expect, it } from 'vitest';
import { ContentCache } from '../../../src/loaders/contentCache.js';
import { ObservedSizes, TYPICAL_TAGS_PER_REPOSITORY } from '../../../src/loaders/observedSizes.js';

describe('ObservedSizes', () => {
  it('averages the tag lists seen, each repository once however often it is read', () => {
    const sizes = new ObservedSizes();
    expect(sizes.tagsPerRepository()).toBe(TYPICAL_TAGS_PER_REPOSITORY);
    for (let read = 0; read < 3; read++) sizes.recordTagList('r', 'a', 500);
    sizes.recordTagList('r', 'b', 100);
    expect(sizes.tagsPerRepository()).toBe(300);
    sizes.recordTagList('r', 'a', 300);
    expect(sizes.tagsPerRepository()).toBe(200);
    expect(sizes.tagsOnPage(50)).toBe(50);
    expect(sizes.tagsOnPage(1000)).toBe(200);
  });

  it("bounds repository pages by the largest catalog once every registry's is known", () => {
    const sizes = new ObservedSizes(() => 1, 2);
    expect(sizes.repositoriesOnPage(100)).toBe(100);
    sizes.recordCatalog('a', 22);
    expect(sizes.repositoriesOnPage(100)).toBe(100);
    sizes.recordCatalog('b', 7);
    expect(sizes.repositoriesOnPage(100)).toBe(22);
  });

  it('takes what is cached from the content cache: of what queries asked for lately, what is not kept', () => {
    const cache = new ContentCache(1024 * 1024);
    const sizes = new ObservedSizes(() => cache.uncachedShare());
    expect(sizes.uncachedShare()).toBe(1);
    const config = { architecture: 'amd64' };
    // Four configs asked for and missing: a cold query.
    for (const digest of ['a', 'b', 'c', 'd']) expect(cache.getConfig('r', 'repo', digest)).toBeUndefined();
    expect(sizes.uncachedShare()).toBe(1);
    // It fetched three of them: the same query again would find three of four.
    for (const digest of ['a', 'b', 'c']) cache.setConfig('r', 'repo', digest, config, 100);
    expect(sizes.uncachedShare()).toBe(0.25);
  });
});
