import { LRUCache } from 'lru-cache';
import type { FetchedManifest, ImageConfigDocument } from '../registry/types.js';

type Cached = { manifest: FetchedManifest } | { config: ImageConfigDocument; bytes: number } | { created: string | null };

/** Lookups remembered for uncachedShare. */
const RECENT_LOOKUPS = 1024;

/** Bytes a created date takes in memory, as the bound counts it. */
const CREATED_ENTRY_BYTES = 64;

/**
 * Process-wide memory of content addressed by digest. Such content never changes, so it is
 * served without asking the registry again; the cache is bounded in bytes, and the least
 * recently used content goes first. Keys include the repository: a digest readable in one
 * repository says nothing about another.
 */
export class ContentCache {
  private readonly content: LRUCache<string, Cached>;
  /**
   * The digest a tag pointed at when last seen. Only a hint: tags move, so it is always
   * confirmed with a HEAD before the cached content is used.
   */
  private readonly lastSeenTagDigest: LRUCache<string, string>;

  /** Keys of the latest lookups, oldest first: what queries have been asking for lately. */
  private readonly recentLookups: string[] = [];

  /** onLookup: each lookup, by what was looked up (manifest, config, created) and whether it was there. */
  constructor(
    maxBytes: number,
    private readonly onLookup: (kind: string, hit: boolean) => void = () => {},
  ) {
    this.content = new LRUCache<string, Cached>({
      // lru-cache needs a positive bound; a zero budget simply never stores.
      maxSize: Math.max(maxBytes, 1),
      // Parsed documents take about twice their serialized size in memory.
      sizeCalculation: (value, key) =>
        key.length + ('manifest' in value ? 2 * value.manifest.size : 'config' in value ? 2 * value.bytes : CREATED_ENTRY_BYTES),
    });
    // Bounded by size, one per tag: a `max` would allocate the whole capacity up front.
    this.lastSeenTagDigest = new LRUCache<string, string>({ maxSize: 100_000, sizeCalculation: () => 1 });
  }

  getManifest(registry: string, repository: string, digest: string): FetchedManifest | undefined {
    const hit = this.lookUp(key('manifest', registry, repository, digest));
    return hit && 'manifest' in hit ? hit.manifest : undefined;
  }

  /** The manifest if held, not counted as a lookup (metrics, uncachedShare): for a GET that is made anyway. */
  heldManifest(registry: string, repository: string, digest: string): FetchedManifest | undefined {
    const held = this.content.get(key('manifest', registry, repository, digest));
    return held && 'manifest' in held ? held.manifest : undefined;
  }

  setManifest(registry: string, repository: string, manifest: FetchedManifest): void {
    this.content.set(key('manifest', registry, repository, manifest.digest), { manifest });
  }

  getConfig(registry: string, repository: string, digest: string): ImageConfigDocument | undefined {
    const hit = this.lookUp(key('config', registry, repository, digest));
    return hit && 'config' in hit ? hit.config : undefined;
  }

  /**
   * When the manifest's content was made (null: it does not say), once worked out: a fact of the
   * content, so it is kept by digest like the content, and sorting by date needs no manifest or
   * config again. undefined when not known.
   */
  getCreated(registry: string, repository: string, digest: string): string | null | undefined {
    const hit = this.lookUp(key('created', registry, repository, digest));
    return hit && 'created' in hit ? hit.created : undefined;
  }

  setCreated(registry: string, repository: string, digest: string, created: string | null): void {
    this.content.set(key('created', registry, repository, digest), { created });
  }

  /**
   * Of the content the latest lookups asked for, the share that is not in the cache now (1
   * before any lookup): what the query cost estimate expects a query to have to fetch. Content
   * fetched after a miss counts as cached, since the same query again would find it.
   */
  uncachedShare(): number {
    if (this.recentLookups.length === 0) return 1;
    const missing = this.recentLookups.filter((recent) => !this.content.has(recent)).length;
    return missing / this.recentLookups.length;
  }

  private lookUp(cacheKey: string): Cached | undefined {
    if (this.recentLookups.push(cacheKey) > RECENT_LOOKUPS) this.recentLookups.shift();
    const hit = this.content.get(cacheKey);
    this.onLookup(cacheKey.slice(0, cacheKey.indexOf('\u0000')), hit !== undefined);
    return hit;
  }

  setConfig(registry: string, repository: string, digest: string, config: ImageConfigDocument, bytes: number): void {
    this.content.set(key('config', registry, repository, digest), { config, bytes });
  }

  getTagHint(registry: string, repository: string, tag: string): string | undefined {
    return this.lastSeenTagDigest.get(key('tag', registry, repository, tag));
  }

  setTagHint(registry: string, repository: string, tag: string, digest: string): void {
    this.lastSeenTagDigest.set(key('tag', registry, repository, tag), digest);
  }

  /** After a write moved or removed the tag: its last digest must not be taken for granted. */
  forgetTag(registry: string, repository: string, tag: string): void {
    this.lastSeenTagDigest.delete(key('tag', registry, repository, tag));
  }

  /** After the manifest was deleted: it must not be served from memory any more. */
  forgetManifest(registry: string, repository: string, digest: string): void {
    this.content.delete(key('manifest', registry, repository, digest));
  }

  /** Bytes held, as the bound counts them. */
  get size(): number {
    return this.content.calculatedSize;
  }
}

function key(kind: string, registry: string, repository: string, reference: string): string {
  return `${kind}\u0000${registry}\u0000${repository}\u0000${reference}`;
}
