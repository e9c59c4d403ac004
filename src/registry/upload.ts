import { computeDigest, contentDigestHeader } from './digest.js';
import { assertRepositoryName, assertTagOrDigest } from './reference.js';
import { headerValue, protocolError } from './responses.js';
import type { RequestSender, TransportResponse } from './transport.js';

/**
 * Monolithic blob upload: POST /v2/<name>/blobs/uploads/ opens a session whose Location
 * (relative or absolute, often already carrying a `_state` query) takes the bytes in one
 * PUT with ?digest=. Returns the sha256 digest the registry verified the bytes against.
 */
export async function blobUpload(transport: RequestSender, repository: string, bytes: Buffer): Promise<string> {
  assertRepositoryName(repository);
  const digest = computeDigest(bytes);
  const session = await transport.send({ kind: 'upload', method: 'POST', target: `/v2/${repository}/blobs/uploads/` });
  await transport.send({
    kind: 'upload',
    method: 'PUT',
    target: withDigest(uploadLocation(session), digest),
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  return digest;
}

/**
 * The absolute URL an upload response (POST opening a session, PATCH of a chunk) names in its
 * Location header, where the next request of the upload goes.
 */
export function uploadLocation(response: TransportResponse): string {
  const location = headerValue(response.headers, 'location');
  if (location === undefined || !URL.canParse(location, response.url)) {
    throw protocolError(response, 'upload session without a usable Location header');
  }
  return new URL(location, response.url).href;
}

/** The upload URL with ?digest= for the PUT that completes the upload. */
export function withDigest(uploadUrl: string, digest: string): string {
  const url = new URL(uploadUrl);
  // Appended rather than set through searchParams, which would re-encode the session's own state.
  const separator = url.search ? '&' : '?';
  url.search = `${url.search}${separator}digest=${digest}`;
  return url.href;
}

/** PUT /v2/<name>/manifests/<reference> with the manifest's media type; returns its digest. */
export async function manifestPut(
  transport: RequestSender,
  repository: string,
  reference: string,
  bytes: Buffer,
  mediaType: string,
): Promise<string> {
  assertRepositoryName(repository);
  assertTagOrDigest(reference);
  const response = await transport.send({
    kind: 'upload',
    method: 'PUT',
    target: `/v2/${repository}/manifests/${reference}`,
    headers: { 'content-type': mediaType },
    body: bytes,
  });
  return contentDigestHeader(response) ?? computeDigest(bytes);
}
