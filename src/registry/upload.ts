import { computeDigest, contentDigestHeader } from './digest.js';
import { assertRepositoryName, assertTagOrDigest } from './reference.js';
import { headerValue, protocolError, type Transport } from './transport.js';

/**
 * Monolithic blob upload: POST /v2/<name>/blobs/uploads/ opens a session whose Location
 * (relative or absolute, often already carrying a `_state` query) takes the bytes in one
 * PUT with ?digest=. Returns the sha256 digest the registry verified the bytes against.
 */
export async function blobUpload(transport: Transport, repository: string, bytes: Buffer): Promise<string> {
  assertRepositoryName(repository);
  const digest = computeDigest(bytes);
  const session = await transport.send({ kind: 'upload', method: 'POST', target: `/v2/${repository}/blobs/uploads/` });
  const location = headerValue(session.headers, 'location');
  if (location === undefined || !URL.canParse(location, session.url)) {
    throw protocolError(session, 'upload session without a usable Location header');
  }
  const uploadUrl = new URL(location, session.url);
  // Appended rather than set through searchParams, which would re-encode the session's own state.
  const separator = uploadUrl.search ? '&' : '?';
  uploadUrl.search = `${uploadUrl.search}${separator}digest=${digest}`;
  await transport.send({
    kind: 'upload',
    method: 'PUT',
    target: uploadUrl.href,
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  return digest;
}

/** PUT /v2/<name>/manifests/<reference> with the manifest's media type; returns its digest. */
export async function manifestPut(
  transport: Transport,
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
