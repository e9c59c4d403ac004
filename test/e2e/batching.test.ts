import { afterAll, describe, expect, inject, it } from 'vitest';
import { findSampleManifest } from '../../fixtures/content/oracles.js';
import { sampleContent } from '../../fixtures/content/sampleContent.js';
import { isImageConfigMediaType } from '../../src/registry/mediaTypes.js';
import type { ImageIndexDocument, ImageManifestDocument } from '../../src/registry/types.js';
import { countByKind, createTestGateway } from '../support/gateway.js';

const registryUrl = inject('registryUrl');
const app = sampleContent().find(({ name }) => name === 'team/app')!;
const release = findSampleManifest(app, '2.0.0')!;
const children = (release.document as ImageIndexDocument).manifests;

describe('batching and de-duplication within one query', () => {
  const gateway = createTestGateway({ registryUrl });
  afterAll(() => gateway.close());

  it('asks the registry once for a tag, its manifest and its configs however often the query names them', async () => {
    const result = await gateway.query<any>(`{
      a: repository(name: "team/app") { tagCount tag(name: "2.0.0") { digest manifest { digest } } }
      b: repository(name: "team/app") { tag(name: "2.0.0") { digest } manifest(reference: "2.0.0") { digest totalSize } }
      c: manifest(reference: "team/app:2.0.0") { digest ... on ImageIndex { manifests { manifest { digest ... on ImageManifest { image { created } platform { os } } } } } }
      d: manifest(reference: "team/app@${release.digest}") { digest tags }
      e: manifest(reference: "team/app:latest") { digest }
    }`);
    expect(result.errors).toBeUndefined();
    for (const alias of ['c', 'd', 'e']) expect(result.data[alias].digest).toBe(release.digest);
    expect(result.data.d.tags).toEqual(['2.0.0', 'latest']);

    const calls = gateway.takeUpstream();
    const tagCount = app.manifests.reduce((sum, manifest) => sum + manifest.tags.length, 0);
    // The tag list once; every tag of the repository once (Manifest.tags resolves them all);
    // the children not reachable by a tag once each; each child's config once.
    expect(countByKind(calls)).toEqual({
      'GET tags': 1,
      'GET manifest': expect.any(Number),
      // Attestation manifests have an image-config media type too, so their config is read as well.
      'GET blob': children.filter((child) => {
        const document = findSampleManifest(app, child.digest)!.document as ImageManifestDocument;
        return isImageConfigMediaType(document.config.mediaType);
      }).length,
    });
    const manifestPaths = calls.filter((call) => call.kind === 'manifest').map((call) => call.path);
    expect(new Set(manifestPaths).size).toBe(manifestPaths.length);
    for (const child of children) expect(manifestPaths.filter((path) => path.endsWith(child.digest))).toHaveLength(1);
    expect(manifestPaths.filter((path) => !path.includes('sha256:'))).toHaveLength(tagCount);
  });

  it('fetches nothing by digest again in a later query: content addressed by digest is cached', async () => {
    const query = `{ manifest(reference: "team/app@${release.digest}") { digest ... on ImageIndex { manifests { manifest { ... on ImageManifest { image { created } } } } } } }`;
    await gateway.query(query);
    gateway.takeUpstream();
    const again = await gateway.query<any>(query);
    expect(again.data.manifest.digest).toBe(release.digest);
    expect(gateway.takeUpstream()).toEqual([]);
  });

  it('confirms a tag seen before with one HEAD, and serves its content from the cache', async () => {
    const query = '{ manifest(reference: "library/alpine:3.20") { digest ... on ImageManifest { image { created } } } }';
    const first = await gateway.query<any>(query);
    gateway.takeUpstream();
    const again = await gateway.query<any>(query);
    expect(again.data).toEqual(first.data);
    expect(countByKind(gateway.takeUpstream())).toEqual({ 'HEAD manifest': 1 });
  });
});
