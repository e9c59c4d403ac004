import { protocolError } from './responses.js';
import type { Transport } from './transport.js';
import { LIST_PAGE_MAX_BYTES, listField, nextPagePath } from './pagination.js';
import { assertRepositoryName } from './reference.js';

/**
 * GET /v2/<name>/tags/list and every page its Link headers name, in registry order.
 * NOT_FOUND (NAME_UNKNOWN) for an unknown repository.
 */
export async function tagsList(transport: Transport, repository: string): Promise<string[]> {
  assertRepositoryName(repository);
  const tags: string[] = [];
  const fetched = new Set<string>();
  let path: string | undefined = `/v2/${repository}/tags/list`;
  while (path !== undefined) {
    fetched.add(path);
    const response = await transport.send({ kind: 'tags', method: 'GET', target: path, maxBodyBytes: LIST_PAGE_MAX_BYTES });
    tags.push(...listField(response, 'tags'));
    path = nextPagePath(response, transport.origin);
    if (path !== undefined && fetched.has(path)) {
      throw protocolError(response, 'Link header names a page that was already fetched');
    }
  }
  return tags;
}
