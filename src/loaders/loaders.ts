import DataLoader from 'dataloader';
import type { RegistryClient } from '../registry/client.js';
import { RegistryError, malformedRegistryData, nullIfNotFound } from '../registry/errors.js';
import { matchesDigest } from '../registry/digest.js';
import { manifestFromBytes } from '../registry/manifest.js';
import { InvalidReferenceError, isDigest } from '../registry/reference.js';
import type {
  BlobHeadResult,
  CatalogPage,
  FetchedManifest,
  ImageConfigDocument,
  ManifestHeadResult,
  PingResult,
} from '../registry/types.js';
import { isRecord } from '../util/isRecord.js';
import { type SharedState, UNSHARED } from '../shared/sharedState.js';
import type { ContentCache } from './contentCache.js';
import type { Freshness } from './freshness.js';
import type { ObservedSizes } from './observedSizes.js';

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

export interface CatalogPageKey {
  registry: string;
  n: number;
  last: string | undefined;
}

/** Where the loaders read from. */
export interface LoaderSources {
  /** The client of a registry as this request uses it (bound to its operation). */
  clientOf: (registry: string) => RegistryClient;
  /** Content addressed by digest, process-wide. */
  cache: ContentCache;
  /** What the gateway has seen of sizes, for the query cost estimate. */
  observed: ObservedSizes;
  /** What is kept of a registry that sends its events; undefined for the others, which are read afresh every request. */
  freshnessOf: (registry: string) => Freshness | undefined;
  /** What replicas share (Redis), behind the process's own: content by digest, and what is kept of registries that send events. */
  shared?: SharedState;
}

/**
 * Every upstream read of one GraphQL request goes through these loaders, so a query that
 * touches the same tag list, tag, digest or config many times asks the registry once.
 * Created per request: tag lists and tags move, and are read afresh each request, except from a
 * registry that sends its events (Freshness); content addressed by digest is also kept across
 * requests, in the ContentCache.
 */
export function createLoaders({ clientOf, cache, observed, freshnessOf, shared = UNSHARED }: LoaderSources) {
  const status = loaderOf<string, PingResult>(async (registry) => {
    const fresh = freshnessOf(registry);
    const known = fresh?.ping();
    if (known) return known;
    const ping = await clientOf(registry).ping();
    fresh?.setPing(ping);
    return ping;
  });

  /** One page of the catalog (`n` names after `last`). */
  const catalogPages = loaderOf<CatalogPageKey, CatalogPage>(
    async ({ registry, n, last }) => {
      const fresh = freshnessOf(registry);
      const known = fresh?.catalogPage(n, last);
      if (known) return known;
      const page = await clientOf(registry).catalogPage({ n, ...(last !== undefined && { last }) });
      fresh?.setCatalogPage(n, last, page);
      return page;
    },
    ({ registry, n, last }) => `${registry}\u0000${n}\u0000${last ?? ''}`,
  );

  const tags = loaderOf<RepositoryKey, string[]>(async (key) => {
    listsAsked.add(repositoryCacheKey(key));
    const fresh = freshnessOf(key.registry);
    const known = fresh?.tagList(key.repository);
    if (known) return known;
    if (fresh?.repositoryExists(key.repository) === false) {
      throw new RegistryError({
        kind: 'NOT_FOUND',
        message: `GET /v2/${key.repository}/tags/list: 404 NAME_UNKNOWN (as the registry said before)`,
      });
    }
    if (fresh) {
      const kept = await shared.freshness.tagList(key.registry, key.repository);
      if (kept) {
        fresh.setTagList(key.repository, kept);
        return kept;
      }
    }
    const list = await clientOf(key.registry).tagsList(key.repository);
    fresh?.setTagList(key.repository, list);
    if (fresh) shared.freshness.setTagList(key.registry, key.repository, list, fresh.maxStalenessMs);
    observed.recordTagList(key.registry, key.repository, list.length);
    return list;
  }, repositoryCacheKey);
  /** Repositories whose tag list this request has asked for, answered or not. */
  const listsAsked = new Set<string>();
  /** Whether this request reads the repository's tag list anyway, so that a tag can be looked up there for free. */
  const hasTagList = (key: RepositoryKey) => listsAsked.has(repositoryCacheKey(key));

  /** Whether the repository exists: from its tag list when this request reads it anyway, else one small probe. */
  const repositories = loaderOf<RepositoryKey, boolean>(async (key) => {
    if (hasTagList(key)) return (await nullIfNotFound(tags.load(key))) !== null;
    const fresh = freshnessOf(key.registry);
    const known = fresh?.repositoryExists(key.repository);
    if (known !== undefined) return known;
    const exists = await clientOf(key.registry).repositoryExists(key.repository);
    fresh?.setRepositoryExists(key.repository, exists);
    return exists;
  }, repositoryCacheKey);

  /** What a tag points at now, by HEAD; null when the repository has no such tag. */
  const tagHeads = loaderOf<ManifestKey, ManifestHeadResult | null>(async ({ registry, repository, reference }) => {
    const fresh = freshnessOf(registry);
    const known = fresh?.tagHead(repository, reference);
    if (known !== undefined) return known;
    if (fresh) {
      const kept = await shared.freshness.tagHead(registry, repository, reference);
      if (kept !== undefined) {
        fresh.setTagHead(repository, reference, kept);
        return kept;
      }
    }
    const head = await nullIfNotFound(clientOf(registry).manifestHead(repository, reference));
    fresh?.setTagHead(repository, reference, head);
    if (fresh) shared.freshness.setTagHead(registry, repository, reference, head, fresh.maxStalenessMs);
    return head;
  }, manifestCacheKey);

  /** Per repository, the loads by tag in flight: a load by digest waits for them (see loadByDigest). */
  const tagLoadsInFlight = new Map<string, Set<Promise<unknown>>>();
  /** Manifests this request read by tag, by repository and digest. */
  const readByTag = new Map<string, FetchedManifest>();

  const manifests: DataLoader<ManifestKey, FetchedManifest, string> = loaderOf(
    (key) => (isDigest(key.reference) ? loadByDigest(key) : loadByTag(key)),
    manifestCacheKey,
  );

  function loadByTag(key: ManifestKey): Promise<FetchedManifest> {
    const load = (async () => {
      const manifest = await fetchByTag(key);
      cache.setTagHint(key.registry, key.repository, key.reference, manifest.digest);
      readByTag.set(digestCacheKey({ ...key, digest: manifest.digest }), manifest);
      manifests.prime({ ...key, reference: manifest.digest }, manifest);
      return manifest;
    })();
    const repository = repositoryCacheKey(key);
    const inFlight = tagLoadsInFlight.get(repository) ?? new Set();
    tagLoadsInFlight.set(repository, inFlight);
    inFlight.add(load);
    const done = () => inFlight.delete(load);
    load.then(done, done);
    return load;
  }

  /**
   * When the tag was seen before and its content is cached, a HEAD confirms the digest (the
   * tag may have moved) and the content comes from the cache; otherwise one GET by tag.
   */
  async function fetchByTag(key: ManifestKey): Promise<FetchedManifest> {
    const { registry, repository, reference } = key;
    const fresh = freshnessOf(registry);
    // Of a registry that sends its events, what the tag points at may be kept (here or by another replica): then no call is needed for it.
    const kept = fresh && (fresh.tagHead(repository, reference) ?? (await shared.freshness.tagHead(registry, repository, reference)));
    if (kept === null)
      throw new RegistryError({
        kind: 'NOT_FOUND',
        message: `HEAD /v2/${repository}/manifests/${reference}: 404 (as the registry said before)`,
      });
    if (kept) {
      fresh!.setTagHead(repository, reference, kept);
      return fetchByDigest({ registry, repository, digest: kept.digest });
    }
    const hint = cache.getTagHint(registry, repository, reference);
    if (hint && cache.getManifest(registry, repository, hint)) {
      const head = await tagHeads.load(key);
      if (head === null) throw new RegistryError({ kind: 'NOT_FOUND', message: `HEAD /v2/${repository}/manifests/${reference}: 404` });
      return fetchByDigest({ registry, repository, digest: head.digest });
    }
    // Tags often share a manifest: one this request or the cache holds is not parsed or remembered again.
    let held: FetchedManifest | undefined;
    const fetched = await clientOf(registry).manifestGet(
      repository,
      reference,
      (digest) =>
        (held = readByTag.get(digestCacheKey({ registry, repository, digest })) ?? cache.heldManifest(registry, repository, digest)),
    );
    const manifest = fetched === held ? fetched : remember(registry, repository, fetched);
    if (fresh) {
      const head = { digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.size };
      fresh.setTagHead(repository, reference, head);
      shared.freshness.setTagHead(registry, repository, reference, head, fresh.maxStalenessMs);
    }
    return manifest;
  }

  /**
   * A digest is often also what a tag of the same repository points at (an index's child that is
   * tagged too). When loads by tag of the repository are in flight, one of them may be bringing
   * this very manifest: looking again as each of them settles answers as soon as the one that
   * brings it is in, costs one round trip at most when none does, and spares fetching the same
   * manifest twice.
   */
  async function loadByDigest({ registry, repository, reference: digest }: ManifestKey): Promise<FetchedManifest> {
    const key = { registry, repository, digest };
    const known = () => readByTag.get(digestCacheKey(key)) ?? cache.getManifest(registry, repository, digest);
    const pending = known() === undefined ? tagLoadsInFlight.get(repositoryCacheKey(key)) : undefined;
    const broughtByTag = pending && pending.size > 0 ? await firstFound([...pending], known) : undefined;
    return broughtByTag ?? known() ?? fetchByDigest(key);
  }

  /** From the process's cache, else the replicas' (checked against the digest), else one verified GET. */
  async function fetchByDigest({ registry, repository, digest }: DigestKey): Promise<FetchedManifest> {
    const cached = cache.getManifest(registry, repository, digest);
    if (cached) return cached;
    const kept = await shared.content.manifest(registry, repository, digest);
    const fromReplicas = kept && attempt(() => manifestFromBytes(kept.bytes, kept.mediaType, digest));
    if (fromReplicas) {
      cache.setManifest(registry, repository, fromReplicas);
      return fromReplicas;
    }
    return remember(registry, repository, await clientOf(registry).manifestGet(repository, digest));
  }

  function remember(registry: string, repository: string, manifest: FetchedManifest): FetchedManifest {
    cache.setManifest(registry, repository, manifest);
    shared.content.setManifest(registry, repository, manifest.digest, manifest);
    observed.recordManifest(manifest);
    return manifest;
  }

  const configs = loaderOf<DigestKey, ImageConfigDocument>(async ({ registry, repository, digest }) => {
    const cached = cache.getConfig(registry, repository, digest);
    if (cached) return cached;
    const kept = await shared.content.config(registry, repository, digest);
    const fromReplicas = kept && matchesDigest(kept, digest) ? attempt(() => parseImageConfig(kept, digest)) : undefined;
    if (fromReplicas) {
      cache.setConfig(registry, repository, digest, fromReplicas, kept!.length);
      return fromReplicas;
    }
    const bytes = await clientOf(registry).blobGet(repository, digest);
    const config = parseImageConfig(bytes, digest);
    cache.setConfig(registry, repository, digest, config, bytes.length);
    shared.content.setConfig(registry, repository, digest, bytes);
    return config;
  }, digestCacheKey);

  /** null when the repository does not have the blob. */
  const blobs = loaderOf<DigestKey, BlobHeadResult | null>(
    ({ registry, repository, digest }) => nullIfNotFound(clientOf(registry).blobHead(repository, digest)),
    digestCacheKey,
  );

  return { status, catalogPages, tags, hasTagList, repositories, tagHeads, manifests, configs, blobs };
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * Registries have no batch endpoints, so every key is a request of its own, started at once
 * (the client's connection pool bounds how many are in flight) and answered as soon as it is
 * in: a DataLoader batch would hold every key until the slowest of its batch had answered.
 * What DataLoader does here: a key asked for twice in the request is one request.
 *
 * The client's arguments were checked before the query ran, so a name that breaks the grammar
 * here came from the registry (a tag list, a catalog, an index): that is the registry's fault.
 */
function loaderOf<K, V>(load: (key: K) => Promise<V>, cacheKeyFn?: (key: K) => string): DataLoader<K, V, string> {
  const settle = (error: unknown): Error => {
    if (error instanceof InvalidReferenceError) return malformedRegistryData(error);
    return error instanceof Error ? error : new Error(String(error));
  };
  return new DataLoader<K, V, string>(async ([key]) => [await load(key!).catch(settle)], {
    batch: false,
    // With nothing to batch, a batch (and a cache hit: DataLoader answers those with the batch
    // too) need not wait for the promise jobs and a nextTick: a microtask is enough.
    batchScheduleFn: queueMicrotask,
    ...(cacheKeyFn && { cacheKeyFn }),
  });
}

/** What find returns once one of the loads has settled and it finds something; undefined once all have settled without. */
function firstFound<T>(loads: readonly Promise<unknown>[], find: () => T | undefined): Promise<T | undefined> {
  return new Promise((resolve) => {
    let unsettled = loads.length;
    const look = () => {
      unsettled--;
      const found = find();
      if (found !== undefined || unsettled === 0) resolve(found);
    };
    for (const load of loads) load.then(look, look);
  });
}

/** What a function returns, or undefined when it throws: content from the replicas' cache that does not check out is a miss. */
function attempt<T>(make: () => T): T | undefined {
  try {
    return make();
  } catch {
    return undefined;
  }
}

function parseImageConfig(bytes: Buffer, digest: string): ImageConfigDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new RegistryError({ kind: 'PROTOCOL', message: `config blob ${digest} is not JSON` });
  }
  if (!isRecord(parsed)) {
    throw new RegistryError({ kind: 'PROTOCOL', message: `config blob ${digest} is not a JSON object` });
  }
  return parsed as ImageConfigDocument;
}

const repositoryCacheKey = (key: RepositoryKey) => `${key.registry}\u0000${key.repository}`;
const manifestCacheKey = (key: ManifestKey) => `${repositoryCacheKey(key)}\u0000${key.reference}`;
const digestCacheKey = (key: DigestKey) => `${repositoryCacheKey(key)}\u0000${key.digest}`;
