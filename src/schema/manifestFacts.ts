import type { GatewayContext } from '../loaders/context.js';
import type { ManifestKey } from '../loaders/loaders.js';
import { isRegistryError } from '../registry/errors.js';
import { isImageConfigMediaType } from '../registry/mediaTypes.js';
import type { Descriptor, FetchedManifest, ImageIndexDocument } from '../registry/types.js';
import { nullIfNotFound } from './errors.js';
import type { ManifestParent } from './refs.js';

/** Facts about a manifest that need more than its own document: children, configs, tags. */

export const ATTESTATION_ANNOTATION = 'vnd.docker.reference.type';
const CREATED_ANNOTATION = 'org.opencontainers.image.created';

export async function loadManifest(context: GatewayContext, key: ManifestKey): Promise<ManifestParent> {
  const manifest = await context.loaders.manifests.load(key);
  return { registry: key.registry, repository: key.repository, manifest };
}

export function isAttestation(descriptor: Descriptor): boolean {
  return descriptor.annotations?.[ATTESTATION_ANNOTATION] === 'attestation-manifest';
}

/** An index's entries that are runnable images (not attestations, not unknown/unknown). */
export function runnableEntries(document: ImageIndexDocument): Descriptor[] {
  return document.manifests.filter(
    (entry) => !isAttestation(entry) && !(entry.platform?.os === 'unknown' && entry.platform.architecture === 'unknown'),
  );
}

/** Image config of an image manifest, or null for an artifact (config that is not an image config). */
export async function imageConfigOf(context: GatewayContext, { registry, repository, manifest }: ManifestParent) {
  if (manifest.kind !== 'image' || !isImageConfigMediaType(manifest.document.config.mediaType)) return null;
  return context.loaders.configs.load({ registry, repository, digest: manifest.document.config.digest });
}

/**
 * When the content was made: the image config's `created`, else the created annotation; for an
 * index, its annotation or else its first runnable image's date.
 */
export async function manifestCreated(context: GatewayContext, parent: ManifestParent): Promise<Date | null> {
  const { manifest } = parent;
  const annotated = parseDate(manifest.document.annotations?.[CREATED_ANNOTATION]);
  if (manifest.kind === 'image') {
    const config = await imageConfigOf(context, parent);
    return parseDate(config?.created) ?? annotated;
  }
  if (annotated) return annotated;
  const firstImage = runnableEntries(manifest.document)[0];
  if (!firstImage) return null;
  const child = await loadManifest(context, { ...parent, reference: firstImage.digest });
  return child.manifest.kind === 'image' ? manifestCreated(context, child) : null;
}

/**
 * Bytes a pull transfers, each distinct blob once: the document, its config and layers; for an
 * index, every entry's document and content.
 */
export async function manifestTotalSize(context: GatewayContext, parent: ManifestParent): Promise<number> {
  const sizes = new Map<string, number>();
  await collectBlobSizes(context, parent, sizes);
  let total = 0;
  for (const size of sizes.values()) total += size;
  return total;
}

async function collectBlobSizes(context: GatewayContext, parent: ManifestParent, sizes: Map<string, number>): Promise<void> {
  const { manifest } = parent;
  sizes.set(manifest.digest, manifest.size);
  if (manifest.kind === 'image') {
    for (const descriptor of [manifest.document.config, ...manifest.document.layers]) sizes.set(descriptor.digest, descriptor.size);
    return;
  }
  await Promise.all(
    manifest.document.manifests.map(async (entry) => {
      const child = await loadManifest(context, { ...parent, reference: entry.digest });
      await collectBlobSizes(context, child, sizes);
    }),
  );
}

/**
 * Tags of the repository whose manifest is this digest, sorted; every tag is resolved (loaders
 * de-duplicate); none in a repository without a tag list. A tag that fails to resolve counts as not pointing at it; with `strict` (before
 * a delete, which must not miss a tag) only a tag that is gone meanwhile does, any other failure
 * is thrown.
 */
export async function tagsPointingAt(
  context: GatewayContext,
  parent: ManifestParent,
  { strict = false }: { strict?: boolean } = {},
): Promise<string[]> {
  const { registry, repository } = parent;
  // Distribution answers 404 for the tag list of a repository that never had a tag.
  const tags = await nullIfNotFound(context.loaders.tags.load({ registry, repository }));
  if (tags === null) return [];
  const digests = await Promise.all(
    tags.map((tag) =>
      context.loaders.manifests.load({ registry, repository, reference: tag }).then(
        (manifest: FetchedManifest) => manifest.digest,
        (error: unknown) => {
          if (strict && !isRegistryError(error, 'NOT_FOUND')) throw error;
          return undefined;
        },
      ),
    ),
  );
  return tags.filter((_tag, index) => digests[index] === parent.manifest.digest).sort();
}

/** A date from a document, or null when absent or not a date. */
export function parseDate(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
