import { assertDigest, assertRepositoryName } from './reference.js';
import type { RequestSender } from './transport.js';
import { uploadLocation } from './upload.js';

/** A mounted blob, or the upload session the registry opened instead of mounting. */
export type BlobMountResult = { mounted: true } | { mounted: false; uploadUrl: string };

/**
 * Cross-repository mount: POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<source> links a
 * blob the registry already stores into another repository without transferring it (201). A
 * registry that will not mount (the source lacks the blob, the caller may not pull from it,
 * mounting is off) answers 202 with an ordinary upload session, returned for the upload that
 * has to happen then.
 */
export async function blobMount(
  transport: RequestSender,
  repository: string,
  digest: string,
  fromRepository: string,
): Promise<BlobMountResult> {
  assertRepositoryName(repository);
  assertRepositoryName(fromRepository);
  assertDigest(digest);
  const response = await transport.send({
    kind: 'upload',
    method: 'POST',
    target: `/v2/${repository}/blobs/uploads/?mount=${digest}&from=${fromRepository}`,
  });
  if (response.status === 201) return { mounted: true };
  return { mounted: false, uploadUrl: uploadLocation(response) };
}
