/**
 * One request's access to registry content: the registries' clients bound to its operation,
 * its DataLoaders (which de-duplicate every read of the request) over the process-wide content
 * cache, and what a write makes stale.
 */
import type { ContentCache } from '../loaders/contentCache.js';
import type { Freshness } from '../loaders/freshness.js';
import { createLoaders, type Loaders } from '../loaders/loaders.js';
import type { ObservedSizes } from '../loaders/observedSizes.js';
import type { RegistryClient } from '../registry/client.js';
import type { CallContext } from '../registry/types.js';
import type { RegistrySet } from '../registries.js';
import { type SharedState, UNSHARED } from '../shared/sharedState.js';

/** What a write changed in one repository. */
export interface RepositoryWrite {
  registry: string;
  repository: string;
  /** Tags removed, created or moved. */
  tags: readonly string[];
  /** Manifests deleted. */
  deletedDigests: readonly string[];
}

export class Reads {
  #loaders: Loaders;
  private readonly clients = new Map<string, RegistryClient>();

  constructor(
    readonly registries: RegistrySet,
    readonly cache: ContentCache,
    readonly observed: ObservedSizes,
    private readonly freshness: ReadonlyMap<string, Freshness>,
    private readonly call: CallContext,
    readonly shared: SharedState = UNSHARED,
  ) {
    this.#loaders = this.newLoaders();
  }

  get loaders(): Loaders {
    return this.#loaders;
  }

  /** The client of a configured registry (its name was resolved by Registries.get), bound to this request's operation. */
  client(registry: string): RegistryClient {
    let client = this.clients.get(registry);
    if (!client) {
      const entry = this.registries.find(registry);
      if (!entry) throw new Error(`unknown registry "${registry}"`);
      client = entry.client.withContext(this.call);
      this.clients.set(registry, client);
    }
    return client;
  }

  /**
   * Forgets what a write made stale, so that no later read sees the removed tag, the old digest
   * of a moved tag or a deleted manifest. Process-wide: the tags' last digests, the deleted
   * manifests and what is kept of the repository. In this request: everything read so far, as the loaders' memory of tag lists and
   * manifests may predate the write; the rest of the request (the mutation's payload, the next
   * mutation of the operation) reads afresh.
   */
  forget(write: RepositoryWrite): void {
    const { registry, repository } = write;
    for (const tag of write.tags) this.cache.forgetTag(registry, repository, tag);
    for (const digest of write.deletedDigests) {
      this.cache.forgetManifest(registry, repository, digest);
      this.shared.content.forgetManifest(registry, repository, digest);
    }
    this.freshness.get(registry)?.forgetRepository(repository);
    void this.shared.freshness.forgetRepository(registry, repository);
    this.#loaders = this.newLoaders();
  }

  private newLoaders(): Loaders {
    return createLoaders({
      clientOf: (registry) => this.client(registry),
      cache: this.cache,
      observed: this.observed,
      freshnessOf: (registry) => this.freshness.get(registry),
      shared: this.shared,
    });
  }
}
