import { describe, expect, it } from 'vitest';
import { Freshness } from '../../../src/loaders/freshness.js';

const head = { digest: `sha256:${'b'.repeat(64)}`, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 100 };

describe('Freshness', () => {
  it('keeps what was read until maxStalenessMs has passed', () => {
    let now = 1_000;
    const fresh = new Freshness(5_000, () => now);
    fresh.setTagList('team/app', ['v1']);
    fresh.setTagHead('team/app', 'v1', head);
    fresh.setTagHead('team/app', 'gone', null);
    now += 5_000;
    expect(fresh.tagList('team/app')).toEqual(['v1']);
    expect(fresh.tagHead('team/app', 'v1')).toEqual(head);
    expect(fresh.tagHead('team/app', 'gone')).toBeNull();
    expect(fresh.tagHead('team/app', 'unknown')).toBeUndefined();
    now += 1;
    expect(fresh.tagList('team/app')).toBeUndefined();
    expect(fresh.tagHead('team/app', 'v1')).toBeUndefined();
  });

  it("forgets a repository's reads at its event, and the catalog when the repository is new to it", () => {
    const fresh = new Freshness(60_000);
    fresh.setCatalogPage(101, undefined, { repositories: ['team/api', 'team/app'], nextLast: undefined });
    for (const repository of ['team/app', 'team/api']) {
      fresh.setTagList(repository, ['v1']);
      fresh.setTagHead(repository, 'v1', head);
    }
    fresh.forgetRepository('team/app');
    expect(fresh.tagList('team/app')).toBeUndefined();
    expect(fresh.tagHead('team/app', 'v1')).toBeUndefined();
    expect(fresh.tagList('team/api')).toEqual(['v1']);
    expect(fresh.catalogPage(101, undefined)).toBeDefined();
    fresh.forgetRepository('team/new');
    expect(fresh.catalogPage(101, undefined)).toBeUndefined();
  });

  it('keeps nothing with maxStalenessMs 0', () => {
    const fresh = new Freshness(0);
    fresh.setTagList('team/app', ['v1']);
    expect(fresh.tagList('team/app')).toBeUndefined();
  });
});
