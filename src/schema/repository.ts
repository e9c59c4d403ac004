import { MAX_CATALOG_PAGE_SIZE } from '../registry/catalog.js';
import { type FetchCatalogPage, readRepositoryPage } from '../registry/repositoryPage.js';
import { staticCatalog } from '../registry/staticCatalog.js';
import type { GatewayContext } from '../loaders/context.js';
import { builder } from './builder.js';
import { cost, pageSizeEstimate } from './cost.js';
import { nullIfNotFound, userInputError } from './errors.js';
import { checkGrammar, grammar, registryArg } from './inputs.js';
import { decodeLocalId, encodeLocalId } from './nodeIds.js';
import { decodeCursor, encodeCursor, pageSizeArg } from './pagination.js';
import { RegistryRef, RepositoryRef, type RepositoryParent } from './refs.js';

const DEFAULT_REPOSITORY_PAGE = 100;

/** The repository when the registry knows it (its tag list answers), else null. */
async function findRepository(context: GatewayContext, registry: string, name: string): Promise<RepositoryParent | null> {
  const tags = await nullIfNotFound(context.loaders.tags.load({ registry, repository: name }));
  return tags === null ? null : { registry, name };
}

builder.node(RepositoryRef, {
  id: { resolve: (repository) => encodeLocalId(repository.registry, repository.name) },
  loadOne: (id, context) => {
    const [registry, name] = decodeLocalId(id, 'repository') as [string, string];
    return findRepository(context, registryArg(context, registry).config.name, name);
  },
  fields: (t) => ({
    name: t.exposeString('name'),
    registry: t.field({ type: RegistryRef, resolve: (repository, _args, context) => registryArg(context, repository.registry) }),
  }),
});

const RepositoryConnectionRef = builder.connectionObject({ type: RepositoryRef, name: 'RepositoryConnection' });

builder.objectFields(RegistryRef, (t) => ({
  repositories: t.field({
    type: RepositoryConnectionRef,
    nullable: true,
    description: `Repositories in lexical order: the catalog's, or the list configured for the registry. first: at most ${MAX_CATALOG_PAGE_SIZE} (default ${DEFAULT_REPOSITORY_PAGE}). prefix: only names that start with it.`,
    args: { first: t.arg.int(), after: t.arg.string(), prefix: t.arg.string() },
    // The catalog is read in pages of up to MAX_CATALOG_PAGE_SIZE names, first + 1 of them.
    ...cost(({ args }) => {
      const first = pageSizeEstimate(args.first, DEFAULT_REPOSITORY_PAGE, MAX_CATALOG_PAGE_SIZE);
      return { calls: Math.ceil((first + 1) / MAX_CATALOG_PAGE_SIZE), items: first };
    }),
    resolve: async (registry, args) => {
      const first = pageSizeArg(args.first, DEFAULT_REPOSITORY_PAGE, MAX_CATALOG_PAGE_SIZE);
      const after = args.after ? decodeCursor('repository', args.after) : undefined;
      if (after !== undefined) checkGrammar('repository', after);
      const prefix = args.prefix || undefined;
      if (prefix !== undefined && !/^[a-z0-9._/-]+$/.test(prefix)) {
        throw userInputError(`invalid prefix "${prefix.slice(0, 80)}": repository names use only [a-z0-9._/-]`);
      }
      const configured = registry.config.repositories;
      const catalog: FetchCatalogPage = configured ? staticCatalog(configured) : (params) => registry.client.catalogPage(params);
      const page = await readRepositoryPage(catalog, { first, after, prefix });
      const edges = page.names.map((name) => ({
        cursor: encodeCursor('repository', name),
        node: { registry: registry.config.name, name },
      }));
      return {
        edges,
        pageInfo: {
          hasNextPage: page.hasNextPage,
          hasPreviousPage: after !== undefined,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  }),
  repository: t.field({
    type: RepositoryRef,
    nullable: true,
    args: { name: t.arg.string({ required: true, ...grammar('repository') }) },
    ...cost({ calls: 1 }),
    resolve: (registry, args, context) => findRepository(context, registry.config.name, args.name),
  }),
}));

builder.queryField('repository', (t) =>
  t.field({
    type: RepositoryRef,
    nullable: true,
    description: 'A repository, or null when the registry does not know it.',
    ...cost({ calls: 1 }),
    args: { name: t.arg.string({ required: true, ...grammar('repository') }), registry: t.arg.string() },
    resolve: (_root, args, context) => findRepository(context, registryArg(context, args.registry).config.name, args.name),
  }),
);
