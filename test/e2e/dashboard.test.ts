import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MANIFEST_ACCEPT } from '../../src/registry/mediaTypes.js';
import { expectedPlatforms, expectedTotalSize, sampleTags } from '../../fixtures/content/oracles.js';
import { sampleContent, type SampleManifest } from '../../fixtures/content/sampleContent.js';
import { DashboardDocument, type DashboardQuery } from '../../src/client/index.js';
import { countByKind, createTestGateway, type TestGateway } from '../support/gateway.js';

const registryUrl = inject('registryUrl');
const content = sampleContent();
const tags = sampleTags(content);

/** What the registry itself says a tag points at, asked the way a correct client asks. */
async function headDigest(repository: string, reference: string, accept?: string): Promise<string | undefined> {
  const response = await request(`${registryUrl}/v2/${repository}/manifests/${reference}`, {
    method: 'HEAD',
    headers: accept ? { accept } : {},
  });
  await response.body.dump();
  return response.headers['docker-content-digest'] as string | undefined;
}

type DashboardTag = NonNullable<
  NonNullable<NonNullable<DashboardQuery['registry']['repositories']>['edges'][number]['node']['tags']>['edges'][number]['node']
>;

describe('the dashboard query', () => {
  let gateway: TestGateway;
  let result: Awaited<ReturnType<TestGateway['execute']>>;
  let byTag: Map<string, DashboardTag>;

  beforeAll(async () => {
    gateway = createTestGateway({ registryUrl });
    result = await gateway.execute(DashboardDocument, { repositories: 100, tags: 100 });
    const data = result.data as DashboardQuery;
    byTag = new Map(
      data.registry.repositories!.edges.flatMap(({ node: repository }) =>
        repository.tags!.edges.map(({ node: tag }) => [`${repository.name}:${tag.name}`, tag] as const),
      ),
    );
  });
  afterAll(() => gateway.close());

  it('answers without errors, every repository in lexical order', () => {
    expect(result.errors).toBeUndefined();
    const data = result.data as DashboardQuery;
    expect(data.registry.status).toMatchObject({ reachable: true, apiVersion: 'registry/2.0' });
    expect(data.registry.repositories!.edges.map(({ node }) => node.name)).toEqual(content.map(({ name }) => name).sort());
    for (const { node } of data.registry.repositories!.edges) {
      const sample = content.find(({ name }) => name === node.name)!;
      const sampleTagNames = sample.manifests.flatMap((manifest) => manifest.tags).sort();
      expect(node.tagCount).toBe(sampleTagNames.length);
      expect(node.tags!.totalCount).toBe(sampleTagNames.length);
      expect(node.tags!.edges.map(({ node: tag }) => tag.name)).toEqual(sampleTagNames);
    }
  });

  it.each(tags.map(({ repository, tag, manifest }) => [`${repository.name}:${tag}`, repository, manifest] as const))(
    '%s: digest, media type, sizes, platforms and date are what the registry holds',
    async (key, repository, manifest: SampleManifest) => {
      const tag = byTag.get(key)!;
      const [, tagName] = key.split(/:(.*)/s) as [string, string];
      expect(tag.digest).toBe(manifest.digest);
      expect(tag.digest).toBe(await headDigest(repository.name, tagName, MANIFEST_ACCEPT));
      const answered = tag.manifest!;
      expect(answered.digest).toBe(manifest.digest);
      expect(answered.mediaType).toBe(manifest.mediaType);
      expect(answered.size).toBe(manifest.bytes.length);
      expect(answered.totalSize).toBe(expectedTotalSize(repository, manifest.digest));
      const document = manifest.document;
      if ('manifests' in document) {
        expect(answered.__typename).toBe('ImageIndex');
        expect(answered.__typename === 'ImageIndex' && answered.platforms.map(stripNulls)).toEqual(
          expectedPlatforms(repository, manifest.digest),
        );
      } else {
        expect(answered.__typename).toBe('ImageManifest');
        if (answered.__typename !== 'ImageManifest') return;
        if (manifest.imageConfig) {
          expect(answered.artifactType).toBeNull();
          expect(stripNulls(answered.platform!)).toEqual(expectedPlatforms(repository, manifest.digest)[0]);
          expect(answered.image!.created).toBe(manifest.imageConfig.created);
        } else {
          expect(answered.artifactType).toBe(document.artifactType ?? document.config.mediaType);
          expect(answered.image).toBeNull();
          expect(answered.platform).toBeNull();
        }
      }
    },
  );

  it('gives a Docker schema2 tag the schema2 digest, not the digest of a schema1 conversion', async () => {
    const tag = byTag.get('team/api:v1')!;
    expect(tag.manifest!.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(tag.digest).toBe(await headDigest('team/api', 'v1', MANIFEST_ACCEPT));
    // What a client without Accept gets: the registry converts to schema1 and hashes that.
    const converted = await headDigest('team/api', 'v1');
    expect(converted).toBeDefined();
    expect(converted).not.toBe(tag.digest);
  });

  it('costs one call per tag and per distinct config cold, and no content fetch when repeated', async () => {
    const cold = createTestGateway({ registryUrl });
    try {
      await cold.execute(DashboardDocument, { repositories: 100, tags: 100 });
      const coldCalls = cold.takeUpstream();
      const repositories = content.length;
      // Index children are needed for totalSize; configs for platform and created.
      const childDigests = new Set(
        tags.flatMap(({ repository, manifest }) =>
          'manifests' in manifest.document ? manifest.document.manifests.map((entry) => `${repository.name}@${entry.digest}`) : [],
        ),
      );
      const taggedDigests = new Set(tags.map(({ repository, manifest }) => `${repository.name}@${manifest.digest}`));
      const untaggedChildren = [...childDigests].filter((child) => !taggedDigests.has(child)).length;
      const configs = new Set(
        tags.flatMap(({ repository, manifest }) =>
          manifest.imageConfig && !('manifests' in manifest.document) ? [`${repository.name}@${manifest.document.config.digest}`] : [],
        ),
      ).size;
      const counts = countByKind(coldCalls);
      expect(counts['GET ping']).toBe(1);
      expect(counts['GET catalog']).toBe(1);
      expect(counts['GET tags']).toBe(repositories);
      // One GET per tag plus one per child only an index names: a child that is also tagged
      // (team/api's v2 is the amd64 image of multi) comes with its tag, even while that is in flight.
      expect(counts['GET manifest']).toBe(tags.length + untaggedChildren);
      expect(counts['GET blob']).toBe(configs);
      expect(counts['HEAD manifest']).toBeUndefined();
      // Nothing asked twice.
      const keys = coldCalls.map((event) => `${event.method} ${event.path}`);
      expect(new Set(keys).size).toBe(keys.length);

      await cold.execute(DashboardDocument, { repositories: 100, tags: 100 });
      const warm = countByKind(cold.takeUpstream());
      expect(warm).toEqual({
        'GET ping': 1,
        'GET catalog': 1,
        'GET tags': repositories,
        'HEAD manifest': tags.length,
      });
    } finally {
      await cold.close();
    }
  });
});

function stripNulls<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null)) as Partial<T>;
}
