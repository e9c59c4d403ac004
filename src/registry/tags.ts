import { RegistryError, isRegistryError } from './errors.js';
import { LIST_PAGE_MAX_BYTES, listField, nextPagePath } from './pagination.js';
import { assertRepositoryName } from './reference.js';
import { protocolError } from './responses.js';
import type { RequestSender } from './transport.js';

/** Bounds on one tag list, whatever the registry sends: pages followed, and bytes over all pages. */
export interface ListLimits {
  maxPages: number;
  maxBytes: number;
}

/** A thousand Link pages, and 64 MiB: about three million tags of twenty characters. */
export const DEFAULT_LIST_LIMITS: ListLimits = { maxPages: 1000, maxBytes: 64 * 1024 * 1024 };

/**
 * GET /v2/<name>/tags/list and every page its Link headers name, in registry order. A Link to a
 * page already fetched ends the list as PROTOCOL; more pages or bytes than the limits allow as
 * TOO_LARGE. NOT_FOUND (NAME_UNKNOWN) for an unknown repository.
 */
export async function tagsList(transport: RequestSender, repository: string, limits: ListLimits = DEFAULT_LIST_LIMITS): Promise<string[]> {
  assertRepositoryName(repository);
  const tags: string[] = [];
  const fetched = new Set<string>();
  let bytes = 0;
  let path: string | undefined = `/v2/${repository}/tags/list`;
  while (path !== undefined) {
    if (fetched.size === limits.maxPages) {
      throw new RegistryError({
        kind: 'TOO_LARGE',
        message: `GET /v2/${repository}/tags/list: more than ${limits.maxPages} pages (Link headers go on); the limit is limits.maxListPages`,
        method: 'GET',
      });
    }
    fetched.add(path);
    const response = await transport.send({
      kind: 'tags',
      method: 'GET',
      target: path,
      maxBodyBytes: Math.min(LIST_PAGE_MAX_BYTES, limits.maxBytes - bytes),
    });
    bytes += response.body.length;
    // One push per name: a page may hold millions, more than a call's arguments can.
    for (const tag of listField(response, 'tags')) tags.push(tag);
    path = nextPagePath(response, transport.origin);
    if (path !== undefined && fetched.has(path)) {
      throw protocolError(response, 'Link header names a page that was already fetched');
    }
  }
  return tags;
}

/**
 * Whether the registry knows the repository: GET /v2/<name>/tags/list?n=1, one name at most where
 * the registry pages tag lists (distribution 2.8 sends them all: the body is read within the
 * page bound and dropped). NAME_UNKNOWN (404) is false.
 */
export async function repositoryExists(transport: RequestSender, repository: string): Promise<boolean> {
  assertRepositoryName(repository);
  try {
    await transport.send({ kind: 'tags', method: 'GET', target: `/v2/${repository}/tags/list?n=1`, maxBodyBytes: LIST_PAGE_MAX_BYTES });
    return true;
  } catch (error) {
    if (isRegistryError(error, 'NOT_FOUND')) return false;
    throw error;
  }
}
