import { assertRepositoryName, assertTagOrDigest } from './reference.js';
import type { RequestSender } from './transport.js';

/**
 * DELETE /v2/<name>/manifests/<reference> (202). By digest, the registry deletes the manifest
 * and every tag that points at it; by tag (OCI 1.1, distribution 3) only that tag. Refusals are
 * RegistryErrors: NOT_FOUND for an unknown manifest, UNSUPPORTED (405) when the registry does
 * not delete (distribution's storage.delete.enabled is false, or read-only mode), INVALID (400)
 * when it does not delete by tag (distribution 2.x answers DIGEST_INVALID). A DELETE whose answer
 * was lost is sent again: deleting twice deletes once, so a 404 after a failed attempt may mean
 * the first one was applied, which the caller checks.
 */
export async function manifestDelete(transport: RequestSender, repository: string, reference: string): Promise<void> {
  assertRepositoryName(repository);
  assertTagOrDigest(reference);
  await transport.send({ kind: 'manifest', method: 'DELETE', target: `/v2/${repository}/manifests/${reference}`, repeatable: true });
}
