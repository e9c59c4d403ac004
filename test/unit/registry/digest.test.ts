import { describe, expect, it } from 'vitest';
import { computeDigest, contentDigestHeader, matchesDigest, verifyDigest } from '../../../src/registry/digest.js';
import type { TransportResponse } from '../../../src/registry/transport.js';

const HELLO = Buffer.from('hello');
const HELLO_SHA256 = 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';
const HELLO_SHA512 =
  'sha512:9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043';
const ORIGIN_REQUEST = { method: 'GET', url: 'http://registry.test/v2/a/blobs/x' } as const;

describe('computeDigest', () => {
  it.each([
    ['sha256', HELLO_SHA256],
    ['sha512', HELLO_SHA512],
  ] as const)('%s', (algorithm, digest) => {
    expect(computeDigest(HELLO, algorithm)).toBe(digest);
  });

  it('defaults to sha256', () => {
    expect(computeDigest(HELLO)).toBe(HELLO_SHA256);
  });
});

describe('matchesDigest', () => {
  it.each([
    [HELLO_SHA256, true],
    [HELLO_SHA512, true],
    [computeDigest(Buffer.from('other')), false],
    [HELLO_SHA256.toUpperCase(), false],
    [`md5:5d41402abc4b2a76b9719d911017c592`, false],
    ['garbage', false],
  ])('%s → %s', (digest, matches) => {
    expect(matchesDigest(HELLO, digest)).toBe(matches);
  });
});

describe('verifyDigest', () => {
  it('passes bytes that hash to the digest', () => {
    expect(() => verifyDigest(HELLO, HELLO_SHA512, ORIGIN_REQUEST, 'the requested digest')).not.toThrow();
  });

  it('throws DIGEST_MISMATCH naming both digests', () => {
    const other = computeDigest(Buffer.from('other'));
    expect(() => verifyDigest(HELLO, other, ORIGIN_REQUEST, 'Docker-Content-Digest')).toThrow(
      expect.objectContaining({
        kind: 'DIGEST_MISMATCH',
        message: `GET /v2/a/blobs/x: content hashes to ${HELLO_SHA256}, not to Docker-Content-Digest ${other}`,
      }),
    );
  });
});

describe('contentDigestHeader', () => {
  const response = (digest?: string): TransportResponse => ({
    ...ORIGIN_REQUEST,
    method: 'GET',
    status: 200,
    headers: digest === undefined ? {} : { 'docker-content-digest': digest },
    body: Buffer.alloc(0),
  });

  it('returns the header, or undefined without one', () => {
    expect(contentDigestHeader(response(HELLO_SHA256))).toBe(HELLO_SHA256);
    expect(contentDigestHeader(response())).toBeUndefined();
  });

  it('refuses a malformed header as PROTOCOL', () => {
    expect(() => contentDigestHeader(response('sha256:nothex'))).toThrow(expect.objectContaining({ kind: 'PROTOCOL' }));
  });
});
