/**
 * The referrers API of OCI distribution 1.1: GET /v2/<name>/referrers/<digest>, an image index
 * of the descriptors of every manifest whose `subject` is that digest, filtered by
 * `?artifactType=` where the registry says so (OCI-Filters-Applied), paged by Link headers.
 * A registry that implements it never answers 404 there (an unknown digest has no referrers:
 * an empty index), so a 404 means the registry does not implement it (distribution 2.8 and 3):
 * `undefined`, for the caller to fall back to the tag schema.
 */
import { isRegistryError } from './errors.js';
import { MediaType } from './mediaTypes.js';
import { LIST_PAGE_MAX_BYTES, nextPagePath } from './pagination.js';
import { assertDigest, assertRepositoryName } from './reference.js';
import { jsonBody, headerValue, protocolError } from './responses.js';
import type { ListLimits } from './tags.js';
import type { RequestSender } from './transport.js';
import type { Descriptor } from './types.js';
import { isRecord } from '../util/isRecord.js';

export interface ReferrersAnswer {
  descriptors: Descriptor[];
  /** Whether the registry applied the artifactType filter (else the caller filters). */
  filtered: boolean;
}

export async function referrersList(
  transport: RequestSender,
  repository: string,
  digest: string,
  artifactType: string | undefined,
  limits: ListLimits,
): Promise<ReferrersAnswer | undefined> {
  assertRepositoryName(repository);
  assertDigest(digest);
  const query = artifactType === undefined ? '' : `?artifactType=${encodeURIComponent(artifactType)}`;
  let path: string | undefined = `/v2/${repository}/referrers/${digest}${query}`;
  const descriptors: Descriptor[] = [];
  const fetched = new Set<string>();
  let filtered = artifactType !== undefined;
  let bytes = 0;
  while (path !== undefined) {
    if (fetched.size === limits.maxPages)
      throw protocolError({ method: 'GET', url: path, status: 200 }, `more than ${limits.maxPages} pages of referrers`);
    fetched.add(path);
    let response;
    try {
      response = await transport.send({
        kind: 'referrers',
        method: 'GET',
        target: path,
        headers: { accept: MediaType.ociIndex },
        maxBodyBytes: Math.min(LIST_PAGE_MAX_BYTES, limits.maxBytes - bytes),
      });
    } catch (error) {
      if (fetched.size === 1 && isRegistryError(error, 'NOT_FOUND')) return undefined;
      throw error;
    }
    bytes += response.body.length;
    const index = jsonBody(response);
    const manifests = isRecord(index) ? index.manifests : undefined;
    if (!Array.isArray(manifests) || !manifests.every(isDescriptor))
      throw protocolError(response, 'expected an image index of descriptors');
    descriptors.push(...manifests);
    const applied = headerValue(response.headers, 'oci-filters-applied') ?? '';
    filtered &&= applied
      .split(',')
      .map((name) => name.trim())
      .includes('artifactType');
    path = nextPagePath(response, transport.origin);
    if (path !== undefined && fetched.has(path)) throw protocolError(response, 'Link header names a page that was already fetched');
  }
  return { descriptors, filtered };
}

function isDescriptor(value: unknown): value is Descriptor {
  return isRecord(value) && typeof value.digest === 'string' && typeof value.mediaType === 'string' && typeof value.size === 'number';
}
