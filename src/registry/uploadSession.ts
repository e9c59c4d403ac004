/**
 * A resumable blob upload, step by step: POST opens it, PATCH appends a chunk at the current
 * offset (Content-Range), GET tells how far it got, PUT ?digest= completes it (the registry
 * checks the digest), DELETE cancels it. Each answer names where the next request goes
 * (Location, which distribution signs with the upload's state: an older Location is refused as
 * BLOB_UPLOAD_INVALID), so an upload is its latest location. Only locations on the registry's
 * own origin are kept: an upload is never continued elsewhere.
 */
import { contentDigestHeader } from './digest.js';
import { assertDigest, assertRepositoryName } from './reference.js';
import { headerValue, protocolError } from './responses.js';
import type { RequestSender, TransportResponse } from './transport.js';
import { uploadLocation, withDigest } from './upload.js';

export interface UploadState {
  /** Path and query of the upload on the registry, as its latest answer named it. */
  location: string;
  /** Bytes the registry holds. */
  offset: number;
}

export async function uploadStart(transport: RequestSender, repository: string): Promise<UploadState> {
  assertRepositoryName(repository);
  const response = await transport.send({ kind: 'upload', method: 'POST', target: `/v2/${repository}/blobs/uploads/` });
  return stateOf(transport, response, 0);
}

/** How far the upload got; NOT_FOUND when the registry no longer knows it. */
export async function uploadStatus(transport: RequestSender, upload: UploadState): Promise<UploadState> {
  const response = await transport.send({ kind: 'upload', method: 'GET', target: upload.location });
  return stateOf(transport, response, upload.offset);
}

/** Appends `chunk` at the upload's offset. */
export async function uploadAppend(transport: RequestSender, upload: UploadState, chunk: Buffer): Promise<UploadState> {
  if (chunk.length === 0) return upload;
  const response = await transport.send({
    kind: 'upload',
    method: 'PATCH',
    target: upload.location,
    headers: {
      'content-type': 'application/octet-stream',
      'content-range': `${upload.offset}-${upload.offset + chunk.length - 1}`,
    },
    body: chunk,
  });
  return stateOf(transport, response, upload.offset + chunk.length);
}

/** Completes the upload as `digest` (with a last chunk, maybe empty); the registry refuses a digest the bytes do not have. */
export async function uploadComplete(
  transport: RequestSender,
  upload: UploadState,
  digest: string,
  lastChunk: Buffer = Buffer.alloc(0),
): Promise<string> {
  assertDigest(digest);
  const response = await transport.send({
    kind: 'upload',
    method: 'PUT',
    target: withDigest(new URL(upload.location, transport.origin).href, digest),
    headers: { 'content-type': 'application/octet-stream' },
    body: lastChunk,
  });
  return contentDigestHeader(response) ?? digest;
}

/** Cancels the upload: the registry drops what it holds for it. */
export async function uploadCancel(transport: RequestSender, upload: UploadState): Promise<void> {
  await transport.send({ kind: 'upload', method: 'DELETE', target: upload.location, repeatable: true });
}

/**
 * The upload's next location and offset from an answer. The Range header ("0-<last byte>")
 * says "0-0" both for nothing and for one byte: then what the gateway sent decides.
 */
function stateOf(transport: RequestSender, response: TransportResponse, sent: number): UploadState {
  const url = new URL(uploadLocation(response));
  if (url.origin !== transport.origin)
    throw protocolError(response, 'the upload continues on another host, which the gateway does not follow');
  const range = /^0-(\d+)$/.exec(headerValue(response.headers, 'range') ?? '');
  const last = range ? Number(range[1]) : undefined;
  const offset = last === undefined ? sent : last === 0 ? Math.min(sent, 1) : last + 1;
  return { location: url.pathname + url.search, offset };
}
