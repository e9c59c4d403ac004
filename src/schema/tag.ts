import type { GatewayContext } from '../loaders/context.js';
import { builder } from './builder.js';
import { cost, pageSizeEstimate } from './cost.js';
import { nullIfNotFound, userInputError } from './errors.js';
import { grammar, registryArg } from './inputs.js';
import { loadManifest, manifestCreated } from './manifestFacts.js';
import { decodeLocalId, encodeLocalId } from './nodeIds.js';
import { decodeCursor, encodeCursor, pageSizeArg } from './pagination.js';
import { ManifestRef, RepositoryRef, TagRef, type RepositoryParent, type TagParent } from './refs.js';
import { sortByCreated, sortByName, sortBySemver, type TagOrderName } from './tagOrder.js';

const DEFAULT_TAG_PAGE = 100;
/** Also what the query cost limit assumes for fields that read every tag of a repository. */
export const MAX_TAG_PAGE = 1000;
/** CREATED_DESC reads, per tag, its manifest and its config (or an index's first image and that image's config). */
const CREATED_ORDER_CALLS_PER_TAG = 3;

const TagOrderRef = builder.enumType('TagOrder', {
  values: {
    NAME_ASC: {},
    NAME_DESC: {},
    SEMVER_DESC: { description: 'Semantic versions newest first, then the other tags by name.' },
    CREATED_DESC: { description: "Newest image config 'created' first; tags without a date last." },
  } as const,
});

/** The tag when the repository lists it, else null. */
async function findTag(context: GatewayContext, repository: RepositoryParent, name: string): Promise<TagParent | null> {
  const tags = await nullIfNotFound(context.loaders.tags.load({ registry: repository.registry, repository: repository.name }));
  return tags?.includes(name) ? { registry: repository.registry, repository: repository.name, name } : null;
}

/** The tag's manifest, or null once the tag is gone. */
function tagManifest(context: GatewayContext, tag: TagParent) {
  return nullIfNotFound(loadManifest(context, { registry: tag.registry, repository: tag.repository, reference: tag.name }));
}

builder.node(TagRef, {
  id: { resolve: (tag) => encodeLocalId(tag.registry, tag.repository, tag.name) },
  loadOne: (id, context) => {
    const [registry, repository, name] = decodeLocalId(id, 'repository', 'tag') as [string, string, string];
    return findTag(context, { registry: registryArg(context, registry).config.name, name: repository }, name);
  },
  fields: (t) => ({
    name: t.exposeString('name'),
    repository: t.field({ type: RepositoryRef, resolve: (tag) => ({ registry: tag.registry, name: tag.repository }) }),
    digest: t.string({
      nullable: true,
      ...cost({ shared: { manifest: 1 } }),
      description: 'The digest of the manifest the tag points at, as the registry computes it (never of a converted schema1 document).',
      resolve: async (tag, _args, context) => (await tagManifest(context, tag))?.manifest.digest ?? null,
    }),
    manifest: t.field({
      type: ManifestRef,
      nullable: true,
      ...cost({ shared: { manifest: 1 } }),
      resolve: (tag, _args, context) => tagManifest(context, tag),
    }),
  }),
});

const TagConnectionRef = builder.connectionObject(
  { type: TagRef, name: 'TagConnection' },
);

builder.objectFields(TagConnectionRef, (t) => ({
  totalCount: t.int({
    description: 'Tags that match the prefix, over all pages.',
    resolve: (connection) => (connection as unknown as { totalCount: number }).totalCount,
  }),
}));

async function sortTags(context: GatewayContext, repository: RepositoryParent, tags: string[], order: TagOrderName) {
  switch (order) {
    case 'NAME_ASC':
      return sortByName(tags, false);
    case 'NAME_DESC':
      return sortByName(tags, true);
    case 'SEMVER_DESC':
      return sortBySemver(tags);
    case 'CREATED_DESC': {
      // Every tag's date is needed before the first can be placed; the loaders fetch them concurrently.
      const dates = await Promise.all(
        tags.map(async (name) => {
          const manifest = await tagManifest(context, { registry: repository.registry, repository: repository.name, name }).catch(() => null);
          return manifest ? manifestCreated(context, manifest).catch(() => null) : null;
        }),
      );
      return sortByCreated(tags, new Map(tags.map((tag, index) => [tag, dates[index] ?? null])));
    }
  }
}

builder.objectFields(RepositoryRef, (t) => ({
  tags: t.field({
    type: TagConnectionRef,
    nullable: true,
    description: `Tags in the requested order, whatever order the registry lists them in. first: at most ${MAX_TAG_PAGE} (default ${DEFAULT_TAG_PAGE}).`,
    args: {
      first: t.arg.int(),
      after: t.arg.string(),
      prefix: t.arg.string(),
      orderBy: t.arg({ type: TagOrderRef, defaultValue: 'NAME_ASC' }),
    },
    // The repository's tag list; CREATED_DESC also dates every tag, however many there are.
    ...cost(({ args }) => ({
      shared: { tagList: 1 },
      calls: args.orderBy === 'CREATED_DESC' ? MAX_TAG_PAGE * CREATED_ORDER_CALLS_PER_TAG : 0,
      items: pageSizeEstimate(args.first, DEFAULT_TAG_PAGE, MAX_TAG_PAGE),
    })),
    resolve: async (repository, args, context) => {
      const first = pageSizeArg(args.first, DEFAULT_TAG_PAGE, MAX_TAG_PAGE);
      const order = args.orderBy ?? 'NAME_ASC';
      const cursorKind = `tag:${order}`;
      const after = args.after ? decodeCursor(cursorKind, args.after) : undefined;
      const all = await nullIfNotFound(context.loaders.tags.load({ registry: repository.registry, repository: repository.name }));
      if (all === null) return null;
      const matching = args.prefix ? all.filter((tag) => tag.startsWith(args.prefix!)) : all;
      const sorted = await sortTags(context, repository, matching, order);
      const start = after === undefined ? 0 : sorted.indexOf(after) + 1;
      if (after !== undefined && start === 0) throw userInputError(`the tag "${after}" of the cursor is gone: start again without after`);
      const page = sorted.slice(start, start + first);
      const edges = page.map((name) => ({
        cursor: encodeCursor(cursorKind, name),
        node: { registry: repository.registry, repository: repository.name, name },
      }));
      return {
        totalCount: sorted.length,
        edges,
        pageInfo: {
          hasNextPage: start + first < sorted.length,
          hasPreviousPage: start > 0,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  }),
  tagCount: t.int({
    nullable: true,
    ...cost({ shared: { tagList: 1 } }),
    resolve: async (repository, _args, context) =>
      (await nullIfNotFound(context.loaders.tags.load({ registry: repository.registry, repository: repository.name })))?.length ?? null,
  }),
  tag: t.field({
    type: TagRef,
    nullable: true,
    description: 'A tag, or null when the repository has no such tag.',
    ...cost({ shared: { tagList: 1 } }),
    args: { name: t.arg.string({ required: true, ...grammar('tag') }) },
    resolve: (repository, args, context) => findTag(context, repository, args.name),
  }),
}));
