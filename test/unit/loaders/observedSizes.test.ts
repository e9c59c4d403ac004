import { describe, expect, it } from 'vitest';
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

  it('bounds repository pages by the largest catalog read to its end', () => {
    const sizes = new ObservedSizes();
    expect(sizes.repositoriesOnPage(100)).toBe(100);
    sizes.recordCatalog('a', 22);
    sizes.recordCatalog('b', 7);
    expect(sizes.repositoriesOnPage(100)).toBe(22);
  });

  it('follows the cache: everything to fetch when cold, little once lookups hit', () => {
    const sizes = new ObservedSizes();
    expect(sizes.uncachedShare()).toBe(1);
    for (let lookup = 0; lookup < 500; lookup++) sizes.recordDigestLookup(true);
    expect(sizes.uncachedShare()).toBeLessThan(0.01);
    for (let lookup = 0; lookup < 50; lookup++) sizes.recordDigestLookup(false);
    expect(sizes.uncachedShare()).toBeGreaterThan(0.5);
  });
});
