import type { FetchCatalogPage } from './repositoryPage.js';

/**
 * A configured list of repository names served the way the catalog endpoint serves its pages
 * (`n` names after `last`, and a next-page marker), so the same paging (readRepositoryPage: first,
 * after, prefix) serves registries without a usable catalog and never calls it.
 * sortedNames: sorted and without duplicates, as the configuration keeps them.
 */
export function staticCatalog(sortedNames: readonly string[]): FetchCatalogPage {
  return async ({ n, last }) => {
    const start = last === undefined ? 0 : firstIndexAfter(sortedNames, last);
    const repositories = sortedNames.slice(start, start + n);
    const more = start + n < sortedNames.length;
    return { repositories, nextLast: more ? repositories.at(-1) : undefined };
  };
}

/** Index of the first name sorting after name (binary search). */
function firstIndexAfter(sortedNames: readonly string[], name: string): number {
  let low = 0;
  let high = sortedNames.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sortedNames[middle]! <= name) low = middle + 1;
    else high = middle;
  }
  return low;
}
