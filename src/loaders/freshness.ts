/**
 * What was read of a registry that sends its events (distribution's notifications), kept across
 * requests: its ping, catalog pages, tag lists, what each tag points at and which repositories
 * exist. An event for a repository makes what was kept of it stale at once; whatever no event
 * reaches is trusted for maxStalenessMs at most, because the registry keeps its undelivered
 * events in memory and loses them when it restarts. Bounded in the names it holds.
 */
import { LRUCache } from 'lru-cache';
import type { CatalogPage, ManifestHeadResult, PingResult } from '../registry/types.js';

/** Names (tags, repositories) kept over all entries: a few million tag names take some hundred MiB. */
const MAX_NAMES = 2_000_000;

type Entry =
  | { kind: 'ping'; ping: PingResult }
  | { kind: 'catalog'; page: CatalogPage }
  | { kind: 'tags'; tags: string[] }
  | { kind: 'head'; head: ManifestHeadResult | null }
  | { kind: 'exists'; exists: boolean };

export class Freshness {
  private readonly entries: LRUCache<string, { entry: Entry; at: number }>;
  /** Keys of each repository's entries, to forget them together. */
  private readonly byRepository = new Map<string, Set<string>>();
  private readonly catalogKeys = new Set<string>();

  constructor(
    readonly maxStalenessMs: number,
    private readonly now: () => number = Date.now,
    private readonly onLookup: (hit: boolean) => void = () => {},
  ) {
    this.entries = new LRUCache({
      maxSize: MAX_NAMES,
      sizeCalculation: ({ entry }) =>
        entry.kind === 'tags' ? Math.max(entry.tags.length, 1) : entry.kind === 'catalog' ? Math.max(entry.page.repositories.length, 1) : 1,
      dispose: (_value, key) => this.unindex(key),
    });
  }

  ping(): PingResult | undefined {
    const entry = this.get('ping');
    return entry?.kind === 'ping' ? entry.ping : undefined;
  }

  setPing(ping: PingResult): void {
    this.set('ping', { kind: 'ping', ping });
  }

  catalogPage(n: number, last: string | undefined): CatalogPage | undefined {
    const entry = this.get(catalogKey(n, last));
    return entry?.kind === 'catalog' ? entry.page : undefined;
  }

  setCatalogPage(n: number, last: string | undefined, page: CatalogPage): void {
    this.set(catalogKey(n, last), { kind: 'catalog', page });
  }

  tagList(repository: string): string[] | undefined {
    const entry = this.get(repositoryKey(repository, 'tags'));
    return entry?.kind === 'tags' ? entry.tags : undefined;
  }

  setTagList(repository: string, tags: string[]): void {
    this.set(repositoryKey(repository, 'tags'), { kind: 'tags', tags }, repository);
  }

  /** What the tag points at; null: no such tag; undefined: not known. */
  tagHead(repository: string, tag: string): ManifestHeadResult | null | undefined {
    const entry = this.get(repositoryKey(repository, `tag\u0000${tag}`));
    return entry?.kind === 'head' ? entry.head : undefined;
  }

  setTagHead(repository: string, tag: string, head: ManifestHeadResult | null): void {
    this.set(repositoryKey(repository, `tag\u0000${tag}`), { kind: 'head', head }, repository);
  }

  repositoryExists(repository: string): boolean | undefined {
    const entry = this.get(repositoryKey(repository, 'exists'));
    if (entry?.kind === 'exists') return entry.exists;
    return this.tagList(repository) === undefined ? undefined : true;
  }

  setRepositoryExists(repository: string, exists: boolean): void {
    this.set(repositoryKey(repository, 'exists'), { kind: 'exists', exists }, repository);
  }

  /**
   * After an event for the repository: nothing kept of it holds. The catalog pages go too when
   * the repository is new to them (a push to a repository no kept page lists).
   */
  forgetRepository(repository: string): void {
    for (const key of [...(this.byRepository.get(repository) ?? [])]) this.entries.delete(key);
    const listed = [...this.catalogKeys].some((key) => {
      const kept = this.entries.peek(key)?.entry;
      return kept?.kind === 'catalog' && kept.page.repositories.includes(repository);
    });
    if (!listed) for (const key of [...this.catalogKeys]) this.entries.delete(key);
  }

  /** Everything, as after a restart of the registry. */
  clear(): void {
    this.entries.clear();
  }

  private get(key: string): Entry | undefined {
    const kept = this.entries.get(key);
    const fresh = kept !== undefined && this.now() - kept.at <= this.maxStalenessMs;
    if (kept && !fresh) this.entries.delete(key);
    this.onLookup(fresh);
    return fresh ? kept.entry : undefined;
  }

  private set(key: string, entry: Entry, repository?: string): void {
    if (this.maxStalenessMs === 0) return;
    this.entries.set(key, { entry, at: this.now() });
    if (entry.kind === 'catalog') this.catalogKeys.add(key);
    if (repository !== undefined) {
      let keys = this.byRepository.get(repository);
      if (!keys) this.byRepository.set(repository, (keys = new Set()));
      keys.add(key);
    }
  }

  private unindex(key: string): void {
    this.catalogKeys.delete(key);
    const repository = key.startsWith('repo\u0000') ? key.split('\u0000')[1]! : undefined;
    if (repository === undefined) return;
    const keys = this.byRepository.get(repository);
    keys?.delete(key);
    if (keys?.size === 0) this.byRepository.delete(repository);
  }
}

const catalogKey = (n: number, last: string | undefined) => `catalog\u0000${n}\u0000${last ?? ''}`;
const repositoryKey = (repository: string, what: string) => `repo\u0000${repository}\u0000${what}`;
