/**
 * Tag: every field of the type, the TagOrder enum and the TagConnection that Repository.tags
 * returns. No root field returns a tag (Repository.tag and Repository.tags do; the tagManifest
 * mutation is in tagMutations.ts).
 */
import type { TagConnection } from '../model/tags.js';
import { builder } from './builder.js';
import { cost } from './cost.js';
import { decodeLocalId, encodeLocalId } from './nodeIds.js';
import { ManifestRef, RepositoryRef, TagRef } from './refs.js';

/**
 * Calls CREATED_DESC makes for a tag not dated before, beyond the one every tag costs: its
 * manifest's config (or an index's first image and that image's config).
 */
export const CREATED_ORDER_UNDATED_CALLS = 2;

export const TagOrderRef = builder.enumType('TagOrder', {
  values: {
    NAME_ASC: {},
    NAME_DESC: {},
    SEMVER_DESC: { description: 'Semantic versions newest first, then the other tags by name.' },
    CREATED_DESC: { description: "Newest image config 'created' first; tags without a date last." },
  } as const,
});

builder.node(TagRef, {
  id: { resolve: (tag) => encodeLocalId(tag.registry, tag.repository, tag.name) },
  loadOne: (id, context) => {
    const [registry, repository, name] = decodeLocalId(id, 'repository', 'tag') as [string, string, string];
    return context.model.tags.find({ registry: context.model.registries.get(registry).config.name, name: repository }, name);
  },
  fields: (t) => ({
    name: t.exposeString('name'),
    repository: t.field({ type: RepositoryRef, resolve: (tag) => ({ registry: tag.registry, name: tag.repository }) }),
    digest: t.string({
      nullable: true,
      ...cost({ shared: { manifest: 1 } }),
      description: 'The digest of the manifest the tag points at, as the registry computes it (never of a converted schema1 document).',
      resolve: (tag, _args, context) => context.model.tags.manifest(tag).then((found) => found?.manifest.digest ?? null),
    }),
    manifest: t.field({
      type: ManifestRef,
      nullable: true,
      ...cost({ shared: { manifest: 1 } }),
      resolve: (tag, _args, context) => context.model.tags.manifest(tag),
    }),
  }),
});

export const TagConnectionRef = builder.connectionObject({ type: TagRef, name: 'TagConnection' });

builder.objectFields(TagConnectionRef, (t) => ({
  totalCount: t.int({
    description: 'Tags that match the prefix, over all pages.',
    resolve: (connection) => (connection as unknown as TagConnection).totalCount,
  }),
}));
