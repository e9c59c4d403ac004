import { builder } from './builder.js';
import { unsupportedError } from './errors.js';
import { TagRef } from './refs.js';

/**
 * The contract's mutations. Their types are part of the public API from the start; the
 * operations themselves (safe tag deletion, retagging, access control) are not built yet, so
 * each answers UNSUPPORTED without touching the registry.
 */
const writesNotAvailable = () => unsupportedError('this gateway version is read-only: deleteManifest, deleteTag and tagManifest are not available yet');

const DeleteManifestInput = builder.inputType('DeleteManifestInput', {
  fields: (t) => ({
    registry: t.string(),
    repository: t.string({ required: true }),
    digest: t.string({ required: true }),
    dryRun: t.boolean({ defaultValue: false, description: 'Report what would be removed; change nothing.' }),
  }),
});

const DeleteManifestPayload = builder.objectRef<{ digest: string; removedTags: string[]; dryRun: boolean }>('DeleteManifestPayload').implement({
  fields: (t) => ({
    digest: t.exposeString('digest'),
    removedTags: t.exposeStringList('removedTags', {
      description: 'Tags that pointed at the digest and are gone (or would be, on a dry run).',
    }),
    dryRun: t.exposeBoolean('dryRun'),
  }),
});

const DeleteTagInput = builder.inputType('DeleteTagInput', {
  fields: (t) => ({
    registry: t.string(),
    repository: t.string({ required: true }),
    tag: t.string({ required: true }),
    keepManifest: t.boolean({ defaultValue: false }),
    dryRun: t.boolean({ defaultValue: false }),
  }),
});

const DeleteTagPayload = builder
  .objectRef<{ tag: string; digest: string; manifestDeleted: boolean; remainingTags: string[]; dryRun: boolean }>('DeleteTagPayload')
  .implement({
    fields: (t) => ({
      tag: t.exposeString('tag'),
      digest: t.exposeString('digest'),
      manifestDeleted: t.exposeBoolean('manifestDeleted'),
      remainingTags: t.exposeStringList('remainingTags', { description: 'Tags that still point at the digest.' }),
      dryRun: t.exposeBoolean('dryRun'),
    }),
  });

const TagManifestInput = builder.inputType('TagManifestInput', {
  fields: (t) => ({
    registry: t.string(),
    repository: t.string({ required: true }),
    source: t.string({ required: true, description: 'A tag or digest in sourceRepository (default: repository).' }),
    sourceRepository: t.string(),
    tag: t.string({ required: true }),
  }),
});

const TagManifestPayload = builder.objectRef<{ tag: { registry: string; repository: string; name: string } }>('TagManifestPayload').implement({
  fields: (t) => ({ tag: t.field({ type: TagRef, resolve: (payload) => payload.tag }) }),
});

builder.mutationType({
  fields: (t) => ({
    deleteManifest: t.field({
      type: DeleteManifestPayload,
      description: 'Deletes a manifest by digest, and with it every tag that points at it.',
      args: { input: t.arg({ type: DeleteManifestInput, required: true }) },
      resolve: () => {
        throw writesNotAvailable();
      },
    }),
    deleteTag: t.field({
      type: DeleteTagPayload,
      description:
        'Removes exactly one tag. Other tags on the same digest stay. When no other tag points at the digest, the manifest is deleted too unless keepManifest is true.',
      args: { input: t.arg({ type: DeleteTagInput, required: true }) },
      resolve: () => {
        throw writesNotAvailable();
      },
    }),
    tagManifest: t.field({
      type: TagManifestPayload,
      description:
        'Points a tag (new or existing) at a manifest of the same repository, or copies the manifest from another repository of the same registry first.',
      args: { input: t.arg({ type: TagManifestInput, required: true }) },
      resolve: () => {
        throw writesNotAvailable();
      },
    }),
  }),
});
