/**
 * putManifest and deleteBlob on a real registry: a manifest pushed through the gateway is what
 * skopeo then inspects; what the gateway refuses before any upstream call, and what the
 * registry refuses with its own codes; a blob in use is refused (CONFLICT) unless forced.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSampleManifest } from '../../fixtures/content/oracles.js';
import { sampleContent } from '../../fixtures/content/sampleContent.js';
import type { LocalRegistry } from '../../fixtures/registry/localRegistry.js';
import { computeDigest } from '../../src/registry/digest.js';
import { MediaType } from '../../src/registry/mediaTypes.js';
import type { RegistryClient } from '../../src/registry/client.js';
import type { ImageManifestDocument } from '../../src/registry/types.js';
import { testClient } from '../support/client.js';
import { createTestGateway, type TestGateway } from '../support/gateway.js';
import { startSeededRegistry } from '../support/registry.js';
import { ACCESS, TOKENS, bearer } from '../support/writes.js';

const run = promisify(execFile);
const api = sampleContent().find(({ name }) => name === 'team/api')!;
const v1 = findSampleManifest(api, 'v1')!;
const v1Document = v1.document as ImageManifestDocument;

let registry: LocalRegistry;
let direct: RegistryClient;
let gateway: TestGateway;

beforeAll(async () => {
  registry = await startSeededRegistry();
  direct = testClient(registry.url);
  gateway = createTestGateway({ registryUrl: registry.url, config: { access: ACCESS, limits: { maxManifestBytes: 64 * 1024 } } });
});
afterAll(async () => {
  await gateway?.close();
  await direct?.close();
  await registry?.stop();
});

const PUT =
  'mutation ($input: PutManifestInput!) { putManifest(input: $input) { manifest { __typename digest mediaType } tag { name digest } } }';
const DELETE_BLOB = 'mutation ($input: DeleteBlobInput!) { deleteBlob(input: $input) { digest dryRun referencedBy repository { name } } }';
const asAdmin = async (query: string, input: Record<string, unknown>) =>
  (await gateway.post({ query, variables: { input } }, bearer(TOKENS.admin))).json();

/** skopeo inspect of an image in the test registry (plain HTTP), as JSON. */
async function skopeoInspect(reference: string, raw = false): Promise<any> {
  const host = new URL(registry.url).host;
  const { stdout } = await run('skopeo', ['inspect', ...(raw ? ['--raw'] : []), '--tls-verify=false', `docker://${host}/${reference}`]);
  return JSON.parse(stdout);
}

describe('putManifest', () => {
  it('pushes a document as written under a tag; skopeo then inspects that very digest', async () => {
    // The same image, its document written out again with other spacing: another digest.
    const text = JSON.stringify(v1Document, null, 2);
    const result = await asAdmin(PUT, { repository: 'team/api', reference: 'pushed', document: text });
    expect(result.errors).toBeUndefined();
    const digest = computeDigest(Buffer.from(text));
    expect(result.data.putManifest).toEqual({
      manifest: { __typename: 'ImageManifest', digest, mediaType: v1.mediaType },
      tag: { name: 'pushed', digest },
    });
    const inspected = await skopeoInspect('team/api:pushed');
    expect(inspected.Digest).toBe(digest);
    expect(await skopeoInspect('team/api:pushed', true)).toEqual(v1Document);
  });

  it('pushes by its own digest, without a tag', async () => {
    const text = JSON.stringify({ ...v1Document, annotations: { 'org.example.note': 'by digest' } });
    const digest = computeDigest(Buffer.from(text));
    const result = await asAdmin(PUT, { repository: 'team/api', reference: digest, document: text });
    expect(result.data.putManifest).toEqual({ manifest: { __typename: 'ImageManifest', digest, mediaType: v1.mediaType }, tag: null });
    expect((await skopeoInspect(`team/api@${digest}`)).Digest).toBe(digest);
  });

  it.each([
    ['not JSON', { reference: 'x', document: '{ not json' }, /not JSON/],
    [
      // limits.maxManifestBytes is 64 KiB here; the request body may have 1 MiB (server.maxRequestBytes).
      'larger than the manifest limit',
      { reference: 'x', document: JSON.stringify({ ...v1Document, pad: 'x'.repeat(100 * 1024) }) },
      /limits\.maxManifestBytes/,
    ],
    [
      'of a media type the gateway does not know',
      { reference: 'x', document: JSON.stringify({ ...v1Document, mediaType: 'application/x-nope' }) },
      /not a manifest type/,
    ],
    ['without a media type', { reference: 'x', document: JSON.stringify({ ...v1Document, mediaType: undefined }) }, /give mediaType/],
    [
      'by a digest it does not hash to',
      { reference: `sha256:${'0'.repeat(64)}`, document: JSON.stringify(v1Document) },
      /hashes to sha256:/,
    ],
  ])('refuses a document %s before any upstream call', async (_what, input, message) => {
    gateway.takeUpstream();
    const result = await asAdmin(PUT, { repository: 'team/api', ...input });
    expect(result.errors[0]).toMatchObject({ message: expect.stringMatching(message), extensions: { code: 'BAD_USER_INPUT' } });
    expect(gateway.takeUpstream()).toEqual([]);
  });

  it("passes on the registry's own refusal with its code: a manifest whose blobs the repository lacks", async () => {
    const missingLayer = { mediaType: MediaType.ociLayerTarGzip, digest: `sha256:${'1'.repeat(64)}`, size: 10 };
    const text = JSON.stringify({ ...v1Document, layers: [missingLayer] });
    const result = await asAdmin(PUT, { repository: 'team/api', reference: 'broken', document: text });
    expect(result.errors[0].extensions).toMatchObject({ code: 'UPSTREAM_INVALID', registryErrors: [{ code: 'MANIFEST_BLOB_UNKNOWN' }] });
  });
});

describe('deleteBlob', () => {
  const layer = v1Document.layers[0]!.digest;

  it('refuses a blob that tagged manifests use, with CONFLICT and the tags in referencedBy', async () => {
    const result = await asAdmin(DELETE_BLOB, { repository: 'team/api', digest: layer });
    expect(result.errors[0].extensions.code).toBe('CONFLICT');
    expect(result.errors[0].extensions.referencedBy).toEqual(expect.arrayContaining(['team/api:v1', 'team/api:pushed']));
    expect((await direct.blobHead('team/api', layer)).digest).toBe(layer);
  });

  it('a dry run with force reports what it would delete and deletes nothing', async () => {
    const result = await asAdmin(DELETE_BLOB, { repository: 'team/api', digest: layer, force: true, dryRun: true });
    expect(result.data.deleteBlob).toMatchObject({ digest: layer, dryRun: true, referencedBy: expect.arrayContaining(['team/api:v1']) });
    expect((await direct.blobHead('team/api', layer)).digest).toBe(layer);
  });

  it('with force, deletes it: the registry no longer serves it from the repository', async () => {
    const result = await asAdmin(DELETE_BLOB, { repository: 'team/api', digest: layer, force: true });
    expect(result.errors).toBeUndefined();
    expect(result.data.deleteBlob).toMatchObject({ digest: layer, dryRun: false, repository: { name: 'team/api' } });
    await expect(direct.blobHead('team/api', layer)).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });

  it('an unknown blob is NOT_FOUND; the scope is delete', async () => {
    const unknown = await asAdmin(DELETE_BLOB, { repository: 'team/api', digest: `sha256:${'2'.repeat(64)}` });
    expect(unknown.errors[0].extensions.code).toBe('NOT_FOUND');
    const writer = await (
      await gateway.post({ query: DELETE_BLOB, variables: { input: { repository: 'team/api', digest: layer } } }, bearer(TOKENS.writer))
    ).json();
    expect(writer.errors[0].extensions.code).toBe('FORBIDDEN');
  });
});
