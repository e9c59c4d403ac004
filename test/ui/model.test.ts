/** The registry browser's words for what the API returns: kinds of manifests, sizes, dates, digests, error codes. */
import { describe, expect, it } from 'vitest';
import { explain } from '../../ui/src/model/errors.js';
import { formatBytes, formatDate, shortDigest } from '../../ui/src/model/format.js';
import { manifestKind, platformName } from '../../ui/src/model/kinds.js';

describe('manifestKind', () => {
  it.each([
    [{ __typename: 'ImageIndex', mediaType: 'application/vnd.oci.image.index.v1+json', artifactType: null }, 'index'],
    [{ __typename: 'ImageManifest', mediaType: 'application/vnd.docker.distribution.manifest.v2+json', artifactType: null }, 'image'],
    [
      {
        __typename: 'ImageManifest',
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
      },
      'signature',
    ],
    [
      { __typename: 'ImageManifest', mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/spdx+json' },
      'sbom',
    ],
    [
      {
        __typename: 'ImageManifest',
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/vnd.in-toto+json',
      },
      'attestation',
    ],
    [
      {
        __typename: 'ImageManifest',
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/vnd.cncf.helm.config.v1+json',
      },
      'chart',
    ],
    [
      { __typename: 'ImageManifest', mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/x-custom' },
      'artifact',
    ],
  ])('%j is %s', (facts, kind) => expect(manifestKind(facts)).toBe(kind));

  it('names platforms as docker does', () => {
    expect(platformName({ os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe('linux/arm64/v8');
    expect(platformName({ os: 'linux', architecture: 'amd64', variant: null })).toBe('linux/amd64');
  });
});

describe('format', () => {
  it.each([
    [null, '—'],
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [39_491, '39 KiB'],
    [5 * 1024 ** 3, '5.0 GiB'],
  ])('formatBytes(%s) = %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));

  it('dates in UTC to the minute, "—" for none (never "undefined ago"), the string itself when unreadable', () => {
    expect(formatDate('2026-11-29T19:14:14.461775486Z')).toBe('2026-11-29 19:14 UTC');
    expect(formatDate('2024-10-07T18:45:00+02:00')).toBe('2024-10-07 16:45 UTC');
    expect(formatDate(null)).toBe('—');
    expect(formatDate('yesterday')).toBe('yesterday');
  });

  it('shortDigest: the first 12 hex characters', () => {
    expect(shortDigest(`sha256:${'0123456789abcdef'.repeat(4)}`)).toBe('0123456789ab');
  });
});

describe('explain', () => {
  it('says what went wrong for the codes a UI meets, and something for the others', () => {
    expect(explain('UPSTREAM_UNAVAILABLE')).toMatch(/registry did not answer/);
    expect(explain('FORBIDDEN')).toMatch(/lacks the scope/);
    expect(explain('UNAUTHENTICATED')).toMatch(/access token/);
    expect(explain('SOMETHING_NEW')).toBe('Something went wrong.');
  });
});
