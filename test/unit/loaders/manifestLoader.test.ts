import { describe, expect, it } from 'vitest';
import { ContentCache } from '../../../src/loaders/contentCache.js';
import { createLoaders } from '../../../src/loaders/loaders.js';
import { ObservedSizes } from '../../../src/loaders/observedSizes.js';
import { sampleContent, type SampleManifest } from '../../../fixtures/content/sampleContent.js';
import { RegistryError } from '../../../src/registry/errors.js';
import type { RegistryClient } from '../../../src/registry/client.js';
import type { FetchedManifest } from '../../../src/registry/types.js';

/**
 * The order in which a registry answers decides whether a manifest asked for by digest is
 * already known from a tag; a real registry cannot be made to answer in a given order, so
 * these tests drive the loaders with a client whose answers they release one by one.
 */
const teamApi = sampleContent().find((repository) => repository.name === 'team/api')!;
const byTag = (tag: string) => teamApi.manifests.find((manifest) => manifest.tags.includes(tag))!;
const list = byTag('multi');
const v2 = byTag('v2');
const arm64 = teamApi.manifests.find((manifest) => manifest.tags.length === 0)!;

function fetched(manifest: SampleManifest): FetchedManifest {
  const kind = 'manifests' in manifest.document ? 'index' : 'image';
  return {
    kind,
    digest: manifest.digest,
    mediaType: manifest.mediaType,
    size: manifest.bytes.length,
    bytes: manifest.bytes,
    document: manifest.document,
  } as FetchedManifest;
}

/** A registry client whose manifest GETs wait until the test releases them. */
function heldRegistry() {
  const requests: string[] = [];
  const held = new Map<string, () => void>();
  const client = {
    // As the registry client does: once the bytes' digest is known, a manifest the caller holds for it is the answer.
    manifestGet: async (_repository: string, reference: string, known?: (digest: string) => FetchedManifest | undefined) => {
      requests.push(reference);
      await new Promise<void>((release) => held.set(reference, release));
      const manifest = teamApi.manifests.find((candidate) => candidate.digest === reference || candidate.tags.includes(reference));
      if (!manifest) throw new RegistryError({ kind: 'NOT_FOUND', message: `no ${reference}` });
      return known?.(manifest.digest) ?? fetched(manifest);
    },
  } as unknown as RegistryClient;

  const release = async (reference: string) => {
    for (let tick = 0; tick < 10 && !held.has(reference); tick++) await new Promise((resolve) => setImmediate(resolve));
    held.get(reference)!();
    held.delete(reference);
  };
  return { client, requests, release };
}

const key = (reference: string) => ({ registry: 'local', repository: 'team/api', reference });

const loadersOn = (client: RegistryClient, cache: ContentCache) =>
  createLoaders({ clientOf: () => client, cache, observed: new ObservedSizes(), freshnessOf: () => undefined });

describe('manifests by digest while tags are loading', () => {
  it('wait for the tag that brings the same manifest instead of fetching it again', async () => {
    const { client, requests, release } = heldRegistry();
    const loaders = loadersOn(client, new ContentCache(1024 * 1024));
    const listLoad = loaders.manifests.load(key('multi'));
    const v2Load = loaders.manifests.load(key('v2'));
    await release('multi');
    // Answered as soon as its own answer is in, while v2 is still held.
    await listLoad;
    // The list's amd64 entry is v2's manifest, whose tag is still loading.
    const child = loaders.manifests.load(key(v2.digest));
    await release('v2');
    expect((await child).digest).toBe(v2.digest);
    expect(await v2Load).toBe(await child);
    expect(requests).toEqual(['multi', 'v2']);
  });

  it('answer as soon as the tag that brings the manifest is in, not after the slowest tag of the repository', async () => {
    const { client, requests, release } = heldRegistry();
    const loaders = loadersOn(client, new ContentCache(1024 * 1024));
    const slowLoad = loaders.manifests.load(key('v1'));
    const v2Load = loaders.manifests.load(key('v2'));
    const child = loaders.manifests.load(key(v2.digest));
    await release('v2');
    const outcome = await Promise.race([
      child.then(() => 'answered'),
      (async () => {
        for (let tick = 0; tick < 20; tick++) await new Promise((resolve) => setImmediate(resolve));
        return 'still waiting';
      })(),
    ]);
    // v1 is still held: an index's child that is v2's manifest does not wait for it.
    expect(outcome).toBe('answered');
    expect(await child).toBe(await v2Load);
    await release('v1');
    await slowLoad;
    expect(requests).toEqual(['v1', 'v2']);
  });

  it('fetch by digest what no tag brought, once the tags are in', async () => {
    const { client, requests, release } = heldRegistry();
    const loaders = loadersOn(client, new ContentCache(1024 * 1024));
    const v2Load = loaders.manifests.load(key('v2'));
    const child = loaders.manifests.load(key(arm64.digest));
    await new Promise((resolve) => setImmediate(resolve));
    expect(requests).toEqual(['v2']);
    await release('v2');
    await release(arm64.digest);
    expect((await child).digest).toBe(arm64.digest);
    await v2Load;
    expect(requests).toEqual(['v2', arm64.digest]);
  });

  it('go ahead when the tag they waited for fails', async () => {
    const { client, requests, release } = heldRegistry();
    const loaders = loadersOn(client, new ContentCache(1024 * 1024));
    const gone = loaders.manifests.load(key('gone'));
    const child = loaders.manifests.load(key(list.digest));
    await release('gone');
    await expect(gone).rejects.toThrow('no gone');
    await release(list.digest);
    expect((await child).digest).toBe(list.digest);
    expect(requests).toEqual(['gone', list.digest]);
  });
});

describe('tags on one manifest', () => {
  it('share one parsed manifest in a request', async () => {
    const { client, requests, release } = heldRegistry();
    const loaders = loadersOn(client, new ContentCache(1024 * 1024));
    const first = loaders.manifests.load(key('v2'));
    await release('v2');
    const second = loaders.manifests.load(key('latest'));
    await release('latest');
    expect(requests).toEqual(['v2', 'latest']);
    expect(await second).toBe(await first);
  });

  it("share the cache's manifest across requests, and the check counts as no cache lookup", async () => {
    const { client, requests, release } = heldRegistry();
    const lookups: string[] = [];
    const cache = new ContentCache(1024 * 1024, (kind, hit) => lookups.push(`${kind} ${hit}`));
    const first = loadersOn(client, cache).manifests.load(key('v2'));
    await release('v2');
    // A tag not seen before: one GET, whose bytes are those of the manifest the cache holds.
    const other = loadersOn(client, cache).manifests.load(key('latest'));
    await release('latest');
    expect(requests).toEqual(['v2', 'latest']);
    expect(await other).toBe(await first);
    expect(lookups).toEqual([]);
  });
});
