/** Facts a manifest's own document tells, without asking the registry. */
import { isImageConfigMediaType } from '../registry/mediaTypes.js';
import type { Descriptor, FetchedManifest, ImageIndexDocument, ImageManifestDocument } from '../registry/types.js';

export const ATTESTATION_ANNOTATION = 'vnd.docker.reference.type';
export const CREATED_ANNOTATION = 'org.opencontainers.image.created';

export function isAttestation(descriptor: Descriptor): boolean {
  return descriptor.annotations?.[ATTESTATION_ANNOTATION] === 'attestation-manifest';
}

/** An index's entries that are runnable images (not attestations, not unknown/unknown). */
export function runnableEntries(document: ImageIndexDocument): Descriptor[] {
  return document.manifests.filter(
    (entry) => !isAttestation(entry) && !(entry.platform?.os === 'unknown' && entry.platform.architecture === 'unknown'),
  );
}

/** Whether the config is an image configuration (a runnable image), not an artifact's. */
export function hasImageConfig(manifest: FetchedManifest): boolean {
  return manifest.kind === 'image' && isImageConfigMediaType(manifest.document.config.mediaType);
}

/** artifactType, falling back to config.mediaType for artifacts; null for plain images and indexes without one. */
export function artifactTypeOf(manifest: FetchedManifest): string | null {
  if (manifest.document.artifactType) return manifest.document.artifactType;
  if (manifest.kind === 'image' && !hasImageConfig(manifest)) return manifest.document.config.mediaType;
  return null;
}

export function imageDocument(manifest: FetchedManifest): ImageManifestDocument {
  if (manifest.kind !== 'image') throw new Error('not an image manifest');
  return manifest.document;
}

export function indexDocument(manifest: FetchedManifest): ImageIndexDocument {
  if (manifest.kind !== 'index') throw new Error('not an index');
  return manifest.document;
}
