import DataLoader from 'dataloader';
import { RegistryError } from '../registry/errors.js';
import { isDigest } from '../registry/reference.js';
import type { BlobHeadResult, FetchedManifest, ImageConfigDocument, PingResult } from '../registry/types.js';
import type { RegistrySet } from '../registrySet.js';
import type { ContentCache } from './contentCache.js';

export interface RepositoryKey {
  registry: string;
  repository: string;
}

/** reference: a tag or a digest. */
export interface ManifestKey extends RepositoryKey {
  reference: string;
}

export interface DigestKey extends RepositoryKey {
  digest: string;
}

/**
 * Every upstream read of one GraphQL request goes through these loaders, so a query that
 * touches the same tag list, tag, digest or config many times asks the registry once.
 * Created per request: tag lists and tags move, and must not be served stale across requests;
 * content addressed by digest is also kept across requests, in the ContentCache.
 */
export function createLoaders(registries: RegistrySet, cache: ContentCache) {
  const clientOf = (registry: string) => {
    const entry = registries.find(registry);
    if (!entry) throw new Error(`unknown registry "${registry}"`);
    return entry.client;
  };

  const status = new DataLoader<string, PingResult>(batchEach((registry) => clientOf(registry).ping()));

  const tags = new DataLoader<RepositoryKey, string[], string>(
    batchEach(({ registry, repository }) => clientOf(registry).tagsList(repository)),
    { cacheKeyFn: repositoryCacheKey },
  );

  const manifests: DataLoader<ManifestKey, FetchedManifest, string> = new DataLoader(
    batchEach(async (key: ManifestKey) => {
      const manifest = await fetchManifest(key);
      if (!isDigest(key.reference)) {
        cache.setTagHint(key.registry, key.repository, key.reference, manifest.digest);
        manifests.prime({ ...key, reference: manifest.digest }, manifest);
      }
      return manifest;
    }),
    { cacheKeyFn: manifestCacheKey },
  );

  /**
   * By digest: from the cache, else one verified GET. By tag: when the tag was seen before and
   * its content is cached, a HEAD confirms the digest (the tag may have moved) and the content
   * comes from the cache; otherwise one GET by tag.
   */
  async function fetchManifest({ registry, repository, reference }: ManifestKey): Promise<FetchedManifest> {
    const client = clientOf(registry);
    const byDigest = async (digest: string) => {
      const cached = cache.getManifest(registry, repository, digest);
      if (cached) return cached;
      const fetched = await client.manifestGet(repository, digest);
      cache.setManifest(registry, repository, fetched);
      return fetched;
    };
    if (isDigest(reference)) return byDigest(reference);
    const hint = cache.getTagHint(registry, repository, reference);
    if (hint && cache.getManifest(registry, repository, hint)) {
      const { digest } = await client.manifestHead(repository, reference);
      return byDigest(digest);
    }
    const fetched = await client.manifestGet(repository, reference);
    cache.setManifest(registry, repository, fetched);
    return fetched;
  }

  const configs = new DataLoader<DigestKey, ImageConfigDocument, string>(
    batchEach(async ({ registry, repository, digest }) => {
      const cached = cache.getConfig(registry, repository, digest);
      if (cached) return cached;
      const bytes = await clientOf(registry).blobGet(repository, digest);
      const config = parseImageConfig(bytes, digest);
      cache.setConfig(registry, repository, digest, config, bytes.length);
      return config;
    }),
    { cacheKeyFn: digestCacheKey },
  );

  /** null when the repository does not have the blob. */
  const blobs = new DataLoader<DigestKey, BlobHeadResult | null, string>(
    batchEach(async ({ registry, repository, digest }) => {
      try {
        return await clientOf(registry).blobHead(repository, digest);
      } catch (error) {
        if (error instanceof RegistryError && error.kind === 'NOT_FOUND') return null;
        throw error;
      }
    }),
    { cacheKeyFn: digestCacheKey },
  );

  return { status, tags, manifests, configs, blobs };
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * Registries have no batch endpoints: a batch is one request per key, all started at once
 * (the client's connection pool bounds how many are in flight). A failing key fails alone.
 */
function batchEach<K, V>(load: (key: K) => Promise<V>) {
  return (keys: readonly K[]) =>
    Promise.all(keys.map((key) => load(key).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))));
}

function parseImageConfig(bytes: Buffer, digest: string): ImageConfigDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new RegistryError({ kind: 'PROTOCOL', message: `config blob ${digest} is not JSON` });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RegistryError({ kind: 'PROTOCOL', message: `config blob ${digest} is not a JSON object` });
  }
  return parsed as ImageConfigDocument;
}

const repositoryCacheKey = (key: RepositoryKey) => `${key.registry}\u0000${key.repository}`;
const manifestCacheKey = (key: ManifestKey) => `${repositoryCacheKey(key)}\u0000${key.reference}`;
const digestCacheKey = (key: DigestKey) => `${repositoryCacheKey(key)}\u0000${key.digest}`;
