import { LIST_PAGE_MAX_BYTES, lastFromLink, listField, nextLink } from './pagination.js';
import type { RequestSender } from './transport.js';
import type { CatalogPage } from './types.js';

/** Registries cap catalog pages (distribution at 1000 by default); asking for more is a bug. */
export const MAX_CATALOG_PAGE_SIZE = 1000;

/**
 * GET /v2/_catalog?n=&last=: one page of repository names. `last` is passed through as the
 * registry's cursor; a full page may be followed by an empty one.
 */
export async function catalogPage(transport: RequestSender, params: { n: number; last?: string }): Promise<CatalogPage> {
  const { n, last } = params;
  if (!Number.isInteger(n) || n < 1 || n > MAX_CATALOG_PAGE_SIZE) {
    throw new RangeError(`catalog page size must be an integer from 1 to ${MAX_CATALOG_PAGE_SIZE}, got ${n}`);
  }
  const query = new URLSearchParams({ n: String(n) });
  if (last !== undefined) query.set('last', last);
  const response = await transport.send({
    kind: 'catalog',
    method: 'GET',
    target: `/v2/_catalog?${query}`,
    maxBodyBytes: LIST_PAGE_MAX_BYTES,
  });
  const next = nextLink(response.headers.link);
  return {
    repositories: listField(response, 'repositories'),
    nextLast: next === undefined ? undefined : lastFromLink(next),
  };
}
