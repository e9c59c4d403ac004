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
import { GatewayError, registryErrorCode } from '../errors.js';
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
 * registry refuses to delete the placeholder after the tag was moved onto it, the tag is put
 * back on `current`. When the registry stops answering half-way, the tag is read again, and the
 * error says what holds (see TagState) and how to finish.
 */
export async function removeTag(client: RegistryClient, repository: string, tag: string, current: FetchedManifest): Promise<TagRemoval> {
  try {
    await client.manifestDelete(repository, tag);
    return 'deletedByTag';
  } catch (error) {
    if (!refusesDeleteByTag(error)) throw error;
  }

  const placeholder = placeholderManifest();
  // Deleting by digest has to work before the tag moves. The placeholder's digest names nothing
  // yet, so a registry that deletes answers 404; one that does not (deletion disabled,
  // read-only, no delete permission) refuses here, with the tag untouched.
  try {
    await client.manifestDelete(repository, placeholder.digest);
  } catch (error) {
    if (!isRegistryError(error, 'NOT_FOUND')) throw placeholderRefused(tag, error);
  }
  await ensureEmptyBlob(client, repository);
  const where: PlaceholderMove = { client, repository, tag, current, placeholder: placeholder.digest };
  try {
    await client.manifestPut(repository, tag, placeholder.bytes, MediaType.ociManifest);
  } catch (error) {
    // Without an answer the PUT may have been carried out: only a tag known to be untouched ends here.
    const state = isRegistryError(error) && !error.maybeApplied ? 'INTACT' : await readTagState(where);
    if (state !== 'ON_PLACEHOLDER') throw interrupted(error, state, where);
  }
  return deletePlaceholder(where);
}

/**
 * What holds for the tag after a removal was interrupted: gone, still on its manifest, waiting on
 * the placeholder, moved elsewhere by someone else, or not known (the registry does not answer).
 */
export type TagState = 'DELETED' | 'INTACT' | 'ON_PLACEHOLDER' | 'MOVED' | 'UNKNOWN';

interface PlaceholderMove {
  client: RegistryClient;
  repository: string;
  tag: string;
  /** What the tag pointed at. */
  current: FetchedManifest;
  /** The placeholder's digest. */
  placeholder: string;
}

/**
 * Deletes the placeholder the tag was moved onto, which takes the tag with it. A DELETE whose
 * answer is lost is repeated by the client; its 404 then means the first one was applied.
 */
async function deletePlaceholder(where: PlaceholderMove): Promise<TagRemoval> {
  const { client, repository, tag, current, placeholder } = where;
  try {
    await client.manifestDelete(repository, placeholder);
    return 'placeholder';
  } catch (error) {
    if (isRegistryError(error, 'NOT_FOUND')) return 'placeholder';
    if (isRegistryError(error) && !error.maybeApplied && error.status !== undefined) {
      // The registry answered, and did not delete: the tag is on the placeholder; put it back.
      const restored = await client.manifestPut(repository, tag, current.bytes, current.mediaType).then(
        () => true,
        () => false,
      );
      throw interrupted(error, restored ? 'INTACT' : 'ON_PLACEHOLDER', where);
    }
    // The DELETE never reached the registry, or may have been carried out: read the tag again.
    const state = isRegistryError(error) && !error.maybeApplied ? 'ON_PLACEHOLDER' : await readTagState(where);
    if (state === 'DELETED') return 'placeholder';
    throw interrupted(error, state, where);
  }
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

/** What the tag points at now, read with a HEAD; UNKNOWN when the registry does not answer. */
async function readTagState({ client, repository, tag, current, placeholder }: PlaceholderMove): Promise<TagState> {
  try {
    const { digest } = await client.manifestHead(repository, tag);
    return digest === placeholder ? 'ON_PLACEHOLDER' : digest === current.digest ? 'INTACT' : 'MOVED';
  } catch (error) {
    return isRegistryError(error, 'NOT_FOUND') ? 'DELETED' : 'UNKNOWN';
  }
}

/** The failure, told with what holds for the tag and how to finish: never advice that would bring back a deleted tag. */
function interrupted(error: unknown, state: TagState, { tag, current, placeholder }: PlaceholderMove): unknown {
  if (!(error instanceof RegistryError)) return error;
  const finish = `deleteManifest(digest: "${placeholder}")`;
  const outcome: Record<Exclude<TagState, 'DELETED'>, string> = {
    INTACT: `the tag "${tag}" still points at ${current.digest}: nothing was removed`,
    ON_PLACEHOLDER:
      `the tag "${tag}" now points at the placeholder manifest ${placeholder}, which no other tag points at: ` +
      `finish the removal with ${finish}, or put the tag back with tagManifest(source: "${current.digest}")`,
    MOVED: `the tag "${tag}" was moved to another manifest meanwhile, by another client: nothing was removed`,
    UNKNOWN:
      `the registry stopped answering, so whether the tag "${tag}" is gone is not known. When it answers, a HEAD of the tag ` +
      `tells: 404 means it is deleted; ${placeholder} means it waits on the placeholder, and ${finish} finishes the removal`,
  };
  const message = state === 'DELETED' ? error.message : `${error.message}; ${outcome[state]}`;
  return new GatewayError(registryErrorCode(error.kind), message, {
    tagState: state,
    placeholderDigest: placeholder,
    registryErrors: error.registryErrors.map(({ code, message: text }) => ({ code, message: text })),
    ...(error.status === undefined ? {} : { upstreamStatus: error.status }),
  });
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
