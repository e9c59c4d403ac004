import type { GatewayContext } from './context.js';
import { createLoaders } from './loaders.js';

/** What a write changed in one repository. */
export interface RepositoryWrite {
  registry: string;
  repository: string;
  /** Tags removed, created or moved. */
  tags: readonly string[];
  /** Manifests deleted. */
  deletedDigests: readonly string[];
}

/**
 * Forgets what a write made stale, so that no later read sees the removed tag, the old digest
 * of a moved tag or a deleted manifest. Process-wide: the tags' last digests and the deleted
 * manifests. In this request: everything read so far, as the loaders' memory of tag lists and
 * manifests may predate the write; the rest of the request (the mutation's payload, the next
 * mutation of the operation) reads afresh.
 */
export function forgetAfterWrite(context: GatewayContext, write: RepositoryWrite): void {
  const { registry, repository } = write;
  for (const tag of write.tags) context.cache.forgetTag(registry, repository, tag);
  for (const digest of write.deletedDigests) context.cache.forgetManifest(registry, repository, digest);
  context.loaders = createLoaders(context.registries, context.cache);
}
