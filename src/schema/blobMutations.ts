/**
 * The mutations on blobs: Mutation.deleteBlob, Mutation.uploadBlob and the resumable upload
 * (startBlobUpload, appendBlobUpload, completeBlobUpload, cancelBlobUpload), with their inputs
 * and payloads. Files come as GraphQL multipart requests (src/server/multipart.ts).
 */
import type { DeleteBlobResult } from '../model/writes/writes.js';
import { builder } from './builder.js';
import { cost } from './cost.js';
import { grammar } from './inputs.js';
import { BlobRef, BlobUploadRef, RepositoryRef } from './refs.js';

const DeleteBlobInput = builder.inputType('DeleteBlobInput', {
  fields: (t) => ({
    registry: t.string(),
    repository: t.string({ required: true, ...grammar('repository') }),
    digest: t.string({ required: true, ...grammar('digest') }),
    force: t.boolean({ defaultValue: false }),
    dryRun: t.boolean({ defaultValue: false }),
  }),
});

const DeleteBlobPayload = builder.objectRef<DeleteBlobResult>('DeleteBlobPayload').implement({
  fields: (t) => ({
    digest: t.exposeString('digest'),
    dryRun: t.exposeBoolean('dryRun'),
    referencedBy: t.exposeStringList('referencedBy', {
      description: 'Tagged manifests of the repository that reference the blob (empty unless force was needed).',
    }),
    repository: t.field({ type: RepositoryRef, resolve: (payload) => payload.repository }),
  }),
});

builder.mutationField('deleteBlob', (t) =>
  t.field({
    type: DeleteBlobPayload,
    description:
      'Deletes a blob (DELETE /v2/<name>/blobs/<digest>). Refused with CONFLICT while a tagged manifest of the repository references it (extensions.referencedBy lists them), unless force is true.',
    authScopes: { delete: true },
    // A HEAD, the tag list, every tag's manifest (and an index's children), the DELETE.
    ...cost(({ sizes }) => ({ calls: 3 + sizes.tagsPerRepository() * (1 + sizes.entriesPerIndex() * sizes.uncachedShare()) })),
    args: { input: t.arg({ type: DeleteBlobInput, required: true }) },
    resolve: (_root, { input }, context) => context.model.writes.deleteBlob(input),
  }),
);

const UploadBlobInput = builder.inputType('UploadBlobInput', {
  fields: (t) => ({
    registry: t.string(),
    repository: t.string({ required: true, ...grammar('repository') }),
    file: t.field({ type: 'File', required: true }),
    digest: t.string({ description: 'When given, the upload is refused unless the content hashes to it.', ...grammar('digest') }),
  }),
});

const StartBlobUploadInput = builder.inputType('StartBlobUploadInput', {
  fields: (t) => ({
    registry: t.string(),
    repository: t.string({ required: true, ...grammar('repository') }),
  }),
});

const AppendBlobUploadInput = builder.inputType('AppendBlobUploadInput', {
  fields: (t) => ({
    registry: t.string(),
    repository: t.string({ required: true, ...grammar('repository') }),
    id: t.id({ required: true }),
    chunk: t.field({ type: 'File', required: true }),
  }),
});

const CompleteBlobUploadInput = builder.inputType('CompleteBlobUploadInput', {
  fields: (t) => ({
    registry: t.string(),
    repository: t.string({ required: true, ...grammar('repository') }),
    id: t.id({ required: true }),
    digest: t.string({ required: true, ...grammar('digest') }),
    chunk: t.field({ type: 'File' }),
  }),
});

const CancelBlobUploadInput = builder.inputType('CancelBlobUploadInput', {
  fields: (t) => ({
    registry: t.string(),
    repository: t.string({ required: true, ...grammar('repository') }),
    id: t.id({ required: true }),
  }),
});

// Uploads count one call per chunk the registry receives; a file's size is unknown beforehand, so a chunk is assumed.
builder.mutationFields((t) => ({
  uploadBlob: t.field({
    type: BlobRef,
    description:
      'Uploads a whole file as a blob in one GraphQL multipart request, streamed to the registry; the digest is computed while streaming.',
    authScopes: { write: true },
    ...cost({ calls: 3 }),
    args: { input: t.arg({ type: UploadBlobInput, required: true }) },
    resolve: (_root, { input }, context) => context.model.uploads.uploadBlob(input),
  }),
  startBlobUpload: t.field({
    type: BlobUploadRef,
    description: 'Starts a resumable upload (POST /v2/<name>/blobs/uploads/).',
    authScopes: { write: true },
    ...cost({ calls: 1 }),
    args: { input: t.arg({ type: StartBlobUploadInput, required: true }) },
    resolve: (_root, { input }, context) => context.model.uploads.start(input),
  }),
  appendBlobUpload: t.field({
    type: BlobUploadRef,
    description: "Appends a chunk at the upload's current offset (PATCH).",
    authScopes: { write: true },
    ...cost({ calls: 1 }),
    args: { input: t.arg({ type: AppendBlobUploadInput, required: true }) },
    resolve: (_root, { input }, context) => context.model.uploads.append({ ...input, id: String(input.id) }),
  }),
  completeBlobUpload: t.field({
    type: BlobRef,
    description: "Completes an upload with the blob's digest, optionally sending a last chunk (PUT).",
    authScopes: { write: true },
    ...cost({ calls: 2 }),
    args: { input: t.arg({ type: CompleteBlobUploadInput, required: true }) },
    resolve: (_root, { input }, context) => context.model.uploads.complete({ ...input, id: String(input.id) }),
  }),
  cancelBlobUpload: t.boolean({
    description: 'Cancels an upload; the registry releases what it holds for it (DELETE).',
    authScopes: { write: true },
    ...cost({ calls: 1 }),
    args: { input: t.arg({ type: CancelBlobUploadInput, required: true }) },
    resolve: (_root, { input }, context) => context.model.uploads.cancel({ ...input, id: String(input.id) }),
  }),
}));
