import { describe, expect, it } from 'vitest';
import { readRepositoryPage } from '../../../src/registry/repositoryPage.js';
import { staticCatalog } from '../../../src/registry/staticCatalog.js';

const NAMES = ['charts/web', 'library/alpine', 'library/busybox', 'team/api', 'team/app', 'tools/ci/runner'];

describe('staticCatalog', () => {
  const catalog = staticCatalog(NAMES);

  it('answers like the catalog endpoint: n names after last, and where the next page starts', async () => {
    expect(await catalog({ n: 2 })).toEqual({ repositories: ['charts/web', 'library/alpine'], nextLast: 'library/alpine' });
    expect(await catalog({ n: 2, last: 'library/alpine' })).toEqual({
      repositories: ['library/busybox', 'team/api'],
      nextLast: 'team/api',
    });
    expect(await catalog({ n: 10, last: 'team/api' })).toEqual({ repositories: ['team/app', 'tools/ci/runner'], nextLast: undefined });
    expect(await catalog({ n: 2, last: 'team/app' })).toEqual({ repositories: ['tools/ci/runner'], nextLast: undefined });
    expect(await catalog({ n: 2, last: 'zzz' })).toEqual({ repositories: [], nextLast: undefined });
    // `last` need not be one of the names.
    expect(await catalog({ n: 1, last: 'library/b' })).toEqual({ repositories: ['library/busybox'], nextLast: 'library/busybox' });
  });

  it('pages with first, after and prefix as the catalog does', async () => {
    expect(await readRepositoryPage(catalog, { first: 2 })).toEqual({ names: ['charts/web', 'library/alpine'], hasNextPage: true });
    expect(await readRepositoryPage(catalog, { first: 2, after: 'team/api' })).toEqual({
      names: ['team/app', 'tools/ci/runner'],
      hasNextPage: false,
    });
    expect(await readRepositoryPage(catalog, { first: 10, prefix: 'library/' })).toEqual({
      names: ['library/alpine', 'library/busybox'],
      hasNextPage: false,
    });
    expect(await readRepositoryPage(catalog, { first: 1, prefix: 'team/' })).toEqual({ names: ['team/api'], hasNextPage: true });
    expect(await readRepositoryPage(catalog, { first: 5, prefix: 'team/', after: 'team/api' })).toEqual({
      names: ['team/app'],
      hasNextPage: false,
    });
    expect(await readRepositoryPage(catalog, { first: 5, prefix: 'nothing/' })).toEqual({ names: [], hasNextPage: false });
  });

  it('walks the whole list page by page', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await readRepositoryPage(catalog, { first: 4, after });
      seen.push(...page.names);
      if (!page.hasNextPage) break;
      after = page.names.at(-1);
    }
    expect(seen).toEqual(NAMES);
  });
});
