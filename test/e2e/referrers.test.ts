/**
 * Referrers on distribution 2.8, which has no referrers API (its 404 sends the gateway to the
 * tag schema): a signature pushed with a `subject` and listed by the `sha256-<hex>` index tag,
 * and a cosign-style `sha256-<hex>.sig` tag, both found through Manifest.referrers. The
 * documents are pushed through the gateway's own putManifest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSampleManifest } from '../../fixtures/content/oracles.js';
import { sampleContent } from '../../fixtures/content/sampleContent.js';
import type { LocalRegistry } from '../../fixtures/registry/localRegistry.js';
import { computeDigest } from '../../src/registry/digest.js';
import { MediaType } from '../../src/registry/mediaTypes.js';
import type { RegistryClient } from '../../src/registry/client.js';
import { testClient } from '../support/client.js';
import { countByKind, createTestGateway, type TestGateway } from '../support/gateway.js';
import { startSeededRegistry } from '../support/registry.js';
import { ACCESS, TOKENS, bearer } from '../support/writes.js';

const SIGNATURE_TYPE = 'application/vnd.example.signature.v1+json';
const SBOM_TYPE = 'application/spdx+json';
const app = sampleContent().find(({ name }) => name === 'team/app')!;
const release = findSampleManifest(app, '2.0.0')!;
/** The cosign signature the sample content tags sha256-<hex>.sig. */
const cosignSignature = findSampleManifest(app, `${release.digest.replace(':', '-')}.sig`)!;

let registry: LocalRegistry;
let direct: RegistryClient;
let gateway: TestGateway;

async function putManifest(reference: string, document: object): Promise<string> {
  const text = JSON.stringify(document);
  const response = await gateway.post(
    {
      query: `mutation ($input: PutManifestInput!) { putManifest(input: $input) { manifest { digest } tag { name } } }`,
      variables: { input: { repository: 'team/app', reference, document: text } },
    },
    bearer(TOKENS.admin),
  );
  const result = await response.json();
  expect(result.errors).toBeUndefined();
  return result.data.putManifest.manifest.digest;
}

/** An OCI artifact about the release: an empty config and one layer of `content`. */
async function artifact(artifactType: string, content: string): Promise<{ digest: string; size: number; artifactType: string }> {
  const empty = Buffer.from('{}');
  const layer = Buffer.from(content);
  await direct.blobUpload('team/app', empty);
  await direct.blobUpload('team/app', layer);
  const document = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType,
    config: { mediaType: MediaType.ociEmpty, digest: computeDigest(empty), size: empty.length },
    layers: [{ mediaType: artifactType, digest: computeDigest(layer), size: layer.length }],
    subject: { mediaType: release.mediaType, digest: release.digest, size: release.bytes.length },
  };
  const digest = await putManifest(computeDigest(Buffer.from(JSON.stringify(document))), document);
  return { digest, size: Buffer.byteLength(JSON.stringify(document)), artifactType };
}

let signature: { digest: string; size: number; artifactType: string };
let sbom: { digest: string; size: number; artifactType: string };

beforeAll(async () => {
  registry = await startSeededRegistry();
  direct = testClient(registry.url);
  gateway = createTestGateway({ registryUrl: registry.url, config: { access: ACCESS } });
  signature = await artifact(SIGNATURE_TYPE, 'signed');
  sbom = await artifact(SBOM_TYPE, '{"spdxVersion":"SPDX-2.3"}');
  // What oras and cosign do where the registry has no referrers API: an index of the referrers under sha256-<hex>.
  await putManifest(release.digest.replace(':', '-'), {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: [signature, sbom].map(({ digest, size, artifactType }) => ({
      mediaType: MediaType.ociManifest,
      digest,
      size,
      artifactType,
    })),
  });
});

afterAll(async () => {
  await gateway?.close();
  await direct?.close();
  await registry?.stop();
});

const referrersQuery = (artifactType?: string) =>
  `{ manifest(reference: "team/app@${release.digest}") { referrers${artifactType ? `(artifactType: "${artifactType}")` : ''} { __typename digest artifactType } } }`;

describe('Manifest.referrers on a registry without the referrers API', () => {
  it('finds the referrers listed by the sha256-<hex> index tag and the cosign .sig tag', async () => {
    gateway.takeUpstream();
    const result = await gateway.query(referrersQuery());
    expect(result.errors).toBeUndefined();
    expect(result.data.manifest.referrers).toEqual([
      { __typename: 'ImageManifest', digest: signature.digest, artifactType: SIGNATURE_TYPE },
      { __typename: 'ImageManifest', digest: sbom.digest, artifactType: SBOM_TYPE },
      { __typename: 'ImageManifest', digest: cosignSignature.digest, artifactType: expect.stringContaining('cosign') },
    ]);
    // The referrers API answered 404 once; then the tag list and the fallback tags.
    expect(
      gateway
        .takeUpstream()
        .filter(({ kind }) => kind === 'referrers')
        .map(({ status }) => status),
    ).toEqual([404]);
  });

  it('filters by artifactType, and does not ask the referrers API again', async () => {
    gateway.takeUpstream();
    const result = await gateway.query(referrersQuery(SBOM_TYPE));
    expect(result.data.manifest.referrers).toEqual([{ __typename: 'ImageManifest', digest: sbom.digest, artifactType: SBOM_TYPE }]);
    expect(countByKind(gateway.takeUpstream())['GET referrers']).toBeUndefined();
  });

  it('a manifest nothing refers to has none', async () => {
    const result = await gateway.query(`{ manifest(reference: "team/app:dev") { referrers { digest } } }`);
    expect(result.data.manifest.referrers).toEqual([]);
  });

  it('Repository.tags(hideReferrerTags: true) leaves out the tags that only carry referrers', async () => {
    const query = (hide: boolean) =>
      `{ repository(name: "team/app") { tags(hideReferrerTags: ${hide}) { totalCount edges { node { name } } } } }`;
    const all = (await gateway.query(query(false))).data.repository.tags;
    const hidden = (await gateway.query(query(true))).data.repository.tags;
    const names = (connection: { edges: Array<{ node: { name: string } }> }) => connection.edges.map(({ node }) => node.name);
    expect(names(all)).toEqual(expect.arrayContaining([release.digest.replace(':', '-'), `${release.digest.replace(':', '-')}.sig`]));
    expect(names(hidden)).toEqual(names(all).filter((name) => !name.startsWith('sha256-')));
    expect(hidden.totalCount).toBe(all.totalCount - 2);
  });
});
