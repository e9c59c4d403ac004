/**
 * The referrers API (OCI distribution 1.1), which distribution 2.8 lacks, on a registry of the
 * tests' own that implements it as Harbor and zot do: an index of the referrers' descriptors,
 * the artifactType filter with OCI-Filters-Applied (or without: the gateway filters), Link pages.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { digestOf, fakeImage, startFakeRegistry, type FakeManifest, type FakeRegistry } from '../support/fakeRegistry.js';
import { createTestGateway, type TestGateway } from '../support/gateway.js';

const SIGNATURE = 'application/vnd.example.signature.v1+json';
const SBOM = 'application/spdx+json';
const subject = fakeImage('2026-01-01T00:00:00Z');

function referrer(artifactType: string, seed: string): { digest: string; manifest: FakeManifest; artifactType: string } {
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: digestOf(Buffer.from('{}')), size: 2 },
      layers: [{ mediaType: artifactType, digest: digestOf(Buffer.from(seed)), size: seed.length }],
      subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: subject.digest, size: subject.manifest.bytes.length },
    }),
  );
  return { digest: digestOf(bytes), manifest: { mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes }, artifactType };
}

const referrers = [referrer(SIGNATURE, 'sig-1'), referrer(SBOM, 'sbom-1'), referrer(SIGNATURE, 'sig-2')];
const descriptor = ({ digest, manifest, artifactType }: (typeof referrers)[number]) => ({
  mediaType: manifest.mediaType,
  digest,
  size: manifest.bytes.length,
  artifactType,
});

let registry: FakeRegistry;
let gateway: TestGateway;
/** How the fake registry answers: filters itself (with the header) or not; pages of this many. */
let behaviour: { filters: boolean; pageSize: number };

beforeAll(async () => {
  registry = await startFakeRegistry(
    new Map([
      [
        'app',
        {
          tags: new Map([['v1', subject.digest]]),
          manifests: new Map([[subject.digest, subject.manifest], ...referrers.map(({ digest, manifest }) => [digest, manifest] as const)]),
          blobs: new Map([[subject.config.digest, subject.config.bytes]]),
        },
      ],
    ]),
  );
  registry.intercept = (request, response) => {
    const url = new URL(request.url!, 'http://fake.invalid');
    if (url.pathname !== `/v2/app/referrers/${subject.digest}`) return false;
    const wanted = url.searchParams.get('artifactType');
    const listed = behaviour.filters && wanted ? referrers.filter(({ artifactType }) => artifactType === wanted) : referrers;
    const page = Number(url.searchParams.get('page') ?? '0');
    const slice = listed.slice(page * behaviour.pageSize, (page + 1) * behaviour.pageSize);
    const next = (page + 1) * behaviour.pageSize < listed.length;
    const nextQuery = new URLSearchParams(url.searchParams);
    nextQuery.set('page', String(page + 1));
    response.writeHead(200, {
      'content-type': 'application/vnd.oci.image.index.v1+json',
      ...(behaviour.filters && wanted ? { 'oci-filters-applied': 'artifactType' } : {}),
      ...(next ? { link: `<${url.pathname}?${nextQuery}>; rel="next"` } : {}),
    });
    response.end(
      JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: slice.map(descriptor) }),
    );
    return true;
  };
});
beforeEach(() => {
  gateway = createTestGateway({ registryUrl: registry.url });
  registry.requests.length = 0;
});
afterAll(async () => {
  await gateway?.close();
  await registry.stop();
});

const query = (artifactType?: string) =>
  gateway.query(
    `{ manifest(reference: "app:v1") { referrers${artifactType ? `(artifactType: "${artifactType}")` : ''} { digest artifactType } } }`,
  );
const referrerRequests = () =>
  registry.requests.filter(({ path }) => path.includes('/referrers/')).map(({ path }) => path.slice(path.indexOf('/referrers/')));

describe('Manifest.referrers through the referrers API', () => {
  it('lists every referrer over the Link pages, in the registry order', async () => {
    behaviour = { filters: true, pageSize: 2 };
    const result = await query();
    expect(result.errors).toBeUndefined();
    expect(result.data.manifest.referrers).toEqual(referrers.map(({ digest, artifactType }) => ({ digest, artifactType })));
    expect(referrerRequests()).toEqual([`/referrers/${subject.digest}`, `/referrers/${subject.digest}?page=1`]);
    // Nothing read from the tag schema: no tag list.
    expect(registry.requests.some(({ path }) => path.endsWith('/tags/list'))).toBe(false);
  });

  it('passes artifactType to a registry that filters (OCI-Filters-Applied), and takes its answer', async () => {
    behaviour = { filters: true, pageSize: 10 };
    const result = await query(SIGNATURE);
    expect(result.data.manifest.referrers.map(({ digest }: { digest: string }) => digest)).toEqual([
      referrers[0]!.digest,
      referrers[2]!.digest,
    ]);
    expect(referrerRequests()).toEqual([`/referrers/${subject.digest}?artifactType=${encodeURIComponent(SIGNATURE)}`]);
  });

  it('filters itself when the registry answers without OCI-Filters-Applied', async () => {
    behaviour = { filters: false, pageSize: 10 };
    const result = await query(SBOM);
    expect(result.data.manifest.referrers).toEqual([{ digest: referrers[1]!.digest, artifactType: SBOM }]);
  });
});
