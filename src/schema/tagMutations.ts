/** The mutations on tags, Mutation.deleteTag and Mutation.tagManifest, with their inputs and payloads. */
import type { DeleteTagResult, TagManifestRequest, TagManifestResult } from '../model/writes/writes.js';
import { builder } from './builder.js';
import { cost } from './cost.js';
import { grammar } from './inputs.js';
import { RepositoryRef, TagRef } from './refs.js';

const DeleteTagInput = builder.inputType('DeleteTagInput', {
  fields: (t) => ({
    registry: t.string(),
    repository: t.string({ required: true, ...grammar('repository') }),
    tag: t.string({ required: true, ...grammar('tag') }),
    keepManifest: t.boolean({
      defaultValue: false,
      description: 'Keep the manifest (reachable by digest) even when this was its last tag.',
    }),
    dryRun: t.boolean({ defaultValue: false, description: 'Report what would happen; change nothing.' }),
  }),
});

const DeleteTagPayload = builder.objectRef<DeleteTagResult>('DeleteTagPayload').implement({
  fields: (t) => ({
    repository: t.field({
      type: RepositoryRef,
      description: 'The repository, as it is after the change (a client cache refreshes its tags from here).',
      resolve: (payload) => payload.repository,
    }),
    tag: t.exposeString('tag'),
    digest: t.exposeString('digest', { description: 'The digest the tag pointed at.' }),
    manifestDeleted: t.exposeBoolean('manifestDeleted', {
      description:
        'Whether the manifest was deleted too (or would be, on a dry run): no other tag pointed at it and keepManifest was false.',
    }),
    remainingTags: t.exposeStringList('remainingTags', { description: 'Tags that still point at the digest, sorted.' }),
    dryRun: t.exposeBoolean('dryRun'),
  }),
});

const TagManifestInput = builder.inputType('TagManifestInput', {
  fields: (t) => ({
    registry: t.string(),
    repository: t.string({ required: true, ...grammar('repository') }),
    source: t.string({
      required: true,
      description: 'A tag or digest in sourceRepository (default: repository).',
      ...grammar('tagOrDigest'),
    }),
    sourceRepository: t.string({
      description: 'Another repository of the same registry to copy the manifest from.',
      ...grammar('repository'),
    }),
    tag: t.string({ required: true, ...grammar('tag') }),
    dryRun: t.boolean({ defaultValue: false, description: 'Report what would happen; change nothing.' }),
  }),
});

const TagManifestPayload = builder.objectRef<TagManifestResult>('TagManifestPayload').implement({
  fields: (t) => ({
    tag: t.field({
      type: TagRef,
      description: 'The tag after the change (on a dry run: as it is now).',
      resolve: (payload) => payload.tag,
    }),
    digest: t.exposeString('digest', { description: 'The digest the tag points at after the change: the source manifest’s.' }),
    previousDigest: t.exposeString('previousDigest', {
      nullable: true,
      description: 'The digest the tag pointed at before (it moves); null when the tag is new.',
    }),
    copiesContent: t.exposeBoolean('copiesContent', {
      description: 'Whether the content comes from sourceRepository (its blobs mounted, or streamed where the registry will not mount).',
    }),
    dryRun: t.exposeBoolean('dryRun'),
  }),
});

builder.mutationField('deleteTag', (t) =>
  t.field({
    type: DeleteTagPayload,
    description:
      'Removes exactly one tag: other tags on the same digest stay (with DELETE by tag where the registry supports it, else by ' +
      'moving the tag onto a placeholder manifest of its own and deleting that). When no other tag points at the digest, the ' +
      'manifest is deleted too unless keepManifest is true. Needs the write scope, and delete when the manifest is deleted.',
    authScopes: { write: true },
    // The tag list and every tag (remainingTags), then the placeholder's PUT and DELETEs.
    ...cost(({ sizes }) => ({ calls: 5 + sizes.tagsPerRepository() })),
    args: { input: t.arg({ type: DeleteTagInput, required: true }) },
    resolve: (_root, { input }, context) => context.model.writes.deleteTag(input),
  }),
);

builder.mutationField('tagManifest', (t) =>
  t.field({
    type: TagManifestPayload,
    description:
      'Points a tag (new or existing) at a manifest: the manifest bytes are pushed unchanged under the tag, so the digest is ' +
      "the source's. From sourceRepository, the manifest's blobs are mounted (or, where the registry will not mount, streamed " +
      "through the gateway) and an index's children copied first. Needs the write scope.",
    authScopes: { write: true },
    // An index's children and their blobs mounted one by one, then the PUT.
    ...cost(({ sizes }) => ({ calls: 2 + sizes.entriesPerIndex() * (2 + sizes.layersPerImage()) })),
    args: { input: t.arg({ type: TagManifestInput, required: true }) },
    resolve: (_root, { input }, context) => context.model.writes.tagManifest(input satisfies TagManifestRequest),
  }),
);
