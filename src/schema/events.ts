/**
 * RegistryEvent and the root field Subscription.registryEvents: the registry's notifications
 * (push, delete, mount) as they arrive, over Server-Sent Events or WebSocket (graphql-ws).
 */
import type { RegistryEvent } from '../model/events/registryEvent.js';
import { builder } from './builder.js';
import { grammar } from './inputs.js';

const RegistryEventActionRef = builder.enumType('RegistryEventAction', { values: ['PUSH', 'DELETE', 'MOUNT'] as const });

const RegistryEventRef = builder.objectRef<RegistryEvent>('RegistryEvent').implement({
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
        repository: t.arg.string({ ...grammar('repository') }),
        actions: t.arg({ type: [RegistryEventActionRef] }),
      },
      subscribe: (_root, args, context) => context.model.subscriptions.registryEvents(args),
      resolve: (event) => event,
    }),
  }),
});
