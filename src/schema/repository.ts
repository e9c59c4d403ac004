/**
 * Repository: every field of the type (its tags, tagCount, one tag, a manifest, a blob), the
 * RepositoryConnection that Registry.repositories returns, and the root field Query.repository.
 */
import { MAX_TAG_PAGE, DEFAULT_TAG_PAGE } from '../model/tags.js';
import { builder } from './builder.js';
import { cost, namesDigest, pageSizeEstimate } from './cost.js';
import { grammar } from './inputs.js';
import { decodeLocalId, encodeLocalId } from './nodeIds.js';
import { selectsAny, selectsOnly } from './selection.js';
import { BlobRef, BlobUploadRef, ManifestRef, RegistryRef, RepositoryRef, TagRef } from './refs.js';
import { CREATED_ORDER_UNDATED_CALLS, TagConnectionRef, TagOrderRef } from './tag.js';

/** Fields of a repository that read its whole tag list: when selected, the list also says whether the repository exists. */
export const TAG_LIST_FIELDS = ['tags', 'tagCount'];

builder.node(RepositoryRef, {
  id: { resolve: (repository) => encodeLocalId(repository.registry, repository.name) },
  loadOne: (id, context) => {
    const [registry, name] = decodeLocalId(id, 'repository') as [string, string];
    return context.model.repositories.find(context.model.registries.get(registry).config.name, name);
  },
  fields: (t) => ({
    name: t.exposeString('name'),
    registry: t.field({ type: RegistryRef, resolve: (repository, _args, context) => context.model.registries.get(repository.registry) }),
    tags: t.field({
      type: TagConnectionRef,
      nullable: true,
      description: `Tags in the requested order, whatever order the registry lists them in. first: at most ${MAX_TAG_PAGE} (default ${DEFAULT_TAG_PAGE}).`,
      args: {
        first: t.arg.int(),
        after: t.arg.string(),
        prefix: t.arg.string(),
        orderBy: t.arg({ type: TagOrderRef, defaultValue: 'NAME_ASC' }),
        hideReferrerTags: t.arg.boolean({
          defaultValue: false,
          description:
            "Leave out the tags that only carry referrers: sha256-<hex> (the referrers tag schema) and cosign's sha256-<hex>.sig, .att and .sbom.",
        }),
      },
      // The repository's tag list; CREATED_DESC also dates every tag: a HEAD each, and its manifest and config when not dated before.
      ...cost(({ args, sizes }) => ({
        shared: { tagList: 1 },
        calls: args.orderBy === 'CREATED_DESC' ? sizes.tagsPerRepository() * (1 + CREATED_ORDER_UNDATED_CALLS * sizes.uncachedShare()) : 0,
        items: sizes.tagsOnPage(pageSizeEstimate(args.first, DEFAULT_TAG_PAGE, MAX_TAG_PAGE)),
      })),
      resolve: (repository, args, context) => context.model.tags.page(repository, args),
    }),
    blobUpload: t.field({
      type: BlobUploadRef,
      nullable: true,
      description:
        'A resumable upload in progress (GET /v2/<name>/blobs/uploads/<uuid>), by the id startBlobUpload returned; null when the registry no longer knows it.',
      authScopes: { write: true },
      ...cost({ calls: 1 }),
      args: { id: t.arg.id({ required: true }) },
      resolve: (repository, args, context) =>
        context.model.uploads.status({ registry: repository.registry, repository: repository.name, id: String(args.id) }),
    }),
    tagCount: t.int({
      nullable: true,
      ...cost({ shared: { tagList: 1 } }),
      resolve: (repository, _args, context) => context.model.tags.count(repository),
    }),
    tag: t.field({
      type: TagRef,
      nullable: true,
      description: 'A tag, or null when the repository has no such tag.',
      // One HEAD for the tag, whatever the length of the tag list.
      ...cost({ calls: 1 }),
      args: { name: t.arg.string({ required: true, ...grammar('tag') }) },
      resolve: (repository, args, context) => context.model.tags.find(repository, args.name),
    }),
    manifest: t.field({
      type: ManifestRef,
      nullable: true,
      description: 'A manifest by tag or digest, or null when unknown.',
      ...cost(({ args, sizes }) => ({ calls: namesDigest(args.reference, 'tagOrDigest') ? sizes.uncachedShare() : 1 })),
      args: { reference: t.arg.string({ required: true, ...grammar('tagOrDigest') }) },
      resolve: (repository, args, context) => context.model.manifests.find(repository.registry, repository.name, args.reference),
    }),
    blob: t.field({
      type: BlobRef,
      nullable: true,
      description: 'A blob by digest, or null when the repository does not have it.',
      ...cost({ calls: 1 }),
      args: { digest: t.arg.string({ required: true, ...grammar('digest') }) },
      resolve: (repository, args, context) => context.model.blobs.find(repository.registry, repository.name, args.digest),
    }),
  }),
});

export const RepositoryConnectionRef = builder.connectionObject({ type: RepositoryRef, name: 'RepositoryConnection' });

builder.queryField('repository', (t) =>
  t.field({
    type: RepositoryRef,
    nullable: true,
    description: 'A repository, or null when the registry does not know it.',
    ...cost({ calls: 1 }),
    args: { name: t.arg.string({ required: true, ...grammar('repository') }), registry: t.arg.string() },
    resolve: (_root, args, context, info) =>
      context.model.repositories.find(context.model.registries.get(args.registry).config.name, args.name, {
        withTagList: selectsAny(info, TAG_LIST_FIELDS),
        forUploads: selectsOnly(info, 'blobUpload'),
      }),
  }),
);
