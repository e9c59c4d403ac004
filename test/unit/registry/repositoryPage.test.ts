import { describe, expect, it } from 'vitest';
import { nameBefore, readRepositoryPage } from '../../../src/registry/repositoryPage.js';
import type { CatalogPage } from '../../../src/registry/types.js';

/** Distribution's catalog order: "/" sorts before every other character (team/app before team-x). */
const distributionOrder = (a: string, b: string) => {
  const key = (name: string) => name.replaceAll('/', '\u0000');
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
};

/** A catalog that behaves like distribution's: sorted, `last` exclusive, capped pages, Link when more follow. */
function fakeCatalog(names: string[], cap = 1000, order?: (a: string, b: string) => number) {
  const sorted = [...names].sort(order);
  const calls: Array<{ n: number; last?: string }> = [];
  const fetchPage = async ({ n, last }: { n: number; last?: string }): Promise<CatalogPage> => {
    calls.push({ n, last });
    const rest = sorted.filter((name) => last === undefined || (order ? order(name, last) > 0 : name > last));
    const page = rest.slice(0, Math.min(n, cap));
    return { repositories: page, nextLast: rest.length > page.length ? page.at(-1) : undefined };
  };
  return { fetchPage, calls };
}

const names = (count: number) => Array.from({ length: count }, (_, i) => `repo-${String(i).padStart(5, '0')}`);

describe('readRepositoryPage', () => {
  it('answers a first page with one call asking for one name more', async () => {
    const catalog = fakeCatalog(names(10_000));
    const page = await readRepositoryPage(catalog.fetchPage, { first: 50 });
    expect(page.names).toEqual(names(50));
    expect(page.hasNextPage).toBe(true);
    expect(catalog.calls).toEqual([{ n: 51, last: undefined }]);
  });

  it('passes after as the catalog position and knows the last page', async () => {
    const catalog = fakeCatalog(names(5));
    const page = await readRepositoryPage(catalog.fetchPage, { first: 3, after: 'repo-00002' });
    expect(page).toEqual({ names: ['repo-00003', 'repo-00004'], hasNextPage: false });
    expect(catalog.calls).toEqual([{ n: 4, last: 'repo-00002' }]);
  });

  it('never asks for more than 1000 and follows Link when the registry answers short', async () => {
    const catalog = fakeCatalog(names(2500), 400);
    const page = await readRepositoryPage(catalog.fetchPage, { first: 1000 });
    expect(page.names).toEqual(names(1000));
    expect(page.hasNextPage).toBe(true);
    expect(catalog.calls.every((call) => call.n <= 1000)).toBe(true);
    expect(catalog.calls.map((call) => call.last)).toEqual([undefined, 'repo-00399', 'repo-00799']);
  });

  it('skips to a prefix instead of scanning, and stops past it', async () => {
    const catalog = fakeCatalog(['alpha', 'team', 'team/api', 'team/app', 'teams', 'tea', 'zeta', ...names(3000)]);
    const page = await readRepositoryPage(catalog.fetchPage, { first: 10, prefix: 'team' });
    expect(page).toEqual({ names: ['team', 'team/api', 'team/app', 'teams'], hasNextPage: false });
    expect(catalog.calls).toEqual([{ n: 11, last: nameBefore('team') }]);
  });

  it.each([
    ['byte order', undefined],
    ["distribution's order, where / sorts first", distributionOrder],
  ])('finds the names under a prefix with a slash in %s', async (_order, order) => {
    const catalog = fakeCatalog(['tea', 'team', 'team-x', 'team.y', 'team/api', 'team/app', 'team/apps/web', 'teams', 'zeta'], 1000, order);
    expect(await readRepositoryPage(catalog.fetchPage, { first: 10, prefix: 'team/' })).toEqual({
      names: ['team/api', 'team/app', 'team/apps/web'],
      hasNextPage: false,
    });
    expect((await readRepositoryPage(catalog.fetchPage, { first: 10, prefix: 'team/app' })).names).toEqual(['team/app', 'team/apps/web']);
    expect((await readRepositoryPage(catalog.fetchPage, { first: 1, prefix: 'team/' })).names).toEqual(['team/api']);
  });

  it('stops when a registry repeats its Link', async () => {
    const fetchPage = async (): Promise<CatalogPage> => ({ repositories: ['a'], nextLast: 'a' });
    expect(await readRepositoryPage(fetchPage, { first: 5, after: 'a' })).toEqual({ names: ['a'], hasNextPage: false });
  });
});

describe('nameBefore', () => {
  it('sorts before the prefix and after every name that sorts before it', () => {
    const before = nameBefore('team');
    expect(before < 'team').toBe(true);
    for (const name of ['tea', 'teal', 'teal/x', 'tea_m', 'te']) expect(name < before).toBe(true);
  });
});
