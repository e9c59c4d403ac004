/**
 * What deleteTag, deleteManifest and tagManifest do to a real registry (distribution 2.8, which
 * has no tag deletion: deleteTag goes through a placeholder manifest there). The file has a
 * registry of its own; each test works on repositories no other test of the file touches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeedClient } from '../../fixtures/seed.js';
import type { LocalRegistry } from '../../fixtures/registry/localRegistry.js';
import { findSampleManifest } from '../../fixtures/content/oracles.js';
import { sampleContent } from '../../fixtures/content/sampleContent.js';
import { copyManifestContent } from '../../src/model/writes/copyContent.js';
import type { RegistryClient } from '../../src/registry/client.js';
import type { ImageIndexDocument, ImageManifestDocument } from '../../src/registry/types.js';
import { DeleteManifestDocument, DeleteTagDocument, RepositoryTagsDocument, TagManifestDocument } from '../../src/client/index.js';
import { countByKind, createTestGateway, type TestGateway } from '../support/gateway.js';
import { startSeededRegistry } from '../support/registry.js';
import { ACCESS, TOKENS, bearer, executeAs, manifestExists, tagDigests } from '../support/writes.js';

const content = sampleContent();
const repositoryNamed = (name: string) => content.find((repository) => repository.name === name)!;
const digestOf = (repository: string, reference: string) => findSampleManifest(repositoryNamed(repository), reference)!.digest;

let registry: LocalRegistry;
let client: RegistryClient;
let gateway: TestGateway;

beforeAll(async () => {
  registry = await startSeededRegistry();
  client = createSeedClient(registry.url);
  gateway = createTestGateway({ registryUrl: registry.url, config: { access: ACCESS } });
});

afterAll(async () => {
  await gateway?.close();
  await client?.close();
  await registry?.stop();
});

/** A payload without the repository it returns (checked on its own: its tag count after the change). */
function withoutRepository<T extends { repository: unknown }>({ repository: _repository, ...rest }: T): Omit<T, 'repository'> {
  return rest;
}

const admin = <R, V>(document: Parameters<typeof executeAs<R, V>>[2], variables: V) =>
  executeAs(gateway, TOKENS.admin, document, variables);

// First: the content they report on is still as seeded.
describe('tagManifest with dryRun', () => {
  it.each([
    ['moving an existing tag', { repository: 'team/api', source: 'v1', tag: 'v2' }, 'team/api', 'v2', false],
    ['a new tag', { repository: 'team/api', source: 'v1', tag: 'fresh' }, 'team/api', null, false],
    [
      'a copy into another repository',
      { repository: 'copied/api', sourceRepository: 'team/api', source: 'v1', tag: 'v1' },
      'copied/api',
      null,
      true,
    ],
  ] as const)('a dry run of %s reports the change and makes none', async (_what, input, repository, previousTag, copiesContent) => {
    const before = await tagDigests(client, repository);
    gateway.takeUpstream();
    const result = await admin(TagManifestDocument, { input: { ...input, dryRun: true } });
    expect(result.errors).toBeUndefined();
    const { tag: _tag, ...report } = result.data!.tagManifest;
    expect(report).toEqual({
      digest: digestOf('team/api', 'v1'),
      previousDigest: previousTag ? digestOf('team/api', previousTag) : null,
      copiesContent,
      dryRun: true,
    });
    expect(gateway.takeUpstream().filter((event) => event.method !== 'GET' && event.method !== 'HEAD')).toEqual([]);
    expect(await tagDigests(client, repository)).toEqual(before);
  });
});

describe('deleteTag', () => {
  it('deletes one of two tags on a digest and leaves the other tag and the manifest (placeholder path on 2.8)', async () => {
    const shared = digestOf('library/alpine', 'latest');
    expect(digestOf('library/alpine', '3.20')).toBe(shared);
    const before = await tagDigests(client, 'library/alpine');
    gateway.takeUpstream();

    const result = await admin(DeleteTagDocument, { input: { repository: 'library/alpine', tag: 'latest' } });

    expect(result.errors).toBeUndefined();
    expect(withoutRepository(result.data!.deleteTag)).toEqual({
      tag: 'latest',
      digest: shared,
      manifestDeleted: false,
      remainingTags: ['3.20'],
      dryRun: false,
    });
    const { latest: _removed, ...others } = before;
    expect(await tagDigests(client, 'library/alpine')).toEqual(others);
    expect(await manifestExists(client, 'library/alpine', shared)).toBe(true);
    // 2.8 refuses DELETE by tag (400), so the tag went through a placeholder: probe, PUT, DELETE.
    const deletes = gateway.takeUpstream().filter((event) => event.method === 'DELETE');
    expect(deletes.map((event) => event.status)).toEqual([400, 404, 202]);
  });

  it('deletes the manifest with its only tag', async () => {
    const digest = digestOf('library/alpine', '3.19');
    const result = await admin(DeleteTagDocument, { input: { repository: 'library/alpine', tag: '3.19' } });
    expect(result.errors).toBeUndefined();
    expect(withoutRepository(result.data!.deleteTag)).toEqual({
      tag: '3.19',
      digest,
      manifestDeleted: true,
      remainingTags: [],
      dryRun: false,
    });
    expect(await manifestExists(client, 'library/alpine', digest)).toBe(false);
    expect(Object.keys(await tagDigests(client, 'library/alpine'))).toEqual(['3.20']);
    // The repository as it is after the change, for a client cache.
    expect(result.data!.deleteTag.repository.tagCount).toBe(1);
  });

  it('keeps the manifest of its only tag with keepManifest', async () => {
    const digest = digestOf('charts/web', '0.1.0');
    const result = await admin(DeleteTagDocument, { input: { repository: 'charts/web', tag: '0.1.0', keepManifest: true } });
    expect(withoutRepository(result.data!.deleteTag)).toEqual({
      tag: '0.1.0',
      digest,
      manifestDeleted: false,
      remainingTags: [],
      dryRun: false,
    });
    expect(await manifestExists(client, 'charts/web', digest)).toBe(true);
    expect(Object.keys(await tagDigests(client, 'charts/web'))).toEqual(['0.2.0']);
  });

  it('changes nothing on a dry run, and reports what the real run then does', async () => {
    const before = await tagDigests(client, 'team/api');
    const input = { repository: 'team/api', tag: 'v1' };
    const dryRun = await admin(DeleteTagDocument, { input: { ...input, dryRun: true } });
    expect(withoutRepository(dryRun.data!.deleteTag)).toEqual({
      tag: 'v1',
      digest: before.v1,
      manifestDeleted: true,
      remainingTags: [],
      dryRun: true,
    });
    expect(await tagDigests(client, 'team/api')).toEqual(before);
    expect(await manifestExists(client, 'team/api', before.v1!)).toBe(true);
    expect(dryRun.data!.deleteTag.repository.tagCount).toBe(Object.keys(before).length);

    const real = await admin(DeleteTagDocument, { input });
    expect(withoutRepository(real.data!.deleteTag)).toEqual({ ...withoutRepository(dryRun.data!.deleteTag), dryRun: false });
    expect(await manifestExists(client, 'team/api', before.v1!)).toBe(false);
  });

  it('is NOT_FOUND for an unknown tag', async () => {
    const result = await admin(DeleteTagDocument, { input: { repository: 'team/api', tag: 'no-such-tag' } });
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(result.errors?.[0]?.message).toContain('no-such-tag');
  });
});

describe('several mutations in one operation', () => {
  it('each sees what the ones before it did', async () => {
    const operation = `mutation {
      removed: deleteTag(input: { repository: "charts/web", tag: "0.2.0", keepManifest: true }) { tag }
      retag: tagManifest(input: { repository: "charts/web", source: "0.2.0", tag: "again" }) { tag { name } }
    }`;
    const result = await (await gateway.post({ query: operation }, bearer(TOKENS.admin))).json();
    // The payloads are non-null, so the second one's error nulls the data; the first mutation ran all the same.
    expect(result.errors).toMatchObject([{ path: ['retag'], extensions: { code: 'NOT_FOUND' } }]);
    expect(await tagDigests(client, 'charts/web')).toEqual({});
  });
});

describe('deleteManifest', () => {
  it('deletes by digest and reports the tags that pointed at it; a dry run first changes nothing', async () => {
    const digest = digestOf('tools/ci/runner', 'stable');
    await client.manifestPut(
      'tools/ci/runner',
      'also-stable',
      findSampleManifest(repositoryNamed('tools/ci/runner'), 'stable')!.bytes,
      'application/vnd.oci.image.manifest.v1+json',
    );

    const byDigest = `{ manifest(reference: "tools/ci/runner@${digest}") { digest } }`;
    const byTag = '{ manifest(reference: "tools/ci/runner:stable") { digest } }';
    // Read through the gateway first, so that its caches hold the manifest and the tag.
    expect((await gateway.query(byDigest)).data.manifest).toEqual({ digest });
    expect((await gateway.query(byTag)).data.manifest).toEqual({ digest });

    const dryRun = await admin(DeleteManifestDocument, { input: { repository: 'tools/ci/runner', digest, dryRun: true } });
    expect(withoutRepository(dryRun.data!.deleteManifest)).toEqual({ digest, removedTags: ['also-stable', 'stable'], dryRun: true });
    expect(await manifestExists(client, 'tools/ci/runner', digest)).toBe(true);
    expect(Object.keys(await tagDigests(client, 'tools/ci/runner'))).toEqual(['also-stable', 'stable']);

    const real = await admin(DeleteManifestDocument, { input: { repository: 'tools/ci/runner', digest } });
    expect(withoutRepository(real.data!.deleteManifest)).toEqual({ digest, removedTags: ['also-stable', 'stable'], dryRun: false });
    expect(await manifestExists(client, 'tools/ci/runner', digest)).toBe(false);
    expect(await tagDigests(client, 'tools/ci/runner')).toEqual({});
    expect(real.data!.deleteManifest.repository.tagCount).toBe(0);
    for (const query of [byDigest, byTag]) {
      const { data, errors } = await gateway.query(query);
      expect({ data, errors }).toEqual({ data: { manifest: null }, errors: undefined });
    }
  });

  it('deletes a manifest of a repository that never had a tag (whose tag list the registry does not know)', async () => {
    const image = await client.manifestGet('team/api', 'v2');
    await copyManifestContent(client, image, { fromRepository: 'team/api', repository: 'untagged/api' });
    await client.manifestPut('untagged/api', image.digest, image.bytes, image.mediaType);
    const result = await admin(DeleteManifestDocument, { input: { repository: 'untagged/api', digest: image.digest } });
    expect(withoutRepository(result.data!.deleteManifest)).toEqual({ digest: image.digest, removedTags: [], dryRun: false });
    expect(await manifestExists(client, 'untagged/api', image.digest)).toBe(false);
  });

  it('refuses a tag with a hint to use deleteTag, before any upstream call', async () => {
    gateway.takeUpstream();
    const result = await admin(DeleteManifestDocument, { input: { repository: 'team/app', digest: 'latest' } });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('deleteTag');
    expect(gateway.takeUpstream()).toEqual([]);
  });

  it('is NOT_FOUND for an unknown digest', async () => {
    const result = await admin(DeleteManifestDocument, { input: { repository: 'team/app', digest: `sha256:${'0'.repeat(64)}` } });
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('tagManifest', () => {
  it('retags within a repository: the same bytes under the new tag, so the same digest', async () => {
    const digest = digestOf('team/app', '2.0.0');
    const result = await admin(TagManifestDocument, { input: { repository: 'team/app', source: '2.0.0', tag: 'stable' } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.tagManifest.tag).toMatchObject({ name: 'stable', digest, manifest: { digest } });
    expect((await tagDigests(client, 'team/app')).stable).toBe(digest);
  });

  it('moves an existing tag, and the gateway then serves the new digest, not the cached old one', async () => {
    const oldDigest = digestOf('team/app', 'dev');
    const newDigest = digestOf('team/app', '1.1.0');
    const tagsQuery = { repository: 'team/app', prefix: 'dev' };
    const seen = await gateway.execute(RepositoryTagsDocument, tagsQuery);
    expect(seen.data!.repository!.tags!.edges.map(({ node }) => node.digest)).toEqual([oldDigest]);

    const result = await admin(TagManifestDocument, { input: { repository: 'team/app', source: '1.1.0', tag: 'dev' } });
    expect(result.data!.tagManifest.tag.digest).toBe(newDigest);
    const after = await gateway.execute(RepositoryTagsDocument, tagsQuery);
    expect(after.data!.repository!.tags!.edges.map(({ node }) => node.digest)).toEqual([newDigest]);
  });

  it('copies an index with its children and blobs from another repository, mounting the blobs', async () => {
    const app = repositoryNamed('team/app');
    const release = findSampleManifest(app, '1.0.0')!;
    gateway.takeUpstream();

    const result = await admin(TagManifestDocument, {
      input: { repository: 'mirror/app', sourceRepository: 'team/app', source: '1.0.0', tag: 'v1' },
    });

    expect(result.errors).toBeUndefined();
    expect(result.data!.tagManifest.tag).toMatchObject({ name: 'v1', digest: release.digest });
    expect(await tagDigests(client, 'mirror/app')).toEqual({ v1: release.digest });
    const children = (release.document as ImageIndexDocument).manifests;
    expect(children).toHaveLength(4);
    for (const child of children) {
      expect(await manifestExists(client, 'mirror/app', child.digest)).toBe(true);
      const image = findSampleManifest(app, child.digest)!.document as ImageManifestDocument;
      for (const blob of [image.config, ...image.layers]) {
        expect((await client.blobHead('mirror/app', blob.digest)).size).toBe(blob.size);
      }
    }
    const counts = countByKind(gateway.takeUpstream());
    expect(counts['PATCH upload'] ?? 0).toBe(0);
    expect(counts['GET blob'] ?? 0).toBe(0);
  });

  it('is NOT_FOUND for an unknown source, and creates nothing', async () => {
    const result = await admin(TagManifestDocument, { input: { repository: 'team/app', source: 'no-such-tag', tag: 'copy' } });
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await tagDigests(client, 'team/app')).not.toHaveProperty('copy');
  });
});
