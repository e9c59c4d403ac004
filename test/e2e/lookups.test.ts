import { afterAll, describe, expect, inject, it } from 'vitest';
import { findSampleManifest } from '../../fixtures/content/oracles.js';
import { sampleContent } from '../../fixtures/content/sampleContent.js';
import { ManifestDetailsDocument, NodeDocument } from '../../src/client/index.js';
import type { ImageIndexDocument } from '../../src/registry/types.js';
import { countByKind, createTestGateway } from '../support/gateway.js';

const gateway = createTestGateway({ registryUrl: inject('registryUrl') });
afterAll(() => gateway.close());

const content = sampleContent();
const app = content.find(({ name }) => name === 'team/app')!;
const release = findSampleManifest(app, '2.0.0')!;
const releaseEntries = (release.document as ImageIndexDocument).manifests;
const amd64Config = (findSampleManifest(app, releaseEntries[0]!.digest)!.document as { config: { digest: string } }).config;
const UNKNOWN_DIGEST = `sha256:${'0'.repeat(64)}`;

describe('things the registry does not know are null, not errors', () => {
  it.each([
    ['an unknown repository', '{ repository(name: "no/such-repo") { name } }', ['repository']],
    ['an unknown tag', '{ repository(name: "team/app") { tag(name: "9.9.9") { name } } }', ['repository', 'tag']],
    ['a manifest of an unknown tag', '{ manifest(reference: "team/app:9.9.9") { digest } }', ['manifest']],
    ['a manifest of an unknown digest', `{ manifest(reference: "team/app@${UNKNOWN_DIGEST}") { digest } }`, ['manifest']],
    ['a manifest in an unknown repository', '{ manifest(reference: "no/such-repo:1") { digest } }', ['manifest']],
    ['an unknown blob', `{ repository(name: "team/app") { blob(digest: "${UNKNOWN_DIGEST}") { size } } }`, ['repository', 'blob']],
  ])('%s', async (_what, query, path) => {
    const result = await gateway.query(query);
    expect(result.errors).toBeUndefined();
    let value: any = result.data;
    for (const key of path) value = value?.[key];
    expect(value).toBeNull();
  });
});

describe('bad input', () => {
  // The third column: 400 for arguments checked before execution (a request error in GraphQL
  // over HTTP), 200 for input only the resolver can judge (a field error beside null data).
  it.each([
    ['repository name with capitals', '{ repository(name: "Team/App") { name } }', 400],
    ['repository name with a trailing slash', '{ repository(name: "team/") { name } }', 400],
    ['repository name over 255 characters', `{ repository(name: "${'a'.repeat(256)}") { name } }`, 400],
    ['tag starting with a dot', '{ repository(name: "team/app") { tag(name: ".hidden") { name } } }', 400],
    ['tag over 128 characters', `{ repository(name: "team/app") { tag(name: "${'t'.repeat(129)}") { name } } }`, 400],
    ['digest with an unknown algorithm', '{ repository(name: "team/app") { blob(digest: "md5:abcdef") { size } } }', 400],
    ['digest of the wrong length', '{ repository(name: "team/app") { manifest(reference: "sha256:abc") { digest } } }', 400],
    ['reference with a bad repository', '{ manifest(reference: "UPPER/case:1") { digest } }', 400],
    ['reference with a bad tag', '{ manifest(reference: "team/app:bad tag") { digest } }', 400],
    ['malformed node id', '{ node(id: "bm90IGFuIGlk") { id } }', 200],
    ['catalog page over 1000', '{ registry { repositories(first: 5000) { edges { cursor } } } }', 200],
    ['prefix with characters no name has', '{ registry { repositories(prefix: "Team") { edges { cursor } } } }', 200],
  ])('%s is BAD_USER_INPUT, with no upstream call', async (_what, query, status) => {
    gateway.takeUpstream();
    const response = await gateway.post({ query });
    expect(response.status).toBe(status);
    const result = await response.json();
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(result.errors)).not.toMatch(/\bat .+:\d+:\d+/);
    expect(gateway.takeUpstream()).toEqual([]);
  });

  it('an unknown registry name is NOT_FOUND', async () => {
    const result = await gateway.query('{ registry(name: "elsewhere") { name } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(gateway.takeUpstream()).toEqual([]);
  });
});

describe('a manifest in detail', () => {
  it('resolves an index with its children lazily, attestations marked and left out of platforms', async () => {
    const result = await gateway.execute(ManifestDetailsDocument, { reference: 'team/app:2.0.0' });
    expect(result.errors).toBeUndefined();
    const manifest = result.data!.manifest!;
    if (manifest.__typename !== 'ImageIndex') throw new Error(`expected an index, got ${manifest.__typename}`);
    expect(manifest.digest).toBe(release.digest);
    expect(manifest.tags).toEqual(['2.0.0', 'latest']);
    expect(manifest.platforms.map(({ architecture, variant }) => [architecture, variant])).toEqual([
      ['amd64', null],
      ['arm64', 'v8'],
      ['arm', 'v7'],
    ]);
    expect(manifest.manifests.map((entry) => entry.isAttestation)).toEqual([false, false, false, true]);
    for (const entry of manifest.manifests) {
      expect(entry.manifest!.digest).toBe(entry.digest);
      const child = findSampleManifest(app, entry.digest)!;
      const created = entry.manifest!.__typename === 'ImageManifest' ? entry.manifest!.image?.created : undefined;
      expect(created ?? null).toBe(child.imageConfig?.created ?? null);
    }
  });

  it('reads an image config: env, entrypoint, labels, ports, history; blobs confirmed by HEAD', async () => {
    const dev = findSampleManifest(app, 'dev')!;
    const result = await gateway.execute(ManifestDetailsDocument, { reference: `team/app:dev@${dev.digest}` });
    expect(result.errors).toBeUndefined();
    const manifest = result.data!.manifest!;
    if (manifest.__typename !== 'ImageManifest') throw new Error(`expected an image, got ${manifest.__typename}`);
    const config = dev.imageConfig!;
    expect(manifest.image).toMatchObject({
      entrypoint: config.config!.Entrypoint,
      cmd: config.config!.Cmd,
      workingDir: config.config!.WorkingDir,
      user: config.config!.User,
      exposedPorts: Object.keys(config.config!.ExposedPorts!),
      labels: Object.entries(config.config!.Labels!)
        .map(([key, value]) => ({ key, value }))
        .sort((a, b) => (a.key < b.key ? -1 : 1)),
    });
    expect(manifest.image!.history).toHaveLength(config.history!.length);
    expect(manifest.platform).toMatchObject({ os: 'linux', architecture: 'amd64' });
    expect(manifest.layers.map((layer) => layer.blob?.size)).toEqual(manifest.layers.map((layer) => layer.size));
  });

  it('shows an artifact with subject: artifactType, no image, the subject descriptor', async () => {
    const signature = app.manifests.find((manifest) => manifest.document.subject)!;
    const result = await gateway.execute(ManifestDetailsDocument, { reference: `team/app@${signature.digest}` });
    expect(result.errors).toBeUndefined();
    const manifest = result.data!.manifest!;
    expect(manifest.artifactType).toBe(signature.document.artifactType);
    expect(manifest.subject).toEqual({ digest: release.digest, mediaType: release.mediaType });
    expect(manifest.__typename === 'ImageManifest' && manifest.image).toBeNull();
  });

  it('shows a helm chart as an artifact typed by its config', async () => {
    const result = await gateway.execute(ManifestDetailsDocument, { reference: 'charts/web:0.2.0' });
    expect(result.errors).toBeUndefined();
    expect(result.data!.manifest).toMatchObject({
      __typename: 'ImageManifest',
      artifactType: 'application/vnd.cncf.helm.config.v1+json',
      image: null,
      platform: null,
    });
  });
});

describe('node ids', () => {
  it('round-trip for every node type', async () => {
    const result = await gateway.query<any>(`{
      registry { id name repository(name: "team/app") { id name
        tag(name: "2.0.0") { id name manifest { id digest ... on ImageIndex { manifests { manifest { id digest } } } } }
        blob(digest: "${amd64Config.digest}") { id digest }
      } } }`);
    expect(result.errors).toBeUndefined();
    const repository = result.data.registry.repository;
    const objects: Array<[string, string, Record<string, unknown>]> = [
      [result.data.registry.id, 'Registry', { name: 'local' }],
      [repository.id, 'Repository', { name: 'team/app' }],
      [repository.tag.id, 'Tag', { name: '2.0.0', tagDigest: release.digest }],
      [repository.tag.manifest.id, 'ImageIndex', { digest: release.digest }],
      [repository.tag.manifest.manifests[0].manifest.id, 'ImageManifest', { digest: releaseEntries[0]!.digest }],
      [repository.blob.id, 'Blob', { digest: amd64Config.digest }],
    ];
    for (const [id, typename, fields] of objects) {
      const node = await gateway.execute(NodeDocument, { id });
      expect(node.errors).toBeUndefined();
      expect(node.data!.node).toMatchObject({ __typename: typename, id, ...fields });
    }
  });

  it('of something gone resolve to null', async () => {
    const result = await gateway.query<any>('{ repository(name: "team/app") { id } }');
    const gone = Buffer.from(Buffer.from(result.data.repository.id, 'base64').toString().replace('team/app', 'team/gone')).toString(
      'base64',
    );
    const node = await gateway.execute(NodeDocument, { id: gone });
    expect(node.errors).toBeUndefined();
    expect(node.data!.node).toBeNull();
  });
});

describe('one tag', () => {
  it('is looked up with one HEAD, not by reading the whole tag list', async () => {
    const counting = createTestGateway({ registryUrl: inject('registryUrl') });
    try {
      const found = await counting.query<any>('{ repository(name: "team/app") { tag(name: "2.0.0") { name } } }');
      expect(found.data.repository.tag).toEqual({ name: '2.0.0' });
      const missing = await counting.query<any>('{ repository(name: "team/app") { tag(name: "9.9.9") { name } } }');
      expect(missing.data.repository.tag).toBeNull();
      const calls = counting.takeUpstream().map(({ method, kind, path }) => `${method} ${kind} ${path}`);
      // Each query: the repository (its tag list says it exists), then the tag's HEAD.
      expect(calls.filter((call) => call.startsWith('HEAD manifest'))).toEqual([
        'HEAD manifest /v2/team/app/manifests/2.0.0',
        'HEAD manifest /v2/team/app/manifests/9.9.9',
      ]);
      const byNode = await counting.query<any>(
        `{ node(id: "${Buffer.from('Tag:["local","team/app","dev"]').toString('base64')}") { ... on Tag { name } } }`,
      );
      expect(byNode.data.node).toEqual({ name: 'dev' });
      expect(countByKind(counting.takeUpstream())).toEqual({ 'HEAD manifest': 1 });
    } finally {
      await counting.close();
    }
  });
});

describe('repositories under a prefix with a slash, on distribution, which sorts "/" before every other character', () => {
  it.each([
    ['team/', ['team/api', 'team/app']],
    ['team/ap', ['team/api', 'team/app']],
    ['team', ['team/api', 'team/app']],
    ['team/x', []],
  ])('%s', async (prefix, expected) => {
    const result = await gateway.query(`{ registry { repositories(prefix: "${prefix}") { edges { node { name } } } } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data.registry.repositories.edges.map(({ node }: { node: { name: string } }) => node.name)).toEqual(expected);
  });
});
