/**
 * The registry client against a real registry: CNCF Distribution 2.8 (Debian's docker-registry),
 * started on a free loopback port with filesystem storage in a temp dir.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalRegistry, startLocalRegistry } from '../../fixtures/registry/localRegistry.js';
import type { RegistryClient } from '../../src/registry/client.js';
import { computeDigest } from '../../src/registry/digest.js';
import type { RegistryError } from '../../src/registry/errors.js';
import { MediaType } from '../../src/registry/mediaTypes.js';
import { InvalidReferenceError } from '../../src/registry/reference.js';
import type { UpstreamRequestEvent } from '../../src/registry/types.js';
import { testClient } from '../support/client.js';

const REPOSITORY = 'demo/app';
/** Pushed in this order; the catalog lists them sorted. */
const REPOSITORIES = ['zeta/last', REPOSITORY, 'alpha', 'mid-dle/x_y'];
const UNKNOWN_DIGEST = `sha256:${'0'.repeat(64)}`;

const config = json({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
const layer = Buffer.from('not really a tarball, the registry does not look');

const ociManifest = json({
  schemaVersion: 2,
  mediaType: MediaType.ociManifest,
  config: descriptor(MediaType.ociConfig, config),
  layers: [descriptor(MediaType.ociLayerTarGzip, layer)],
  annotations: { 'org.opencontainers.image.title': 'oci' },
});
const dockerManifest = json({
  schemaVersion: 2,
  mediaType: MediaType.dockerManifest,
  config: descriptor(MediaType.dockerConfig, config),
  layers: [descriptor(MediaType.dockerLayerTarGzip, layer)],
});
const ociIndex = json({
  schemaVersion: 2,
  mediaType: MediaType.ociIndex,
  manifests: [
    { ...descriptor(MediaType.ociManifest, ociManifest), platform: { os: 'linux', architecture: 'amd64' } },
    { ...descriptor(MediaType.dockerManifest, dockerManifest), platform: { os: 'linux', architecture: 'arm64' } },
  ],
});

let registry: LocalRegistry;
let client: RegistryClient;
let events: UpstreamRequestEvent[];

beforeAll(async () => {
  registry = await startLocalRegistry();
  client = testClient(registry.url, { name: 'local', onRequest: (event) => events.push(event) });
  events = [];
  for (const repository of REPOSITORIES) {
    await client.blobUpload(repository, config);
    await client.blobUpload(repository, layer);
    await client.manifestPut(repository, 'oci', ociManifest, MediaType.ociManifest);
  }
  await client.manifestPut(REPOSITORY, 'docker', dockerManifest, MediaType.dockerManifest);
  await client.manifestPut(REPOSITORY, 'multi', ociIndex, MediaType.ociIndex);
}, 30_000);

afterAll(async () => {
  await client?.close();
  await registry?.stop();
});

beforeEach(() => {
  events = [];
});

describe('push', () => {
  it('blobUpload returns the sha256 digest, and uploading again is harmless', async () => {
    expect(await client.blobUpload(REPOSITORY, config)).toBe(computeDigest(config));
    expect(events.map(({ kind, method, status }) => `${kind} ${method} ${status}`)).toEqual(['upload POST 202', 'upload PUT 201']);
  });

  it('manifestPut returns the Docker-Content-Digest of the pushed bytes, by tag or by digest', async () => {
    expect(await client.manifestPut(REPOSITORY, 'docker', dockerManifest, MediaType.dockerManifest)).toBe(computeDigest(dockerManifest));
    expect(await client.manifestPut(REPOSITORY, computeDigest(ociManifest), ociManifest, MediaType.ociManifest)).toBe(
      computeDigest(ociManifest),
    );
  });

  it('a manifest whose blobs are missing is INVALID (MANIFEST_BLOB_UNKNOWN)', async () => {
    const error = await client.manifestPut('empty/repo', 'oci', ociManifest, MediaType.ociManifest).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'INVALID', status: 400 });
    expect((error as RegistryError).registryErrors.map((entry) => entry.code)).toEqual(['MANIFEST_BLOB_UNKNOWN', 'MANIFEST_BLOB_UNKNOWN']);
  });
});

describe('ping', () => {
  it('answers 200 with the API version', async () => {
    const result = await client.ping();
    expect(result).toMatchObject({ status: 200, apiVersion: 'registry/2.0' });
    expect(events).toMatchObject([{ registry: 'local', kind: 'ping', method: 'GET', path: '/v2/', status: 200 }]);
  });
});

describe('catalogPage', () => {
  it('walks pages of one by nextLast, listing every repository once, in order', async () => {
    const seen: string[] = [];
    let last: string | undefined;
    do {
      const page = await client.catalogPage({ n: 1, last });
      seen.push(...page.repositories);
      last = page.nextLast;
    } while (last !== undefined);
    expect(seen).toEqual([...REPOSITORIES].sort());
    // Distribution 2.8 sends no Link with the page that holds the last name: no empty page.
    expect(events).toHaveLength(REPOSITORIES.length);
    expect(events[1]?.path).toBe('/v2/_catalog?n=1&last=alpha');
  });

  it('treats a last that names no repository as a position in the sorted list', async () => {
    expect((await client.catalogPage({ n: 1000, last: 'b' })).repositories).toEqual(['demo/app', 'mid-dle/x_y', 'zeta/last']);
    expect(await client.catalogPage({ n: 1000, last: 'zzz' })).toEqual({ repositories: [], nextLast: undefined });
  });
});

describe('tagsList', () => {
  it('lists every tag (distribution 2.8 ignores n and sends no Link: one request)', async () => {
    expect((await client.tagsList(REPOSITORY)).sort()).toEqual(['docker', 'multi', 'oci']);
    expect(events).toHaveLength(1);
  });

  it('is NOT_FOUND (NAME_UNKNOWN) for an unknown repository', async () => {
    await expect(client.tagsList('no/such/repo')).rejects.toMatchObject({
      kind: 'NOT_FOUND',
      status: 404,
      registryErrors: [{ code: 'NAME_UNKNOWN' }],
      message: 'GET /v2/no/such/repo/tags/list: 404 NAME_UNKNOWN repository name not known to registry',
    });
  });
});

describe('manifestGet and manifestHead', () => {
  it.each([
    ['oci', 'image', MediaType.ociManifest, ociManifest],
    ['docker', 'image', MediaType.dockerManifest, dockerManifest],
    ['multi', 'index', MediaType.ociIndex, ociIndex],
  ] as const)('%s: by tag, by digest and HEAD agree on the pushed digest', async (tag, kind, mediaType, bytes) => {
    const digest = computeDigest(bytes);
    const byTag = await client.manifestGet(REPOSITORY, tag);
    expect(byTag).toMatchObject({ kind, mediaType, digest, size: bytes.length });
    expect(byTag.bytes).toEqual(bytes);
    expect(byTag.document).toEqual(JSON.parse(bytes.toString()));

    const byDigest = await client.manifestGet(REPOSITORY, digest);
    expect(byDigest).toMatchObject({ kind, mediaType, digest });

    expect(await client.manifestHead(REPOSITORY, tag)).toEqual({ digest, mediaType, size: bytes.length });
    expect(await client.manifestHead(REPOSITORY, digest)).toEqual({ digest, mediaType, size: bytes.length });
    expect(events.map((event) => `${event.kind} ${event.method} ${event.status}`)).toEqual([
      'manifest GET 200',
      'manifest GET 200',
      'manifest HEAD 200',
      'manifest HEAD 200',
    ]);
  });

  it('answers with the manifest the caller holds for the digest the bytes hash to, asking about that digest only', async () => {
    const first = await client.manifestGet(REPOSITORY, 'oci');
    const asked: string[] = [];
    const again = await client.manifestGet(
      REPOSITORY,
      'oci',
      (digest) => (asked.push(digest), digest === first.digest ? first : undefined),
    );
    expect(again).toBe(first);
    expect(asked).toEqual([first.digest]);
    // Another manifest's bytes are not taken for the held one.
    const docker = await client.manifestGet(REPOSITORY, 'docker', (digest) => (digest === first.digest ? first : undefined));
    expect(docker).toMatchObject({ digest: computeDigest(dockerManifest), mediaType: MediaType.dockerManifest });
  });

  it('is NOT_FOUND for an unknown tag, digest or repository', async () => {
    await expect(client.manifestGet(REPOSITORY, 'nope')).rejects.toMatchObject({
      kind: 'NOT_FOUND',
      registryErrors: [{ code: 'MANIFEST_UNKNOWN' }],
    });
    await expect(client.manifestGet(REPOSITORY, UNKNOWN_DIGEST)).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    await expect(client.manifestGet('no/such/repo', 'oci')).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    await expect(client.manifestHead(REPOSITORY, 'nope')).rejects.toMatchObject({
      kind: 'NOT_FOUND',
      message: 'HEAD /v2/demo/app/manifests/nope: 404 Not Found',
    });
  });
});

describe('blobs', () => {
  it('blobGet returns the verified bytes; blobHead the size', async () => {
    expect(await client.blobGet(REPOSITORY, computeDigest(config))).toEqual(config);
    expect(await client.blobHead(REPOSITORY, computeDigest(layer))).toEqual({ digest: computeDigest(layer), size: layer.length });
  });

  it('is NOT_FOUND for an unknown blob', async () => {
    await expect(client.blobGet(REPOSITORY, UNKNOWN_DIGEST)).rejects.toMatchObject({
      kind: 'NOT_FOUND',
      registryErrors: [{ code: 'BLOB_UNKNOWN' }],
    });
    await expect(client.blobHead(REPOSITORY, UNKNOWN_DIGEST)).rejects.toMatchObject({ kind: 'NOT_FOUND', status: 404 });
  });

  it('is TOO_LARGE beyond maxBlobBytes', async () => {
    const small = testClient(registry.url, { concurrency: 1, maxManifestBytes: 10, maxBlobBytes: 10 });
    try {
      await expect(small.blobGet(REPOSITORY, computeDigest(config))).rejects.toMatchObject({ kind: 'TOO_LARGE' });
      await expect(small.manifestGet(REPOSITORY, 'oci')).rejects.toMatchObject({ kind: 'TOO_LARGE' });
      // The refused bodies were dropped with their connections; the pool still works.
      expect((await small.ping()).status).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe('invalid references', () => {
  it.each<[string, () => Promise<unknown>]>([
    ['repository with uppercase', () => client.tagsList('Demo/App')],
    ['repository with a host', () => client.manifestGet('localhost:5000/app', 'oci')],
    ['tag', () => client.manifestGet(REPOSITORY, '-oci')],
    ['digest', () => client.blobGet(REPOSITORY, 'sha256:abc')],
    ['algorithm', () => client.manifestHead(REPOSITORY, `md5:${'0'.repeat(32)}`)],
  ])('a bad %s is rejected without any request', async (_what, call) => {
    await expect(call()).rejects.toBeInstanceOf(InvalidReferenceError);
    expect(events).toEqual([]);
  });
});

describe('a read-only registry', () => {
  it('refuses pushes as UNSUPPORTED', async () => {
    const readOnly = await startLocalRegistry({ readOnly: true });
    const readOnlyClient = testClient(readOnly.url, { concurrency: 1 });
    try {
      const error = await readOnlyClient.blobUpload(REPOSITORY, config).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ kind: 'UNSUPPORTED', status: 405 });
    } finally {
      await readOnlyClient.close();
      await readOnly.stop();
    }
  });
});

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function descriptor(mediaType: string, bytes: Buffer) {
  return { mediaType, digest: computeDigest(bytes), size: bytes.length };
}
