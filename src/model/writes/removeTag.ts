/**
 * Removing one tag without touching the other tags on its digest. Registries that implement
 * tag deletion (OCI distribution 1.1, distribution 3) do it with DELETE by tag. Distribution 2.x
 * only deletes by digest, which removes every tag on the digest; there the tag is first moved
 * onto a placeholder manifest of its own, and the placeholder deleted by digest (the technique
 * of regctl's `tag delete`): only the moved tag pointed at it, so only that tag goes.
 */
import { randomUUID } from 'node:crypto';
import type { RegistryClient } from '../../registry/client.js';
import { computeDigest } from '../../registry/digest.js';
import { RegistryError, isRegistryError, nullIfNotFound, rephrased } from '../../registry/errors.js';
import { MediaType } from '../../registry/mediaTypes.js';
import type { Descriptor, FetchedManifest, ImageManifestDocument } from '../../registry/types.js';

/** How the tag went: DELETE by tag, or through a placeholder. */
export type TagRemoval = 'deletedByTag' | 'placeholder';

const PLACEHOLDER_ARTIFACT_TYPE = 'application/vnd.regql.tag-removal-placeholder.v1';
const PLACEHOLDER_ANNOTATION = 'dev.regql.tag-removal';

/** The OCI empty descriptor: the two bytes `{}`, config (and only layer) of a content-free artifact. */
const EMPTY_JSON = Buffer.from('{}');
const EMPTY_DESCRIPTOR: Descriptor = { mediaType: MediaType.ociEmpty, digest: computeDigest(EMPTY_JSON), size: EMPTY_JSON.length };

/**
 * Removes `tag`, which points at `current`, from the repository and nothing else. When the
 * placeholder cannot be deleted after the tag was moved onto it, the tag is put back on
 * `current` before the error is thrown.
 */
export async function removeTag(client: RegistryClient, repository: string, tag: string, current: FetchedManifest): Promise<TagRemoval> {
  try {
    await client.manifestDelete(repository, tag);
    return 'deletedByTag';
  } catch (error) {
    if (!refusesDeleteByTag(error)) throw error;
  }

  const placeholder = placeholderManifest();
  // The tag must never be left on the placeholder: deleting by digest has to work before it
  // moves. The placeholder's digest names nothing yet, so a registry that deletes answers 404;
  // one that does not (deletion disabled, read-only, no delete permission) refuses here.
  try {
    await client.manifestDelete(repository, placeholder.digest);
  } catch (error) {
    if (!isRegistryError(error, 'NOT_FOUND')) throw placeholderRefused(tag, error);
  }
  await ensureEmptyBlob(client, repository);
  await client.manifestPut(repository, tag, placeholder.bytes, MediaType.ociManifest);
  try {
    await client.manifestDelete(repository, placeholder.digest);
  } catch (error) {
    const restored = await client.manifestPut(repository, tag, current.bytes, current.mediaType).then(
      () => true,
      () => false,
    );
    throw restored ? error : placeholderLeft(tag, current.digest, error);
  }
  return 'placeholder';
}

/**
 * Distribution 2.x parses the reference of a manifest DELETE as a digest and answers 400
 * DIGEST_INVALID for a tag; the OCI spec lets registries refuse tag deletion with 400 or 405.
 */
function refusesDeleteByTag(error: unknown): boolean {
  return isRegistryError(error, 'INVALID') || isRegistryError(error, 'UNSUPPORTED');
}

/** The probe's refusal, saying why a digest the caller never named was deleted. */
function placeholderRefused(tag: string, error: unknown): unknown {
  if (!(error instanceof RegistryError)) return error;
  return rephrased(
    error,
    `removing the tag "${tag}" alone: the registry does not delete by tag, and deleting a placeholder manifest ` +
      `(the other way) is refused: ${error.message}`,
  );
}

/** Both the placeholder's deletion and the tag's way back failed: the operator has to know where the tag is. */
function placeholderLeft(tag: string, digest: string, error: unknown): unknown {
  if (!(error instanceof RegistryError)) return error;
  return rephrased(
    error,
    `${error.message}; the tag "${tag}" is left on a placeholder manifest and could not be put back: ` +
      `point it at ${digest} again (tagManifest with source ${digest})`,
  );
}

/** A manifest no other tag can point at: its annotation is new every time. */
function placeholderManifest(): { bytes: Buffer; digest: string } {
  const document: ImageManifestDocument = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: PLACEHOLDER_ARTIFACT_TYPE,
    config: EMPTY_DESCRIPTOR,
    layers: [EMPTY_DESCRIPTOR],
    annotations: { [PLACEHOLDER_ANNOTATION]: randomUUID() },
  };
  const bytes = Buffer.from(JSON.stringify(document));
  return { bytes, digest: computeDigest(bytes) };
}

async function ensureEmptyBlob(client: RegistryClient, repository: string): Promise<void> {
  if ((await nullIfNotFound(client.blobHead(repository, EMPTY_DESCRIPTOR.digest))) === null)
    await client.blobUpload(repository, EMPTY_JSON);
}
