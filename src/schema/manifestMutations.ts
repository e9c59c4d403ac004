/** The mutation on manifests, Mutation.deleteManifest, with its input and payload. */
import type { DeleteManifestResult } from '../model/writes/writes.js';
import { builder } from './builder.js';
import { cost } from './cost.js';
import { grammar } from './inputs.js';
import { RepositoryRef } from './refs.js';

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
