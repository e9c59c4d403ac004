import { unsupported } from '../model/errors.js';
import { builder } from './builder.js';

/**
 * RegistryEvent and the root field Subscription.registryEvents: the contract's registry events.
 * The types are public API; the gateway does not receive the registry's notifications yet, so
 * subscribing answers UNSUPPORTED.
 */
const RegistryEventActionRef = builder.enumType('RegistryEventAction', { values: ['PUSH', 'DELETE', 'MOUNT'] as const });

interface RegistryEventShape {
  id: string;
  registry: string;
  action: 'PUSH' | 'DELETE' | 'MOUNT';
  repository: string;
  tag: string | null;
  digest: string | null;
  mediaType: string | null;
  timestamp: Date;
  actor: string | null;
}

const RegistryEventRef = builder.objectRef<RegistryEventShape>('RegistryEvent').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    registry: t.exposeString('registry'),
    action: t.field({ type: RegistryEventActionRef, resolve: (event) => event.action }),
    repository: t.exposeString('repository'),
    tag: t.exposeString('tag', { nullable: true }),
    digest: t.exposeString('digest', { nullable: true }),
    mediaType: t.exposeString('mediaType', { nullable: true }),
    timestamp: t.field({ type: 'DateTime', resolve: (event) => event.timestamp }),
    actor: t.exposeString('actor', { nullable: true }),
  }),
});

builder.subscriptionType({
  // Like queries: open to every request unless access.requireReadToken is on.
  authScopes: { read: true },
  fields: (t) => ({
    registryEvents: t.field({
      type: RegistryEventRef,
      description: "Events from the registry's notifications (push, delete, mount), optionally filtered.",
      args: {
        registry: t.arg.string(),
        repository: t.arg.string(),
        actions: t.arg({ type: [RegistryEventActionRef] }),
      },
      subscribe: () => {
        throw unsupported("registry events are not available yet: the gateway does not receive the registry's notifications");
      },
      resolve: (event) => event as RegistryEventShape,
    }),
  }),
});
