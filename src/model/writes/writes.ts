/**
 * The workflows of the three mutations: what each reads first, what it refuses, what it
 * reports on a dry run, the registry calls that make the change, and what the change makes
 * stale. Access scopes are checked here too where they depend on what the registry holds
 * (deleting the last tag deletes the manifest, which needs the delete scope).
 */
import type { RequestAccess } from '../../access.js';
import type { ManifestKey } from '../../loaders/loaders.js';
import { isRegistryError, nullIfNotFound } from '../../registry/errors.js';
import { isDigest } from '../../registry/reference.js';
import { quote } from '../../util/quote.js';
import { badInput, conflict, notFound } from '../errors.js';
import type { Manifests } from '../manifests.js';
import type { Reads } from '../reads.js';
import type { Registries } from '../registries.js';
import type { Repository, RepositoryManifest, Tag } from '../types.js';
import { deleteManifestConfirmed, putTagConfirmed } from './confirmed.js';
import { copyManifestContent } from './copyContent.js';
import { checkedManifest } from './putManifest.js';
import { explainingRefusals } from './refusals.js';
import { removeTag } from './removeTag.js';

export interface DeleteTagRequest {
  registry?: string | null;
  repository: string;
  tag: string;
  /** Keep the manifest (reachable by digest) even when this was its last tag. */
  keepManifest?: boolean | null;
  dryRun?: boolean | null;
}

export interface DeleteTagResult {
  /** The repository, read again after the change. */
  repository: Repository;
  tag: string;
  /** The digest the tag pointed at. */
  digest: string;
  manifestDeleted: boolean;
  /** Tags that still point at the digest, sorted. */
  remainingTags: string[];
  dryRun: boolean;
}

export interface DeleteManifestRequest {
  registry?: string | null;
  repository: string;
  digest: string;
  dryRun?: boolean | null;
}

export interface DeleteManifestResult {
  /** The repository, read again after the change. */
  repository: Repository;
  digest: string;
  /** Tags that pointed at the digest and are gone (or would be, on a dry run), sorted. */
  removedTags: string[];
  dryRun: boolean;
}

export interface TagManifestRequest {
  registry?: string | null;
  repository: string;
  tag: string;
  /** A tag or digest in sourceRepository (default: repository). */
  source: string;
  sourceRepository?: string | null;
  dryRun?: boolean | null;
}

export interface TagManifestResult {
  /** The tag, read again after the change (on a dry run: as it is). */
  tag: Tag;
  /** The digest the tag points at after the change: the source's. */
  digest: string;
  /** What the tag pointed at before; null when it is new. */
  previousDigest: string | null;
  /** Whether the manifest's content comes from another repository (mounted or streamed). */
  copiesContent: boolean;
  dryRun: boolean;
}

export interface PutManifestRequest {
  registry?: string | null;
  repository: string;
  /** A tag, or the digest of the document. */
  reference: string;
  /** The exact text to store. */
  document: string;
  mediaType?: string | null;
}

export interface PutManifestResult {
  manifest: RepositoryManifest;
  /** The tag, when the reference was one. */
  tag: Tag | null;
}

export interface DeleteBlobRequest {
  registry?: string | null;
  repository: string;
  digest: string;
  force?: boolean | null;
  dryRun?: boolean | null;
}

export interface DeleteBlobResult {
  repository: Repository;
  digest: string;
  /** Tagged manifests of the repository that reference the blob, as repo:tag, sorted. */
  referencedBy: string[];
  dryRun: boolean;
}

export class Writes {
  constructor(
    private readonly reads: Reads,
    private readonly registries: Registries,
    private readonly manifests: Manifests,
    private readonly access: RequestAccess,
  ) {}

  /**
   * Removes exactly one tag; the manifest goes too when no other tag points at it, unless
   * keepManifest. Other tags on the digest stay.
   */
  async deleteTag(request: DeleteTagRequest): Promise<DeleteTagResult> {
    const name = this.registries.get(request.registry).config.name;
    const client = this.reads.client(name);
    const { repository, tag } = request;
    const current = await this.loadForWrite({ registry: name, repository, reference: tag }, `${repository} has no tag "${tag}"`);
    const digest = current.manifest.digest;
    const remainingTags = (await this.manifests.tagsPointingAt(current, { strict: true })).filter((other) => other !== tag);
    const manifestDeleted = remainingTags.length === 0 && !request.keepManifest;
    if (manifestDeleted) {
      this.access.require('delete', `deleteTag of the last tag on ${digest} (which deletes the manifest unless keepManifest is true)`);
    }
    const dryRun = request.dryRun ?? false;
    if (!dryRun) {
      // Forgotten whatever happens: an interrupted write may have changed the tag all the same.
      try {
        await explainingRefusals(async () => {
          if (manifestDeleted) await deleteManifestConfirmed(client, repository, digest);
          else await removeTag(client, repository, tag, current.manifest);
        });
      } finally {
        this.reads.forget({ registry: name, repository, tags: [tag], deletedDigests: manifestDeleted ? [digest] : [] });
      }
    }
    return { repository: { registry: name, name: repository }, tag, digest, manifestDeleted, remainingTags, dryRun };
  }

  /** Deletes a manifest by digest, and with it every tag that points at it (found before deleting). */
  async deleteManifest(request: DeleteManifestRequest): Promise<DeleteManifestResult> {
    const name = this.registries.get(request.registry).config.name;
    const client = this.reads.client(name);
    const { repository, digest } = request;
    if (!isDigest(digest)) {
      throw badInput(`deleteManifest takes a digest, and ${quote(digest)} is a tag: use deleteTag to remove one tag`);
    }
    const missing = `${repository} has no manifest ${digest}`;
    // A HEAD, because the content cache knows what the digest holds but not whether it still exists.
    await client.manifestHead(repository, digest).catch((error: unknown) => {
      throw isRegistryError(error, 'NOT_FOUND') ? notFound(missing) : error;
    });
    const manifest = await this.loadForWrite({ registry: name, repository, reference: digest }, missing);
    const removedTags = await this.manifests.tagsPointingAt(manifest, { strict: true });
    const dryRun = request.dryRun ?? false;
    if (!dryRun) {
      try {
        await explainingRefusals(() => deleteManifestConfirmed(client, repository, digest));
      } finally {
        this.reads.forget({ registry: name, repository, tags: removedTags, deletedDigests: [digest] });
      }
    }
    return { repository: { registry: name, name: repository }, digest, removedTags, dryRun };
  }

  /**
   * Points a tag (new or existing) at a manifest: its bytes are pushed unchanged under the tag,
   * so the digest is the source's; from another repository, its content is copied first.
   */
  async tagManifest(request: TagManifestRequest): Promise<TagManifestResult> {
    const name = this.registries.get(request.registry).config.name;
    const client = this.reads.client(name);
    const { repository, tag } = request;
    const fromRepository = request.sourceRepository ?? repository;
    const { manifest } = await this.loadForWrite(
      { registry: name, repository: fromRepository, reference: request.source },
      `${fromRepository} has no manifest "${request.source}"`,
    );
    const previous = await this.manifests.find(name, repository, tag);
    const result = {
      tag: { registry: name, repository, name: tag },
      digest: manifest.digest,
      previousDigest: previous?.manifest.digest ?? null,
      copiesContent: fromRepository !== repository,
      dryRun: request.dryRun ?? false,
    };
    if (result.dryRun) return result;
    try {
      await explainingRefusals(async () => {
        if (fromRepository !== repository) await copyManifestContent(client, manifest, { fromRepository, repository });
        await putTagConfirmed(client, repository, tag, manifest);
      });
    } finally {
      this.reads.forget({ registry: name, repository, tags: [tag], deletedDigests: [] });
    }
    return result;
  }

  /** Pushes a document as it is under a tag or its own digest, after checking it (checkedManifest). */
  async putManifest(request: PutManifestRequest): Promise<PutManifestResult> {
    const name = this.registries.get(request.registry).config.name;
    const client = this.reads.client(name);
    const { repository, reference } = request;
    const checked = checkedManifest(request.document, reference, request.mediaType, client.maxManifestBytes);
    const isTag = !isDigest(reference);
    try {
      await explainingRefusals(() => client.manifestPut(repository, reference, checked.bytes, checked.mediaType));
    } finally {
      this.reads.forget({ registry: name, repository, tags: isTag ? [reference] : [], deletedDigests: [] });
    }
    const manifest = await this.loadForWrite(
      { registry: name, repository, reference: checked.digest },
      `${repository} has no manifest ${checked.digest} after the push`,
    );
    return { manifest, tag: isTag ? { registry: name, repository, name: reference } : null };
  }

  /**
   * Deletes a blob from the repository; refused (CONFLICT, with the tags in referencedBy) while a
   * tagged manifest of the repository references it, unless force.
   */
  async deleteBlob(request: DeleteBlobRequest): Promise<DeleteBlobResult> {
    const name = this.registries.get(request.registry).config.name;
    const client = this.reads.client(name);
    const { repository, digest } = request;
    if (!isDigest(digest)) throw badInput(`${quote(digest)} is not a digest`);
    await client.blobHead(repository, digest).catch((error: unknown) => {
      throw isRegistryError(error, 'NOT_FOUND') ? notFound(`${repository} has no blob ${digest}`) : error;
    });
    const referencedBy = await this.tagsReferencing(name, repository, digest);
    if (referencedBy.length > 0 && !request.force) {
      throw conflict(
        `${digest} is in use by ${referencedBy.length} tagged manifest(s) of ${repository}: ${referencedBy.slice(0, 10).join(', ')}; force: true deletes it all the same`,
        {
          referencedBy,
        },
      );
    }
    const dryRun = request.dryRun ?? false;
    if (!dryRun) await explainingRefusals(() => client.blobDelete(repository, digest));
    return { repository: { registry: name, name: repository }, digest, referencedBy, dryRun };
  }

  /** The tags (repo:tag) whose manifest, or one of whose index's images, has the blob as config or layer. */
  private async tagsReferencing(registry: string, repository: string, digest: string): Promise<string[]> {
    const tags = (await nullIfNotFound(this.reads.loaders.tags.load({ registry, repository }))) ?? [];
    const uses = async (reference: string): Promise<boolean> => {
      const found = await this.manifests.find(registry, repository, reference);
      if (!found) return false;
      const { manifest } = found;
      if (manifest.kind === 'image')
        return [manifest.document.config, ...manifest.document.layers].some((descriptor) => descriptor.digest === digest);
      const children = await Promise.all(manifest.document.manifests.map((entry) => uses(entry.digest)));
      return children.some(Boolean);
    };
    const marked = await Promise.all(tags.map(async (tag) => ((await uses(tag)) ? `${repository}:${tag}` : undefined)));
    return marked.filter((tag): tag is string => tag !== undefined).sort();
  }

  /**
   * The manifest a write works on, fresh from the registry for a tag (the loaders confirm a
   * tag's digest). Unlike a query, where an unknown manifest is null, a write needs it:
   * NOT_FOUND with `missing` as the message.
   */
  private async loadForWrite(key: ManifestKey, missing: string): Promise<RepositoryManifest> {
    try {
      return await this.manifests.load(key);
    } catch (error) {
      if (isRegistryError(error, 'NOT_FOUND')) throw notFound(missing);
      throw error;
    }
  }
}
