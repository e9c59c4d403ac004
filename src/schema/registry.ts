/**
 * Registry: every field of the type (status, repositories, repository), and the root fields
 * that return registries: Query.registries and Query.registry.
 */
import { DEFAULT_REPOSITORY_PAGE, MAX_CATALOG_PAGE_SIZE } from '../model/repositories.js';
import type { RegistryStatus } from '../model/registries.js';
import { builder } from './builder.js';
import { cost, pageSizeEstimate } from './cost.js';
import { grammar } from './inputs.js';
import { RepositoryConnectionRef, TAG_LIST_FIELDS } from './repository.js';
import { selectsAny, selectsOnly } from './selection.js';
import { RegistryRef, RepositoryRef } from './refs.js';

const RegistryStatusRef = builder.objectRef<RegistryStatus>('RegistryStatus').implement({
  fields: (t) => ({
    reachable: t.exposeBoolean('reachable'),
    apiVersion: t.exposeString('apiVersion', { nullable: true, description: 'The Docker-Distribution-API-Version header, when sent.' }),
    authenticated: t.exposeBoolean('authenticated', {
      description: 'Whether the registry lets the gateway in: GET /v2/ answered 200, after logging in when the registry asks for it.',
    }),
    latencyMs: t.exposeFloat('latencyMs', { nullable: true }),
    error: t.exposeString('error', {
      nullable: true,
      description: 'Why the registry is unreachable or refuses the gateway, when it does.',
    }),
    errorCode: t.exposeString('errorCode', {
      nullable: true,
      description:
        'The extensions.code that queries fail with for the same reason: UPSTREAM_UNAUTHORIZED (no or bad credentials), UPSTREAM_DENIED (not allowed), UPSTREAM_UNAVAILABLE, ...',
    }),
  }),
});

builder.node(RegistryRef, {
  id: { resolve: (registry) => registry.config.name },
  loadOne: (name, context) => context.model.registries.find(name),
  fields: (t) => ({
    name: t.string({ description: 'The name given in configuration.', resolve: (registry) => registry.config.name }),
    url: t.string({ resolve: (registry) => registry.config.url }),
    status: t.field({
      ...cost({ calls: 1 }),
      type: RegistryStatusRef,
      resolve: (registry, _args, context) => context.model.registries.status(registry),
    }),
    repositories: t.field({
      type: RepositoryConnectionRef,
      nullable: true,
      description: `Repositories in lexical order: the catalog's, or the list configured for the registry. first: at most ${MAX_CATALOG_PAGE_SIZE} (default ${DEFAULT_REPOSITORY_PAGE}). prefix: only names that start with it.`,
      args: { first: t.arg.int(), after: t.arg.string(), prefix: t.arg.string() },
      // The catalog is read in pages of up to MAX_CATALOG_PAGE_SIZE names, first + 1 of them.
      ...cost(({ args, sizes }) => {
        const first = pageSizeEstimate(args.first, DEFAULT_REPOSITORY_PAGE, MAX_CATALOG_PAGE_SIZE);
        return { calls: Math.ceil((first + 1) / MAX_CATALOG_PAGE_SIZE), items: sizes.repositoriesOnPage(first) };
      }),
      resolve: (registry, args, context) => context.model.repositories.page(registry, args),
    }),
    repository: t.field({
      type: RepositoryRef,
      nullable: true,
      args: { name: t.arg.string({ required: true, ...grammar('repository') }) },
      ...cost({ calls: 1 }),
      resolve: (registry, args, context, info) =>
        context.model.repositories.find(registry.config.name, args.name, {
          withTagList: selectsAny(info, TAG_LIST_FIELDS),
          forUploads: selectsOnly(info, 'blobUpload'),
        }),
    }),
  }),
});

builder.queryFields((t) => ({
  registries: t.field({
    type: [RegistryRef],
    description: 'Every configured registry, in configuration order.',
    ...cost(({ registries }) => ({ items: registries })),
    resolve: (_root, _args, context) => context.model.registries.list(),
  }),
  registry: t.field({
    type: RegistryRef,
    description: 'The named registry, or the default one when name is omitted. Unknown name: error NOT_FOUND.',
    args: { name: t.arg.string() },
    resolve: (_root, args, context) => context.model.registries.get(args.name),
  }),
}));
