/**
 * Manifests of a repository and the facts that need more than their own document: image
 * configs, children of indexes, created dates, total sizes, the tags pointing at a digest.
 */
import type { ManifestKey } from '../loaders/loaders.js';
import { isRegistryError, nullIfNotFound } from '../registry/errors.js';
import { parseReference } from '../registry/reference.js';
import type { FetchedManifest, ImageConfigDocument, Platform } from '../registry/types.js';
import { isRfc3339, rfc3339OrNull } from './dates.js';
import { CREATED_ANNOTATION, hasImageConfig, runnableEntries } from './manifestFacts.js';
import type { Reads } from './reads.js';
import type { RepositoryManifest } from './types.js';

export class Manifests {
  /** Facts worked out once per manifest in a request, however many tags point at it (the loaders hand out one object per digest). */
  private readonly totalSizes = new WeakMap<FetchedManifest, Promise<number>>();
  private readonly platforms = new WeakMap<FetchedManifest, Promise<Platform | null>>();
  private readonly imageConfigs = new WeakMap<FetchedManifest, Promise<ImageConfigDocument | null>>();

  constructor(private readonly reads: Reads) {}

  /** The manifest, or a NOT_FOUND RegistryError. */
  async load(key: ManifestKey): Promise<RepositoryManifest> {
    const manifest = await this.reads.loaders.manifests.load(key);
    return { registry: key.registry, repository: key.repository, manifest };
  }

  /** The manifest a tag or digest names, or null when the registry does not know it. */
  find(registry: string, repository: string, reference: string): Promise<RepositoryManifest | null> {
    return nullIfNotFound(this.load({ registry, repository, reference }));
  }

  /** 'repo:tag', 'repo@digest', 'repo:tag@digest' (the digest decides, as with docker pull) or 'repo' ('repo:latest'). */
  findByImageReference(registry: string, reference: string): Promise<RepositoryManifest | null> {
    const { repository, tag, digest } = parseReference(reference);
    return this.find(registry, repository, digest ?? tag ?? 'latest');
  }

  /** Image config of an image manifest, or null for an artifact (a config that is not an image config) and an index. */
  imageConfig(parent: RepositoryManifest): Promise<ImageConfigDocument | null> {
    return once(this.imageConfigs, parent.manifest, () => this.loadImageConfig(parent));
  }

  private async loadImageConfig({ registry, repository, manifest }: RepositoryManifest): Promise<ImageConfigDocument | null> {
    if (manifest.kind !== 'image' || !hasImageConfig(manifest)) return null;
    return this.reads.loaders.configs.load({ registry, repository, digest: manifest.document.config.digest });
  }

  /** os/architecture/variant from the image configuration. */
  platform(parent: RepositoryManifest): Promise<Platform | null> {
    return once(this.platforms, parent.manifest, () => this.platformOf(parent));
  }

  private async platformOf(parent: RepositoryManifest): Promise<Platform | null> {
    const config = await this.imageConfig(parent);
    return config?.os && config.architecture
      ? { os: config.os, architecture: config.architecture, variant: config.variant, 'os.version': config['os.version'] }
      : null;
  }

  /**
   * When the content was made, as the document writes it (RFC 3339): the image config's `created`,
   * else the created annotation; for an index, its annotation or else its first runnable image's
   * date. null when none of them is an RFC 3339 date.
   */
  async created(parent: RepositoryManifest): Promise<string | null> {
    const { registry, repository, manifest } = parent;
    const known = this.reads.cache.getCreated(registry, repository, manifest.digest);
    if (known !== undefined) return known;
    const shared = await this.reads.shared.content.created(registry, repository, manifest.digest);
    // Trusted no more than a document: a date kept by the replicas must be one.
    const kept = shared === null || (shared !== undefined && isRfc3339(shared)) ? shared : undefined;
    const created = kept !== undefined ? kept : await this.workOutCreated(parent);
    this.reads.cache.setCreated(registry, repository, manifest.digest, created);
    if (kept === undefined) this.reads.shared.content.setCreated(registry, repository, manifest.digest, created);
    return created;
  }

  private async workOutCreated(parent: RepositoryManifest): Promise<string | null> {
    const { manifest } = parent;
    const annotated = rfc3339OrNull(manifest.document.annotations?.[CREATED_ANNOTATION]);
    if (manifest.kind === 'image') {
      const config = await this.imageConfig(parent);
      return rfc3339OrNull(config?.created) ?? annotated;
    }
    if (annotated) return annotated;
    const firstImage = runnableEntries(manifest.document)[0];
    if (!firstImage) return null;
    const child = await this.load({ ...parent, reference: firstImage.digest });
    return child.manifest.kind === 'image' ? this.created(child) : null;
  }

  /**
   * Bytes a pull transfers, each distinct blob once: the document, its config and layers; for an
   * index, every entry's document and content. An image's come from its own document, at once.
   */
  totalSize(parent: RepositoryManifest): number | Promise<number> {
    const { manifest } = parent;
    if (manifest.kind === 'image') return sumOf(imageBlobSizes(manifest));
    return once(this.totalSizes, manifest, () => this.sumBlobSizes(parent));
  }

  private async sumBlobSizes(parent: RepositoryManifest): Promise<number> {
    const sizes = new Map<string, number>();
    await this.collectBlobSizes(parent, sizes);
    return sumOf(sizes);
  }

  private async collectBlobSizes(parent: RepositoryManifest, sizes: Map<string, number>): Promise<void> {
    const { manifest } = parent;
    if (manifest.kind === 'image') {
      for (const [digest, size] of imageBlobSizes(manifest)) sizes.set(digest, size);
      return;
    }
    sizes.set(manifest.digest, manifest.size);
    await Promise.all(
      manifest.document.manifests.map(async (entry) => {
        const child = await this.load({ ...parent, reference: entry.digest });
        await this.collectBlobSizes(child, sizes);
      }),
    );
  }

  /**
   * Tags of the repository whose manifest is this digest, sorted; every tag is resolved (loaders
   * de-duplicate); none in a repository without a tag list. A tag that fails to resolve counts as
   * not pointing at it; with `strict` (before a delete, which must not miss a tag) only a tag that
   * is gone meanwhile does, any other failure is thrown.
   */
  async tagsPointingAt(parent: RepositoryManifest, { strict = false }: { strict?: boolean } = {}): Promise<string[]> {
    const { registry, repository } = parent;
    // Distribution answers 404 for the tag list of a repository that never had a tag.
    const tags = await nullIfNotFound(this.reads.loaders.tags.load({ registry, repository }));
    if (tags === null) return [];
    const digests = await Promise.all(
      tags.map((tag) =>
        this.reads.loaders.manifests.load({ registry, repository, reference: tag }).then(
          (manifest) => manifest.digest,
          (error: unknown) => {
            if (strict && !isRegistryError(error, 'NOT_FOUND')) throw error;
            return undefined;
          },
        ),
      ),
    );
    return tags.filter((_tag, index) => digests[index] === parent.manifest.digest).sort();
  }
}

/** The document, its config and its layers, by digest. */
function imageBlobSizes(manifest: Extract<FetchedManifest, { kind: 'image' }>): Map<string, number> {
  const sizes = new Map([[manifest.digest, manifest.size]]);
  for (const descriptor of [manifest.document.config, ...manifest.document.layers]) sizes.set(descriptor.digest, descriptor.size);
  return sizes;
}

function sumOf(sizes: Map<string, number>): number {
  let total = 0;
  for (const size of sizes.values()) total += size;
  return total;
}

function once<T>(facts: WeakMap<FetchedManifest, Promise<T>>, manifest: FetchedManifest, workOut: () => Promise<T>): Promise<T> {
  let fact = facts.get(manifest);
  if (!fact) {
    const worked = workOut();
    facts.set(manifest, worked);
    // Failures are not kept: asked again after a write (Reads.forget), a config the registry did not answer for is read again, as the loaders do.
    worked.catch(() => facts.get(manifest) === worked && facts.delete(manifest));
    fact = worked;
  }
  return fact;
}
