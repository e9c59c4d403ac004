/**
 * The dashboard's data fetched straight from the registry, without the gateway, the way a
 * script would: the baselines the gateway is measured against. Both make the minimal set of
 * calls (digest de-duplication: a manifest or config already seen is not fetched again, and an
 * index's children are fetched only after the repository's tags, since a tag may be one of
 * them). The sequential client makes one call at a time; the parallel one makes every call as
 * soon as it can, with as many in flight as its connection pool allows.
 * Kept across runs, what they fetched by digest makes the warm run: tags are confirmed with a
 * HEAD, content comes from memory.
 */
import { RegistryClient } from '../src/registry/client.js';
import { isImageConfigMediaType } from '../src/registry/mediaTypes.js';
import type { FetchedManifest, ImageConfigDocument } from '../src/registry/types.js';
import { runnableEntries } from '../src/model/manifestFacts.js';
import { rfc3339OrNull } from '../src/model/dates.js';
import { sortByName } from '../src/model/tagOrder.js';
import { formatPlatform, type TagLine } from './dashboardLines.js';

export type DirectClientMode = 'sequential' | 'parallel';

const MiB = 1024 * 1024;

export class DirectDashboardClient {
  private readonly client: RegistryClient;
  /** By repository@digest; promises, so that concurrent asks share one call. */
  private readonly manifestsByDigest = new Map<string, Promise<FetchedManifest>>();
  private readonly configs = new Map<string, Promise<ImageConfigDocument>>();
  /** repository:tag → the digest it pointed at when last fetched. */
  private readonly tagDigests = new Map<string, string>();

  constructor(
    private readonly mode: DirectClientMode,
    registryUrl: string,
    concurrency: number,
  ) {
    this.client = new RegistryClient({
      name: `direct-${mode}`,
      url: registryUrl,
      concurrency: mode === 'sequential' ? 1 : concurrency,
      timeoutMs: 60_000,
      maxManifestBytes: 4 * MiB,
      maxBlobBytes: 8 * MiB,
    });
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** What the Dashboard operation shows for the first `repositories` repositories and their first `tags` tags by name. */
  async dashboard(repositories: number, tags: number): Promise<TagLine[]> {
    const [, catalog] = await this.both(
      () => this.client.ping(),
      () => this.client.catalogPage({ n: Math.min(repositories + 1, 1000) }),
    );
    const perRepository = await this.each(catalog.repositories.slice(0, repositories), (repository) => this.repository(repository, tags));
    return perRepository.flat();
  }

  private async repository(repository: string, tagCount: number): Promise<TagLine[]> {
    const tags = sortByName(await this.client.tagsList(repository), false).slice(0, tagCount);
    const tagged = await this.each(tags, async (tag) => {
      const manifest = await this.manifestByTag(repository, tag);
      const config = await this.imageConfig(repository, manifest);
      return { tag, manifest, config };
    });
    // Only now: every tag's manifest is known, so a child that is also tagged is not fetched again.
    return this.each(tagged, async ({ tag, manifest, config }) => ({
      repository,
      tag,
      digest: manifest.digest,
      mediaType: manifest.mediaType,
      size: manifest.size,
      totalSize: await this.totalSize(repository, manifest),
      platforms: platformsOf(manifest, config),
      created: createdOf(config),
    }));
  }

  /** A GET by tag; a HEAD when the tag's last digest is in memory, the content then coming from memory. */
  private async manifestByTag(repository: string, tag: string): Promise<FetchedManifest> {
    const tagKey = `${repository}:${tag}`;
    const lastDigest = this.tagDigests.get(tagKey);
    if (lastDigest && this.manifestsByDigest.has(`${repository}@${lastDigest}`)) {
      const { digest } = await this.client.manifestHead(repository, tag);
      return this.manifestByDigest(repository, digest);
    }
    const manifest = await this.client.manifestGet(repository, tag);
    this.tagDigests.set(tagKey, manifest.digest);
    const key = `${repository}@${manifest.digest}`;
    if (!this.manifestsByDigest.has(key)) this.manifestsByDigest.set(key, Promise.resolve(manifest));
    return manifest;
  }

  private manifestByDigest(repository: string, digest: string): Promise<FetchedManifest> {
    return this.remembered(this.manifestsByDigest, `${repository}@${digest}`, () => this.client.manifestGet(repository, digest));
  }

  private async imageConfig(repository: string, manifest: FetchedManifest): Promise<ImageConfigDocument | undefined> {
    if (manifest.kind !== 'image' || !isImageConfigMediaType(manifest.document.config.mediaType)) return undefined;
    const { digest } = manifest.document.config;
    return this.remembered(
      this.configs,
      `${repository}@${digest}`,
      async () => JSON.parse((await this.client.blobGet(repository, digest)).toString('utf8')) as ImageConfigDocument,
    );
  }

  /** Each distinct blob once: the document, its config and layers; an index's children recursively. */
  private async totalSize(repository: string, manifest: FetchedManifest): Promise<number> {
    const sizes = new Map<string, number>();
    const collect = async (current: FetchedManifest): Promise<void> => {
      sizes.set(current.digest, current.size);
      if (current.kind === 'image') {
        for (const blob of [current.document.config, ...current.document.layers]) sizes.set(blob.digest, blob.size);
        return;
      }
      await this.each(current.document.manifests, async (entry) => collect(await this.manifestByDigest(repository, entry.digest)));
    };
    await collect(manifest);
    return [...sizes.values()].reduce((total, size) => total + size, 0);
  }

  private remembered<V>(memory: Map<string, Promise<V>>, key: string, fetch: () => Promise<V>): Promise<V> {
    let value = memory.get(key);
    if (!value) {
      value = fetch();
      memory.set(key, value);
      value.catch(() => memory.delete(key));
    }
    return value;
  }

  /** Every item: one after the other, or all at once (the pool bounds what is in flight). */
  private async each<T, R>(items: readonly T[], task: (item: T) => Promise<R>): Promise<R[]> {
    if (this.mode === 'parallel') return Promise.all(items.map(task));
    const results: R[] = [];
    for (const item of items) results.push(await task(item));
    return results;
  }

  private async both<A, B>(first: () => Promise<A>, second: () => Promise<B>): Promise<[A, B]> {
    if (this.mode === 'parallel') return Promise.all([first(), second()]);
    const a = await first();
    return [a, await second()];
  }
}

function platformsOf(manifest: FetchedManifest, config: ImageConfigDocument | undefined): string {
  if (manifest.kind === 'index') {
    return runnableEntries(manifest.document)
      .flatMap((entry) => (entry.platform ? [formatPlatform(entry.platform)] : []))
      .join(',');
  }
  return config?.os && config.architecture
    ? formatPlatform({ os: config.os, architecture: config.architecture, variant: config.variant })
    : '';
}

function createdOf(config: ImageConfigDocument | undefined): string | null {
  return rfc3339OrNull(config?.created);
}
