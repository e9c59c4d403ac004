import { verifyDigest } from './digest.js';
import { assertDigest, assertRepositoryName } from './reference.js';
import { contentLength } from './responses.js';
import type { RequestSender } from './transport.js';
import type { BlobHeadResult } from './types.js';

/**
 * GET /v2/<name>/blobs/<digest>, following a redirect to storage, bounded by maxBlobBytes and
 * verified against the digest. Meant for config blobs, which are small JSON documents.
 */
export async function blobGet(transport: RequestSender, repository: string, digest: string, maxBlobBytes: number): Promise<Buffer> {
  assertRepositoryName(repository);
  assertDigest(digest);
  const response = await transport.send({
    kind: 'blob',
    method: 'GET',
    target: `/v2/${repository}/blobs/${digest}`,
    maxBodyBytes: maxBlobBytes,
    followRedirects: true,
  });
  verifyDigest(response.body, digest, response, 'the requested digest');
  return response.body;
}

/** HEAD /v2/<name>/blobs/<digest>: whether the blob exists, and its size. */
export async function blobHead(transport: RequestSender, repository: string, digest: string): Promise<BlobHeadResult> {
  assertRepositoryName(repository);
  assertDigest(digest);
  const response = await transport.send({
    kind: 'blob',
    method: 'HEAD',
    target: `/v2/${repository}/blobs/${digest}`,
    followRedirects: true,
  });
  return { digest, size: contentLength(response) };
}

/**
 * DELETE /v2/<name>/blobs/<digest> (202): the repository's link to the blob goes (the bytes,
 * once no repository links them, at the registry's garbage collection). NOT_FOUND for an
 * unknown blob, UNSUPPORTED (405) where deleting is disabled.
 */
export async function blobDelete(transport: RequestSender, repository: string, digest: string): Promise<void> {
  assertRepositoryName(repository);
  assertDigest(digest);
  await transport.send({ kind: 'blob', method: 'DELETE', target: `/v2/${repository}/blobs/${digest}`, repeatable: true });
}
