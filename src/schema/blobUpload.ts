/** BlobUpload: every field of the type. The upload mutations (blobMutations.ts) and Repository.blobUpload return it. */
import { BlobUploadRef, RepositoryRef } from './refs.js';

BlobUploadRef.implement({
  description: 'A resumable blob upload.',
  fields: (t) => ({
    id: t.exposeID('id', {
      description:
        'Opaque; pass it back to appendBlobUpload, completeBlobUpload, cancelBlobUpload or Repository.blobUpload. Survives a restart of the gateway.',
    }),
    repository: t.field({ type: RepositoryRef, resolve: (upload) => ({ registry: upload.registry, name: upload.repository }) }),
    offset: t.field({ type: 'SafeInt', description: 'Bytes the registry holds so far.', resolve: (upload) => upload.offset }),
  }),
});
