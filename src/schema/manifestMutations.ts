import { forgetAfterWrite } from '../loaders/invalidation.js';
import { explainingRefusals } from '../operations/refusals.js';
import { isRegistryError } from '../registry/errors.js';
import { isDigest } from '../registry/reference.js';
import { builder } from './builder.js';
import { cost } from './cost.js';
import { notFoundError, userInputError } from './errors.js';
import { grammar } from './inputs.js';
import { tagsPointingAt } from './manifestFacts.js';
import { MAX_TAG_PAGE } from './tag.js';
import { loadForWrite, writeTarget } from './writeTargets.js';

const DeleteManifestInput = builder.inputType('DeleteManifestInput', {
  fields: (t) => ({
    registry: t.string(),
    repository: t.string({ required: true, ...grammar('repository') }),
    digest: t.string({
      required: true,
      description: 'The manifest digest. A tag is refused: deleteTag removes a single tag.',
      // A tag passes the grammar here so that the resolver can point to deleteTag.
      ...grammar('tagOrDigest'),
    }),
    dryRun: t.boolean({ defaultValue: false, description: 'Report what would be removed; change nothing.' }),
  }),
});

const DeleteManifestPayload = builder.objectRef<{ digest: string; removedTags: string[]; dryRun: boolean }>('DeleteManifestPayload').implement({
  fields: (t) => ({
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
    ...cost({ calls: 3 + MAX_TAG_PAGE }),
    args: { input: t.arg({ type: DeleteManifestInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const { entry, registry } = writeTarget(context, input.registry);
      const { repository, digest } = input;
      if (!isDigest(digest)) {
        throw userInputError(`deleteManifest takes a digest, and "${digest}" is a tag: use deleteTag to remove one tag`);
      }
      const missing = `${repository} has no manifest ${digest}`;
      // A HEAD, because the content cache knows what the digest holds but not whether it still exists.
      await entry.client.manifestHead(repository, digest).catch((error: unknown) => {
        throw isRegistryError(error, 'NOT_FOUND') ? notFoundError(missing) : error;
      });
      const manifest = await loadForWrite(context, { registry, repository, reference: digest }, missing);
      const removedTags = await tagsPointingAt(context, manifest, { strict: true });
      const dryRun = input.dryRun ?? false;
      if (!dryRun) {
        await explainingRefusals(() => entry.client.manifestDelete(repository, digest));
        forgetAfterWrite(context, { registry, repository, tags: removedTags, deletedDigests: [digest] });
      }
      return { digest, removedTags, dryRun };
    },
  }),
);
