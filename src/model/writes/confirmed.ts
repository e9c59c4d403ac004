/**
 * Writes whose answer may be lost: when the registry stops answering after the request was
 * sent, what the registry holds is read again, so that the outcome reported is what is true.
 * A write that turns out to have been carried out is a success.
 */
import type { RegistryClient } from '../../registry/client.js';
import { RegistryError, isRegistryError, rephrased } from '../../registry/errors.js';
import type { FetchedManifest } from '../../registry/types.js';

/** Deletes a manifest by digest; a 404 (after an attempt whose answer was lost, or someone else's delete) is the manifest gone. */
export async function deleteManifestConfirmed(client: RegistryClient, repository: string, digest: string): Promise<void> {
  try {
    await client.manifestDelete(repository, digest);
  } catch (error) {
    if (isRegistryError(error, 'NOT_FOUND')) return;
    if (!isRegistryError(error) || !error.maybeApplied) throw error;
    const exists = await client.manifestHead(repository, digest).then(
      () => true,
      (headError: unknown) => (isRegistryError(headError, 'NOT_FOUND') ? false : undefined),
    );
    if (exists === false) return;
    throw rephrased(
      error,
      exists
        ? `${error.message}; the manifest ${digest} is still there: nothing was deleted`
        : `${error.message}; the registry stopped answering, so whether ${digest} was deleted is not known: a HEAD of it tells (404: deleted)`,
    );
  }
}

/** Pushes a manifest under a tag; when the answer is lost, the tag is read again. */
export async function putTagConfirmed(client: RegistryClient, repository: string, tag: string, manifest: FetchedManifest): Promise<void> {
  let stored: string;
  try {
    stored = await client.manifestPut(repository, tag, manifest.bytes, manifest.mediaType);
  } catch (error) {
    if (!isRegistryError(error) || !error.maybeApplied) throw error;
    const now = await client.manifestHead(repository, tag).then(
      ({ digest }) => digest,
      (headError: unknown) => (isRegistryError(headError, 'NOT_FOUND') ? null : undefined),
    );
    if (now === manifest.digest) return;
    throw rephrased(
      error,
      now === undefined
        ? `${error.message}; the registry stopped answering, so whether the tag "${tag}" points at ${manifest.digest} is not known: a HEAD of it tells`
        : `${error.message}; the tag "${tag}" ${now === null ? 'does not exist' : `still points at ${now}`}: it was not moved`,
    );
  }
  if (stored !== manifest.digest) {
    throw new RegistryError({
      kind: 'PROTOCOL',
      message: `PUT /v2/${repository}/manifests/${tag}: the registry stored the manifest as ${stored}, not as ${manifest.digest}`,
      method: 'PUT',
    });
  }
}
