/** The mutations on manifests, Mutation.putManifest and Mutation.deleteManifest, with their inputs and payloads. */
import type { DeleteManifestResult, PutManifestResult } from '../model/writes/writes.js';
import { builder } from './builder.js';
import { cost } from './cost.js';
import { grammar, longText } from './inputs.js';
import { ManifestRef, RepositoryRef, TagRef } from './refs.js';

const DeleteManifestInput = builder.inputType('DeleteManifestInput', {
  fields: (t) => ({
    registry: t.string(),
    repository: t.string({ required: true, ...grammar('repository') }),
    digest: t.string({
      required: true,
      description: 'The manifest digest. A tag is refused: deleteTag removes a single tag.',
      // A tag passes the grammar here so that the workflow can point to deleteTag.
      ...grammar('tagOrDigest'),
    }),
    dryRun: t.boolean({ defaultValue: false, description: 'Report what would be removed; change nothing.' }),
  }),
});

const DeleteManifestPayload = builder.objectRef<DeleteManifestResult>('DeleteManifestPayload').implement({
  fields: (t) => ({
    repository: t.field({
      type: RepositoryRef,
      description: 'The repository, as it is after the change.',
      resolve: (payload) => payload.repository,
    }),
    digest: t.exposeString('digest'),
    removedTags: t.exposeStringList('removedTags', {
      description: 'Tags that pointed at the digest and are gone (or would be, on a dry run), sorted.',
    }),
    dryRun: t.exposeBoolean('dryRun'),
  }),
});

builder.mutationField('deleteManifest', (t) =>
  t.field({
    type: DeleteManifestPayload,
    description:
      'Deletes a manifest by digest, and with it every tag that points at it (listed in removedTags, found before deleting). ' +
      'Needs the delete scope. The registry frees the space only at its next garbage collection.',
    authScopes: { delete: true },
    // The manifest, the tag list, every tag (to report removedTags), the DELETE.
    ...cost(({ sizes }) => ({ calls: 3 + sizes.tagsPerRepository() })),
    args: { input: t.arg({ type: DeleteManifestInput, required: true }) },
    resolve: (_root, { input }, context) => context.model.writes.deleteManifest(input),
  }),
);

const PutManifestInput = builder.inputType('PutManifestInput', {
  fields: (t) => ({
    registry: t.string(),
    repository: t.string({ required: true, ...grammar('repository') }),
    reference: t.string({ required: true, description: 'A tag, or the digest of document.', ...grammar('tagOrDigest') }),
    document: t.string({ required: true, description: 'The exact bytes to store: the digest is computed over them.', ...longText() }),
    mediaType: t.string({ description: "The Content-Type to send; default: the document's own mediaType field." }),
  }),
});

const PutManifestPayload = builder.objectRef<PutManifestResult>('PutManifestPayload').implement({
  fields: (t) => ({
    manifest: t.field({ type: ManifestRef, resolve: (payload) => payload.manifest }),
    tag: t.field({ type: TagRef, nullable: true, description: 'The tag, when reference was one.', resolve: (payload) => payload.tag }),
  }),
});

builder.mutationField('putManifest', (t) =>
  t.field({
    type: PutManifestPayload,
    description:
      'Pushes a manifest document under a tag or its own digest (PUT /v2/<name>/manifests/<reference>). The blobs and child manifests it references must already be in the repository.',
    authScopes: { write: true },
    // The PUT, then the stored manifest read back.
    ...cost({ calls: 2 }),
    args: { input: t.arg({ type: PutManifestInput, required: true }) },
    resolve: (_root, { input }, context) => context.model.writes.putManifest(input),
  }),
);
