/**
 * Copying a manifest's content from one repository to another of the same registry, so that
 * the manifest itself can then be pushed there unchanged (same bytes, same digest).
 */
import type { RegistryClient } from '../../registry/client.js';
import { nullIfNotFound } from '../../registry/errors.js';
import type { Descriptor, FetchedManifest } from '../../registry/types.js';

/** Bytes of a blob held in memory at once when it has to be streamed through the gateway. */
const COPY_CHUNK_BYTES = 8 * 1024 * 1024;

export interface CopyContentOptions {
  fromRepository: string;
  repository: string;
  /** Default COPY_CHUNK_BYTES. */
  chunkBytes?: number;
}

/**
 * Puts everything `manifest` references into `repository`: an image's config and layers, an
 * index's children (each one's content first, then the child itself by digest; children the
 * target already has are skipped). Blobs are mounted from the source repository; when the
 * registry will not mount one, it is streamed through the gateway. The manifest itself is not
 * pushed: the caller pushes it under the tag it wants.
 */
export function copyManifestContent(client: RegistryClient, manifest: FetchedManifest, options: CopyContentOptions): Promise<void> {
  return copyContent(client, manifest, options, new Map());
}

/**
 * `blobCopies` holds each blob's copy once for the whole manifest: children of an index often
 * share a layer, and distribution 2.8 rewrites a blob's link on every mount, so a second mount
 * racing a child's manifest PUT can make that PUT find the blob missing (MANIFEST_BLOB_UNKNOWN).
 */
async function copyContent(
  client: RegistryClient,
  manifest: FetchedManifest,
  options: CopyContentOptions,
  blobCopies: Map<string, Promise<void>>,
): Promise<void> {
  if (manifest.kind === 'image') {
    const blobs = [manifest.document.config, ...manifest.document.layers].filter(isDistributable);
    await Promise.all(
      blobs.map((blob) => {
        let copy = blobCopies.get(blob.digest);
        if (!copy) blobCopies.set(blob.digest, (copy = copyBlob(client, blob, options)));
        return copy;
      }),
    );
    return;
  }
  await Promise.all(
    uniqueByDigest(manifest.document.manifests).map(async (entry) => {
      if (await hasManifest(client, options.repository, entry.digest)) return;
      const child = await client.manifestGet(options.fromRepository, entry.digest);
      await copyContent(client, child, options, blobCopies);
      await client.manifestPut(options.repository, child.digest, child.bytes, child.mediaType);
    }),
  );
}

async function copyBlob(client: RegistryClient, blob: Descriptor, options: CopyContentOptions): Promise<void> {
  const mount = await client.blobMount(options.repository, blob.digest, options.fromRepository);
  if (mount.mounted) return;
  await client.blobCopy({
    fromRepository: options.fromRepository,
    repository: options.repository,
    digest: blob.digest,
    size: blob.size,
    uploadUrl: mount.uploadUrl,
    chunkBytes: options.chunkBytes ?? COPY_CHUNK_BYTES,
  });
}

/** Whether the repository has the manifest (a HEAD by digest). */
export async function hasManifest(client: RegistryClient, repository: string, digest: string): Promise<boolean> {
  return (await nullIfNotFound(client.manifestHead(repository, digest))) !== null;
}

/**
 * Foreign (Windows base) and non-distributable layers live at their `urls`, not in the
 * registry, which does not require them for a push.
 */
function isDistributable(blob: Descriptor): boolean {
  return !(blob.urls?.length && /\.(foreign|nondistributable)\./.test(blob.mediaType));
}

function uniqueByDigest<T extends { digest: string }>(descriptors: readonly T[]): T[] {
  return [...new Map(descriptors.map((descriptor) => [descriptor.digest, descriptor])).values()];
}
