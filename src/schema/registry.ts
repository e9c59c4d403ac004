import { RegistryError } from '../registry/errors.js';
import { builder } from './builder.js';
import { cost } from './cost.js';
import { registryErrorCode } from './errors.js';
import { registryArg } from './inputs.js';
import { RegistryRef } from './refs.js';

interface RegistryStatusShape {
  reachable: boolean;
  apiVersion: string | null;
  authenticated: boolean;
  latencyMs: number | null;
  error: string | null;
  errorCode: string | null;
}

const RegistryStatusRef = builder.objectRef<RegistryStatusShape>('RegistryStatus').implement({
  fields: (t) => ({
    reachable: t.exposeBoolean('reachable'),
    apiVersion: t.exposeString('apiVersion', { nullable: true, description: 'The Docker-Distribution-API-Version header, when sent.' }),
    authenticated: t.exposeBoolean('authenticated', {
      description: 'Whether the registry lets the gateway in: GET /v2/ answered 200, after logging in when the registry asks for it.',
    }),
    latencyMs: t.exposeFloat('latencyMs', { nullable: true }),
    error: t.exposeString('error', { nullable: true, description: 'Why the registry is unreachable or refuses the gateway, when it does.' }),
    errorCode: t.exposeString('errorCode', {
      nullable: true,
      description:
        'The extensions.code that queries fail with for the same reason: UPSTREAM_UNAUTHORIZED (no or bad credentials), UPSTREAM_DENIED (not allowed), UPSTREAM_UNAVAILABLE, ...',
    }),
  }),
});

builder.node(RegistryRef, {
  id: { resolve: (registry) => registry.config.name },
  loadOne: (name, context) => context.registries.find(name) ?? null,
  fields: (t) => ({
    name: t.string({ description: 'The name given in configuration.', resolve: (registry) => registry.config.name }),
    url: t.string({ resolve: (registry) => registry.config.url }),
    status: t.field({
      ...cost({ calls: 1 }),
      type: RegistryStatusRef,
      resolve: async (registry, _args, context): Promise<RegistryStatusShape> => {
        try {
          const ping = await context.loaders.status.load(registry.config.name);
          const authenticated = ping.status === 200;
          return {
            reachable: true,
            apiVersion: ping.apiVersion ?? null,
            authenticated,
            latencyMs: ping.latencyMs,
            error: authenticated ? null : (ping.refusal?.message ?? `GET /v2/ answered ${ping.status}`),
            errorCode: authenticated ? null : registryErrorCode(ping.refusal?.kind ?? 'UNAUTHORIZED'),
          };
        } catch (error) {
          if (!(error instanceof RegistryError)) throw error;
          return {
            reachable: false,
            apiVersion: null,
            authenticated: false,
            latencyMs: null,
            error: error.message,
            errorCode: registryErrorCode(error.kind),
          };
        }
      },
    }),
  }),
});

builder.queryFields((t) => ({
  registries: t.field({
    type: [RegistryRef],
    description: 'Every configured registry, in configuration order.',
    ...cost(({ registries }) => ({ items: registries })),
    resolve: (_root, _args, context) => context.registries.list(),
  }),
  registry: t.field({
    type: RegistryRef,
    description: 'The named registry, or the default one when name is omitted. Unknown name: error NOT_FOUND.',
    args: { name: t.arg.string() },
    resolve: (_root, args, context) => registryArg(context, args.name),
  }),
}));
