import { MAX_CATALOG_PAGE_SIZE } from './catalog.js';
import type { CatalogPage } from './types.js';

export interface RepositoryPageRequest {
  /** How many names to return, 1 to MAX_CATALOG_PAGE_SIZE. */
  first: number;
  /** Return names after this one. */
  after?: string;
  /** Return only names that start with it. */
  prefix?: string;
}

export interface RepositoryPage {
  names: string[];
  hasNextPage: boolean;
}

export type FetchCatalogPage = (params: { n: number; last?: string }) => Promise<CatalogPage>;

/**
 * One page of repository names, read from the catalog with as few calls as the registry
 * allows. The catalog is sorted, so `after` and `prefix` become the catalog's `last`
 * parameter (the registry skips ahead; nothing is scanned), and one extra name is asked for
 * to know whether another page follows. More calls are made only when the registry answers
 * with fewer names than asked while it says (Link header) that more follow.
 */
export async function readRepositoryPage(fetchPage: FetchCatalogPage, request: RepositoryPageRequest): Promise<RepositoryPage> {
  const { first, prefix } = request;
  let last = maxDefined(request.after, prefix ? positionBefore(prefix) : undefined);
  const names: string[] = [];
  let matched = false;
  for (;;) {
    const page = await fetchPage({ n: Math.min(first - names.length + 1, MAX_CATALOG_PAGE_SIZE), last });
    let pastPrefix = false;
    for (const name of page.repositories) {
      if (!prefix || name.startsWith(prefix)) {
        names.push(name);
        matched = true;
      } else if (matched || sortsAfter(name, prefix)) {
        // The names under a prefix are together in any order: the first other name after them ends the page.
        pastPrefix = true;
        break;
      }
      // Else a name the registry's order puts just before the prefix ("team-x" before "team/" in byte order): passed over.
    }
    if (names.length > first) return { names: names.slice(0, first), hasNextPage: true };
    const next = page.nextLast;
    // A registry repeating its `last` would loop forever: treat it as the end.
    if (pastPrefix || next === undefined || page.repositories.length === 0 || (last !== undefined && next <= last)) {
      return { names, hasNextPage: false };
    }
    // A full page with a Link: more may follow (or an empty page: the registry can't tell).
    if (names.length === first) return { names, hasNextPage: true };
    last = next;
  }
}

/**
 * Registries disagree on where "/" sorts: distribution orders names as if "/" came before every
 * other character ("team/app" before "team-x"), others in byte order ("team-x" first). The
 * catalog's `last` for a prefix must come before all its names in both.
 */
function positionBefore(prefix: string): string {
  // nameBefore("team/") would be "team.~", after "team/app" in distribution's order.
  return prefix.endsWith('/') ? prefix.slice(0, -1) : nameBefore(prefix);
}

const distributionKey = (name: string) => name.replaceAll('/', '\u0000');

/** Whether `name` comes after every name starting with `prefix` in both orders. */
function sortsAfter(name: string, prefix: string): boolean {
  return name > prefix && distributionKey(name) > distributionKey(prefix);
}

/**
 * A string that sorts just before every name starting with prefix, so it can serve as the
 * catalog's exclusive `last`: the last character is decremented and followed by "~", which
 * sorts after every character a repository name may contain.
 */
export function nameBefore(prefix: string): string {
  const lastChar = prefix.charCodeAt(prefix.length - 1);
  return `${prefix.slice(0, -1)}${String.fromCharCode(lastChar - 1)}~`;
}

function maxDefined(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}
