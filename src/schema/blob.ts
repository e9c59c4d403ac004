/** Blob: every field of the type. Repository.blob and Descriptor.blob return blobs; no root field does. */
import { builder } from './builder.js';
import { decodeLocalId, encodeLocalId } from './nodeIds.js';
import { BlobRef, RepositoryRef } from './refs.js';

builder.node(BlobRef, {
  description: 'A blob as the registry stores it, confirmed with a HEAD request.',
  id: { resolve: (blob) => encodeLocalId(blob.registry, blob.repository, blob.digest) },
  loadOne: (id, context) => {
    const [registry, repository, digest] = decodeLocalId(id, 'repository', 'digest') as [string, string, string];
    return context.model.blobs.find(context.model.registries.get(registry).config.name, repository, digest);
  },
  fields: (t) => ({
    digest: t.exposeString('digest'),
    size: t.field({ type: 'SafeInt', description: 'Bytes, as the registry reports them.', resolve: (blob) => blob.size }),
    repository: t.field({ type: RepositoryRef, resolve: (blob) => ({ registry: blob.registry, name: blob.repository }) }),
  }),
});
