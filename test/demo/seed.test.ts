import { request } from 'undici';
import { describe, expect, inject, it } from 'vitest';
import {
  COSIGN_SIGNATURE_ARTIFACT_TYPE,
  cosignSignatureTag,
  expectedTotalSize,
  findSampleManifest,
  sampleContent,
  sampleTags,
  type SampleRepository,
} from '../../src/demo/sampleContent.js';
import { computeDigest } from '../../src/registry/digest.js';
import { MANIFEST_ACCEPT, MediaType } from '../../src/registry/mediaTypes.js';
import type { ImageIndexDocument } from '../../src/registry/types.js';

const SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';

const registryUrl = inject('registryUrl');
const content = sampleContent();

function repositoryNamed(name: string): SampleRepository {
  const repository = content.find((candidate) => candidate.name === name);
  if (!repository) throw new Error(`no sample repository ${name}`);
  return repository;
}

/** The registry's answer, raw: the gateway's client is what these facts are checked against. */
async function fetchManifest(method: 'GET' | 'HEAD', repository: string, reference: string, accept?: string) {
  const response = await request(`${registryUrl}/v2/${repository}/manifests/${reference}`, {
    method,
    headers: accept === undefined ? {} : { accept },
  });
  const bytes = Buffer.from(await response.body.arrayBuffer());
  return {
    status: response.statusCode,
    digest: response.headers['docker-content-digest'],
    contentType: response.headers['content-type'],
    contentLength: Number(response.headers['content-length']),
    bytes,
  };
}

async function fetchJson(path: string): Promise<unknown> {
  const response = await request(`${registryUrl}${path}`);
  expect(response.statusCode).toBe(200);
  return response.body.json();
}

describe('sample content', () => {
  it('is the same on every build', () => {
    const digests = (repositories: SampleRepository[]) =>
      repositories.flatMap((repository) => [
        ...repository.blobs.map((blob) => computeDigest(blob)),
        ...repository.manifests.map((manifest) => manifest.digest),
      ]);
    expect(digests(sampleContent())).toEqual(digests(content));
  });

  it('counts a blob shared by several index entries once in the total size', () => {
    const app = repositoryNamed('team/app');
    const index = findSampleManifest(app, '2.0.0')!;
    const entries = (index.document as ImageIndexDocument).manifests;
    const perEntry = entries.reduce((total, entry) => total + expectedTotalSize(app, entry.digest), 0);
    expect(expectedTotalSize(app, index.digest)).toBeLessThan(index.bytes.length + perEntry);
  });
});

describe('seeded registry', () => {
  it('lists every sample repository in its catalog', async () => {
    const catalog = (await fetchJson('/v2/_catalog?n=1000')) as { repositories: string[] };
    expect(catalog.repositories).toEqual(expect.arrayContaining(content.map((repository) => repository.name)));
  });

  it.each(content.map((repository) => [repository.name, repository] as const))('lists the tags of %s', async (name, repository) => {
    const list = (await fetchJson(`/v2/${name}/tags/list`)) as { tags: string[] };
    const expected = repository.manifests.flatMap((manifest) => manifest.tags);
    // Registry 2.8 lists tags in storage order, not sorted.
    expect([...list.tags].sort()).toEqual([...expected].sort());
  });

  it.each(sampleTags(content).map(({ repository, tag, manifest }) => [`${repository.name}:${tag}`, repository.name, tag, manifest] as const))(
    'resolves %s to the pushed digest',
    async (_, repository, tag, manifest) => {
      const head = await fetchManifest('HEAD', repository, tag, MANIFEST_ACCEPT);
      expect(head.status).toBe(200);
      expect(head.digest).toBe(manifest.digest);
      expect(head.contentType).toBe(manifest.mediaType);
      expect(head.contentLength).toBe(manifest.bytes.length);
    },
  );

  it('stores every blob', async () => {
    for (const repository of content) {
      for (const blob of repository.blobs) {
        const response = await request(`${registryUrl}/v2/${repository.name}/blobs/${computeDigest(blob)}`, { method: 'HEAD' });
        await response.body.dump();
        expect(response.statusCode).toBe(200);
        expect(Number(response.headers['content-length'])).toBe(blob.length);
      }
    }
  });

  it('serves the children of every index by digest', async () => {
    for (const repository of content) {
      for (const manifest of repository.manifests.filter((candidate) => 'manifests' in candidate.document)) {
        for (const entry of (manifest.document as ImageIndexDocument).manifests) {
          const child = await fetchManifest('GET', repository.name, entry.digest, MANIFEST_ACCEPT);
          expect(child.status).toBe(200);
          expect(child.bytes.equals(findSampleManifest(repository, entry.digest)!.bytes)).toBe(true);
        }
      }
    }
  });

  it('serves the signature artifact, whose subject is the 2.0.0 index, by digest and by its cosign tag', async () => {
    const app = repositoryNamed('team/app');
    const subject = findSampleManifest(app, '2.0.0')!;
    const signature = findSampleManifest(app, cosignSignatureTag(subject.digest))!;

    const byDigest = await fetchManifest('GET', app.name, signature.digest, MANIFEST_ACCEPT);
    expect(byDigest.status).toBe(200);
    expect(byDigest.bytes.equals(signature.bytes)).toBe(true);
    const document = JSON.parse(byDigest.bytes.toString('utf8'));
    expect(document.artifactType).toBe(COSIGN_SIGNATURE_ARTIFACT_TYPE);
    expect(document.config).toEqual({ mediaType: MediaType.ociEmpty, digest: computeDigest(Buffer.from('{}')), size: 2 });
    expect(document.subject).toEqual({ mediaType: MediaType.ociIndex, digest: subject.digest, size: subject.bytes.length });
  });

  it('serves a Helm chart pushed without a mediaType field as an OCI manifest', async () => {
    const head = await fetchManifest('HEAD', 'charts/web', '0.2.0', MANIFEST_ACCEPT);
    expect(head.contentType).toBe(MediaType.ociManifest);
  });
});

describe('registry 2.8 without an Accept header', () => {
  it('converts a schema2 image to a signed schema1 document with another digest', async () => {
    const schema2 = findSampleManifest(repositoryNamed('team/api'), 'v2')!;
    const withAccept = await fetchManifest('HEAD', 'team/api', 'v2', MANIFEST_ACCEPT);
    const withoutAccept = await fetchManifest('HEAD', 'team/api', 'v2');
    expect(withAccept.digest).toBe(schema2.digest);
    expect(withoutAccept.status).toBe(200);
    expect(withoutAccept.contentType).toBe(SCHEMA1_SIGNED);
    expect(withoutAccept.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(withoutAccept.digest).not.toBe(schema2.digest);
  });

  it('answers 404 for an OCI manifest it cannot convert', async () => {
    const withoutAccept = await fetchManifest('HEAD', 'library/alpine', '3.20');
    expect(withoutAccept.status).toBe(404);
  });
});
