import { createHash } from 'node:crypto';
import { RegistryError, isRegistryError, rephrased } from './errors.js';
import { assertDigest, assertRepositoryName, digestAlgorithm } from './reference.js';
import { protocolError } from './responses.js';
import type { RequestSender } from './transport.js';
import { uploadLocation, withDigest } from './upload.js';

export interface BlobCopyRequest {
  fromRepository: string;
  repository: string;
  digest: string;
  /** The blob's size, from its descriptor. */
  size: number;
  /** An upload session already open in the target repository (as a refused mount leaves one). */
  uploadUrl?: string;
  /** Bytes held in memory at once: the size of each ranged read and uploaded chunk. */
  chunkBytes: number;
}

/**
 * Copies a blob between repositories through the gateway, holding at most chunkBytes of it in
 * memory: ranged GETs from the source, each forwarded as one chunk of an upload (PATCH with
 * Content-Range), the last one with the PUT ?digest= that completes it. The bytes are hashed
 * on the way and the upload is only completed when they hash to the digest. Every request
 * carries a Buffer, so the transport can repeat it (after a token refresh, say).
 */
export async function blobCopy(transport: RequestSender, request: BlobCopyRequest): Promise<void> {
  const { fromRepository, repository, digest, size, chunkBytes } = request;
  assertRepositoryName(fromRepository);
  assertRepositoryName(repository);
  assertDigest(digest);
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`blob ${digest}: invalid size ${size}`);
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) throw new RangeError('chunkBytes must be a positive integer');

  let location =
    request.uploadUrl ??
    uploadLocation(await transport.send({ kind: 'upload', method: 'POST', target: `/v2/${repository}/blobs/uploads/` }));
  const hash = createHash(digestAlgorithm(digest));
  try {
    for (let offset = 0; ;) {
      const chunk = await readRange(transport, fromRepository, digest, offset, Math.min(size, offset + chunkBytes) - 1);
      hash.update(chunk);
      const end = offset + chunk.length;
      if (end >= size) {
        const actual = `${digestAlgorithm(digest)}:${hash.digest('hex')}`;
        if (end > size || actual !== digest) {
          throw new RegistryError({
            kind: 'DIGEST_MISMATCH',
            message: `GET /v2/${fromRepository}/blobs/${digest}: ${end} bytes hashing to ${actual}, not the ${size} bytes of ${digest}`,
            method: 'GET',
          });
        }
        await transport.send({
          kind: 'upload',
          method: 'PUT',
          target: withDigest(location, digest),
          headers: { 'content-type': 'application/octet-stream' },
          body: chunk,
        });
        return;
      }
      const patched = await transport.send({
        kind: 'upload',
        method: 'PATCH',
        target: location,
        headers: { 'content-type': 'application/octet-stream', 'content-range': `${offset}-${end - 1}` },
        body: chunk,
      });
      location = uploadLocation(patched);
      offset = end;
    }
  } catch (error) {
    await cancelUpload(transport, location);
    throw error;
  }
}

/** Bytes first..last of a blob (inclusive); a registry that ignores Range is served whole only when the blob fits. */
async function readRange(transport: RequestSender, repository: string, digest: string, first: number, last: number): Promise<Buffer> {
  const wanted = Math.max(last - first + 1, 0);
  if (wanted === 0) return Buffer.alloc(0);
  try {
    const response = await transport.send({
      kind: 'blob',
      method: 'GET',
      target: `/v2/${repository}/blobs/${digest}`,
      headers: { range: `bytes=${first}-${last}` },
      maxBodyBytes: wanted,
      followRedirects: true,
    });
    const wholeBlob = response.status === 200;
    if ((wholeBlob && first !== 0) || response.body.length === 0) {
      throw protocolError(response, `asked for bytes ${first}-${last}, got ${wholeBlob ? 'the whole blob' : 'no bytes'}`);
    }
    return response.body;
  } catch (error) {
    if (!isRegistryError(error, 'TOO_LARGE')) throw error;
    throw rephrased(
      error,
      `${error.message}: the registry ignores Range requests, so the blob cannot be copied in chunks of ${wanted} bytes`,
    );
  }
}

/** DELETE of an unfinished upload session, so the registry can drop what it received; failures are ignored. */
async function cancelUpload(transport: RequestSender, location: string): Promise<void> {
  await transport.send({ kind: 'upload', method: 'DELETE', target: location }).catch(() => undefined);
}
