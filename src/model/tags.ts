/** A repository's tags: pages in every order, with cursors; single tags and what they point at. */
import { nullIfNotFound } from '../registry/errors.js';
import { badInput } from './errors.js';
import type { Manifests } from './manifests.js';
import { type Connection, type PageRequest, connectionOf, decodeCursor, pageSize } from './paging.js';
import type { Reads } from './reads.js';
import { isReferrerTag } from './referrers.js';
import { type TagOrderName, sortByCreated, sortByName, sortBySemver } from './tagOrder.js';
import type { Repository, RepositoryManifest, Tag } from './types.js';

export const DEFAULT_TAG_PAGE = 100;
/** Also what the query cost limit assumes for fields that read every tag of a repository. */
export const MAX_TAG_PAGE = 1000;

export interface TagPageRequest extends PageRequest {
  orderBy?: TagOrderName | null;
  /** Leave out the tags that only carry referrers (sha256-<hex>, and cosign's .sig/.att/.sbom). */
  hideReferrerTags?: boolean | null;
}

export interface TagConnection extends Connection<Tag> {
  /** Tags that match the prefix, over all pages. */
  totalCount: number;
}

export class Tags {
  /** Per tag object of a page: its digest and its manifest are asked for separately and are one load. */
  private readonly manifestsOfTags = new WeakMap<Tag, Promise<RepositoryManifest | null>>();

  constructor(
    private readonly reads: Reads,
    private readonly manifests: Manifests,
  ) {}

  /** Every tag of the repository in registry order, or null when the registry does not know the repository. */
  list({ registry, name }: Repository): Promise<string[] | null> {
    return nullIfNotFound(this.reads.loaders.tags.load({ registry, repository: name }));
  }

  async count(repository: Repository): Promise<number | null> {
    return (await this.list(repository))?.length ?? null;
  }

  /**
   * The tag when the registry has it, else null: looked up in the tag list when this request
   * reads it anyway, else with one HEAD, whatever the length of the tag list.
   */
  async find(repository: Repository, name: string): Promise<Tag | null> {
    const key = { registry: repository.registry, repository: repository.name };
    const tag = { ...key, name };
    if (this.reads.loaders.hasTagList(key)) return (await this.list(repository))?.includes(name) ? tag : null;
    return (await this.reads.loaders.tagHeads.load({ ...key, reference: name })) ? tag : null;
  }

  /** The tag's manifest, or null once the tag is gone. */
  manifest(tag: Tag): Promise<RepositoryManifest | null> {
    let manifest = this.manifestsOfTags.get(tag);
    if (!manifest) {
      manifest = this.manifests.find(tag.registry, tag.repository, tag.name);
      this.manifestsOfTags.set(tag, manifest);
    }
    return manifest;
  }

  /** One page in the requested order, whatever order the registry lists the tags in; null for an unknown repository. */
  async page(repository: Repository, request: TagPageRequest): Promise<TagConnection | null> {
    const first = pageSize(request.first, DEFAULT_TAG_PAGE, MAX_TAG_PAGE);
    const order = request.orderBy ?? 'NAME_ASC';
    const cursorKind = `tag:${order}`;
    const after = request.after ? decodeCursor(cursorKind, request.after) : undefined;
    const all = await this.list(repository);
    if (all === null) return null;
    const prefix = request.prefix;
    const matching = all.filter((tag) => (!prefix || tag.startsWith(prefix)) && !(request.hideReferrerTags && isReferrerTag(tag)));
    const sorted = await this.sort(repository, matching, order);
    const start = after === undefined ? 0 : sorted.indexOf(after) + 1;
    if (after !== undefined && start === 0) throw badInput(`the tag "${after}" of the cursor is gone: start again without after`);
    const page = sorted.slice(start, start + first);
    const connection = connectionOf(cursorKind, page, (name) => ({ registry: repository.registry, repository: repository.name, name }), {
      hasNextPage: start + first < sorted.length,
      hasPreviousPage: start > 0,
    });
    return { ...connection, totalCount: sorted.length };
  }

  /**
   * When the tag's content was made. Dates are kept by digest across requests, so a tag dated
   * before costs one HEAD (it may have moved); otherwise its manifest (and config) are read.
   */
  async created(tag: Tag): Promise<string | null> {
    const { registry, repository, name } = tag;
    const { cache, loaders } = this.reads;
    const hint = cache.getTagHint(registry, repository, name);
    if (hint !== undefined && cache.getCreated(registry, repository, hint) !== undefined) {
      const head = await loaders.tagHeads.load({ registry, repository, reference: name });
      if (head === null) return null;
      const known = cache.getCreated(registry, repository, head.digest);
      if (known !== undefined) return known;
    }
    const manifest = await this.manifest(tag);
    return manifest ? this.manifests.created(manifest) : null;
  }

  private async sort(repository: Repository, tags: string[], order: TagOrderName): Promise<string[]> {
    switch (order) {
      case 'NAME_ASC':
        return sortByName(tags, false);
      case 'NAME_DESC':
        return sortByName(tags, true);
      case 'SEMVER_DESC':
        return sortBySemver(tags);
      case 'CREATED_DESC': {
        // Every tag's date is needed before the first can be placed; the loaders fetch them concurrently.
        const dates = await Promise.all(
          tags.map((name) => this.created({ registry: repository.registry, repository: repository.name, name }).catch(() => null)),
        );
        return sortByCreated(tags, new Map(tags.map((tag, index) => [tag, dates[index] ?? null])));
      }
    }
  }
}
