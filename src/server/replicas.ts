/**
 * Replicas of the gateway behind one load balancer share, through Redis (`redis` in the
 * configuration): content by digest and what is kept of registries that send events (the
 * loaders read them behind the process's own caches), the registries' events (a notification
 * posted to one replica reaches the subscribers of all, through graphql-yoga's Redis event
 * target), and persisted queries. Without Redis, or while it is away, each replica works from
 * its own process: slower for a while, never wrong, never failing.
 */
import { createRequire } from 'node:module';
import { createPubSub } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/index.js';
import type { Distribute, NotificationReceiver } from '../model/events/notifications.js';
import type { RegistryEvent } from '../model/events/registryEvent.js';
import { redactUrl } from '../registry/errors.js';
import { SharedRedis } from '../shared/redis.js';
import { type SharedState, UNSHARED, sharedStateOf } from '../shared/sharedState.js';
import type { GatewayMetrics } from './metrics.js';
import { type PersistedQueryStore, inMemoryPersistedQueryStore } from './persistedQueries.js';

/** The version of what is stored: a change of shape takes a new one, so that old entries are never read. */
const KEY_VERSION = 'v1';
/** Operation texts of automatic persisted queries, kept this long since last stored. */
const PERSISTED_QUERY_TTL_SECONDS = 30 * 24 * 3600;

export interface Replication {
  shared: SharedState;
  persistedQueries: PersistedQueryStore;
  /** Hands a notification's events to every replica; undefined: apply them in this process. */
  distribute?: Distribute;
  /** Applies what every replica distributes, from now until close. */
  start(receiver: NotificationReceiver): void;
  close(): Promise<void>;
}

export function createReplication(config: GatewayConfig, metrics: GatewayMetrics, logger?: Logger): Replication {
  const local = inMemoryPersistedQueryStore(config.server.persistedQueries.maxStoredBytes);
  if (!config.redis) return { shared: UNSHARED, persistedQueries: local, start: () => {}, close: async () => {} };

  const where = redactUrl(config.redis.url);
  metrics.withRedis();
  const redis = new SharedRedis({
    url: config.redis.url,
    keyPrefix: `${config.redis.keyPrefix}${KEY_VERSION}:`,
    onAvailability: (available, reason) => {
      metrics.redisAvailability(available);
      if (available) logger?.info({ redis: where }, 'redis available: replicas share caches, events and persisted queries');
      else logger?.warn({ redis: where, reason }, 'redis unavailable: working from this process alone until it is back');
    },
  });
  const subscriber = redis.subscriber();
  // Errors are reported through the availability of the main connection; ioredis must not throw them.
  subscriber.on('error', () => {});
  const channel = `${redis.keyPrefix}events`;
  let receiver: NotificationReceiver | undefined;
  /** A publisher that tells whether Redis took the message: when it did not, the events stay with this replica. */
  const publishClient = {
    publish: (topic: string, message: string) =>
      redis
        .run((client) => client.publish(topic, message))
        .then((subscribers) => {
          if (subscribers === undefined) receiver?.apply(JSON.parse(message) as RegistryEvent[]);
        }),
  };
  // The event target does not wait for SUBSCRIBE: one that fails (the connection closing) must not reject unheard.
  const subscribeClient = {
    on: (event: string, listener: (...args: unknown[]) => void) => subscriber.on(event, listener),
    subscribe: (topic: string) => subscriber.subscribe(topic).catch(() => undefined),
    unsubscribe: (topic: string) => subscriber.unsubscribe(topic).catch(() => undefined),
  };
  const pubsub = createPubSub<{ [channel: string]: [events: RegistryEvent[]] }>({
    eventTarget: (
      createRequire(import.meta.url)('@graphql-yoga/redis-event-target') as typeof import('@graphql-yoga/redis-event-target')
    ).createRedisEventTarget({
      publishClient: publishClient as unknown as Redis,
      subscribeClient: subscribeClient as unknown as Redis,
    }),
  });
  const shared = sharedStateOf(redis);
  let stop: (() => Promise<unknown>) | undefined;

  return {
    shared,
    persistedQueries: redisPersistedQueries(redis, local),
    distribute: async (events) => {
      if (events.length === 0) return;
      // Shared freshness first: a replica that applies the event must not read the stale entry back.
      await Promise.all(
        [...new Set(events.map((event) => `${event.registry}\u0000${event.repository}`))].map((key) => {
          const [registry, repository] = key.split('\u0000') as [string, string];
          return shared.freshness.forgetRepository(registry, repository);
        }),
      );
      pubsub.publish(channel, [...events]);
    },
    start(notificationReceiver) {
      receiver = notificationReceiver;
      const events = pubsub.subscribe(channel);
      stop = () => events.return(undefined);
      void (async () => {
        for await (const batch of events) notificationReceiver.apply(batch);
      })();
    },
    async close() {
      await stop?.();
      subscriber.disconnect();
      await redis.close();
    },
  };
}

/** Operation texts in Redis for every replica, with the process's own store in front (and in charge while Redis is away). */
function redisPersistedQueries(redis: SharedRedis, local: PersistedQueryStore): PersistedQueryStore {
  const key = (hash: string) => `${redis.keyPrefix}pq:${hash}`;
  return {
    async get(hash) {
      const kept = await local.get(hash);
      if (kept !== undefined) return kept;
      const shared = await redis.run((client) => client.get(key(hash)));
      if (typeof shared !== 'string') return undefined;
      await local.set(hash, shared);
      return shared;
    },
    async set(hash, text) {
      await local.set(hash, text);
      await redis.run((client) => client.set(key(hash), text, 'EX', PERSISTED_QUERY_TTL_SECONDS));
    },
  };
}
