/**
 * What the gateway has seen of the registries' sizes, for the query cost estimate made before a
 * query runs: how long tag lists are, how many repositories a catalog holds, how many entries
 * indexes and layers images have, how many manifests are images rather than indexes, and how
 * much of the content addressed by digest is already in the cache (the cache says). Estimates only: the real
 * calls are counted and bounded while the query runs.
 */
import { LRUCache } from 'lru-cache';
import type { FetchedManifest } from '../registry/types.js';

/** Until something is seen: a typical repository, index and image. */
export const TYPICAL_TAGS_PER_REPOSITORY = 20;
export const TYPICAL_INDEX_ENTRIES = 4;
export const TYPICAL_LAYERS_PER_IMAGE = 10;

const TRACKED_REPOSITORIES = 10_000;

/** A mean over a bounded set of keys, kept up to date as values are replaced or evicted. */
class KeyedMean {
  private sum = 0;
  private readonly values: LRUCache<string, number>;

  constructor(max: number) {
    this.values = new LRUCache<string, number>({ max, dispose: (value) => (this.sum -= value) });
  }

  set(key: string, value: number): void {
    // lru-cache does not dispose a value overwritten by an equal one: take the old one out first.
    this.values.delete(key);
    this.values.set(key, value);
    this.sum += value;
  }

  get mean(): number | undefined {
    return this.values.size === 0 ? undefined : this.sum / this.values.size;
  }
}

/** A mean over everything recorded. */
class RunningMean {
  private sum = 0;
  private count = 0;

  add(value: number): void {
    this.sum += value;
    this.count++;
  }

  get mean(): number | undefined {
    return this.count === 0 ? undefined : this.sum / this.count;
  }
}

export class ObservedSizes {
  private readonly tagLists = new KeyedMean(TRACKED_REPOSITORIES);
  private readonly catalogs = new Map<string, number>();
  private readonly indexEntries = new RunningMean();
  private readonly layers = new RunningMean();
  private images = 0;
  private indexes = 0;

  /**
   * uncachedShare: what the content cache says of the content queries asked for lately.
   * registries: how many are configured (a query may be about any of them).
   */
  constructor(
    private readonly uncached: () => number = () => 1,
    private readonly registries = 1,
  ) {}

  recordTagList(registry: string, repository: string, length: number): void {
    this.tagLists.set(`${registry}\u0000${repository}`, length);
  }

  /** A catalog read to its end from its start: the registry's number of repositories. */
  recordCatalog(registry: string, repositories: number): void {
    this.catalogs.set(registry, repositories);
  }

  recordManifest(manifest: FetchedManifest): void {
    if (manifest.kind === 'index') {
      this.indexes++;
      this.indexEntries.add(manifest.document.manifests.length);
    } else {
      this.images++;
      this.layers.add(manifest.document.layers.length);
    }
  }

  /** Repositories a page of `first` holds: fewer once every registry's catalog is known to be smaller. */
  repositoriesOnPage(first: number): number {
    if (this.catalogs.size < this.registries) return first;
    return Math.min(first, Math.max(...this.catalogs.values()));
  }

  tagsPerRepository(): number {
    return this.tagLists.mean ?? TYPICAL_TAGS_PER_REPOSITORY;
  }

  tagsOnPage(first: number): number {
    return Math.min(first, this.tagsPerRepository());
  }

  entriesPerIndex(): number {
    return this.indexEntries.mean ?? TYPICAL_INDEX_ENTRIES;
  }

  layersPerImage(): number {
    return this.layers.mean ?? TYPICAL_LAYERS_PER_IMAGE;
  }

  /** Of the manifests seen, the share that are images; undefined before any. */
  imageShare(): number | undefined {
    const seen = this.images + this.indexes;
    return seen === 0 ? undefined : this.images / seen;
  }

  /** The share of content addressed by digest that has to be fetched: 1 on a cold gateway, near 0 once warm. */
  uncachedShare(): number {
    return this.uncached();
  }
}
