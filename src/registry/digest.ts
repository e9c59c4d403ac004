import { createHash } from 'node:crypto';
import { RegistryError, describeRequest } from './errors.js';
import { type DigestAlgorithm, digestAlgorithm, isValidDigest } from './reference.js';
import { headerValue, protocolError } from './responses.js';
import type { TransportResponse } from './transport.js';

/** The content digest of bytes, e.g. sha256:<hex>. */
export function computeDigest(bytes: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Whether bytes hash to a digest; false for a digest that is not a valid sha256/sha512 digest. */
export function matchesDigest(bytes: Uint8Array, digest: string): boolean {
  return isValidDigest(digest) && computeDigest(bytes, digestAlgorithm(digest)) === digest;
}

/** Throws DIGEST_MISMATCH unless the bytes hash to the expected digest. */
export function verifyDigest(
  bytes: Uint8Array,
  expected: string,
  response: Pick<TransportResponse, 'method' | 'url'>,
  /** Where the expected digest came from, e.g. 'the requested digest' or 'Docker-Content-Digest'. */
  expectedFrom: string,
): void {
  if (matchesDigest(bytes, expected)) return;
  const actual = computeDigest(bytes, isValidDigest(expected) ? digestAlgorithm(expected) : 'sha256');
  throw new RegistryError({
    kind: 'DIGEST_MISMATCH',
    message: `${describeRequest(response.method, response.url)}: content hashes to ${actual}, not to ${expectedFrom} ${expected}`,
    method: response.method,
    url: response.url,
  });
}

/** The Docker-Content-Digest header, when sent; PROTOCOL when it is not a valid digest. */
export function contentDigestHeader(response: TransportResponse): string | undefined {
  const digest = headerValue(response.headers, 'docker-content-digest');
  if (digest !== undefined && !isValidDigest(digest)) {
    throw protocolError(response, `malformed Docker-Content-Digest header ${JSON.stringify(digest)}`);
  }
  return digest;
}
