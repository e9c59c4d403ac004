import { GraphQLError } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { AccessControl } from '../access.js';
import type { GatewayConfig } from '../config/index.js';
import { ContentCache } from '../loaders/contentCache.js';
import { Freshness } from '../loaders/freshness.js';
import { ObservedSizes } from '../loaders/observedSizes.js';
import { EventBus } from '../model/events/eventBus.js';
import { NotificationReceiver } from '../model/events/notifications.js';
import { DEFAULT_UPLOAD_LIMITS, Model } from '../model/model.js';
import { Operation } from '../model/operation.js';
import type { UpstreamRequestEvent } from '../registry/types.js';
import { RegistrySet } from '../registries.js';
import type { GatewayContext } from '../schema/context.js';
import { toClientError } from '../schema/errors.js';
import { schema } from '../schema/index.js';
import { useArgumentGrammar } from './argumentGrammar.js';
import { useAuditLog } from './audit.js';
import { useBoundedErrorMessages } from './boundedMessages.js';
import { useHealthChecks } from './health.js';
import { useIncrementalPacing } from './incrementalPacing.js';
import { useHttpCaching } from './httpCache.js';
import { useWholeAnswersForPlainClients } from './wholeAnswers.js';
import { useStreamingMultipart } from './multipart.js';
import { PersistedQueries, usePersistedQueries } from './persistedQueries.js';
import { createReplication } from './replicas.js';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { useRequestBodyLimits } from './requestBodyLimits.js';
import { useSseSingleConnectionRefusal } from './sse.js';
import { defaultUiDirectory, useBrowserUi } from './browserUi.js';
import { yogaLogger } from './logging.js';
import { GatewayMetrics } from './metrics.js';
import { useMetrics } from './metricsEndpoint.js';
import { useMutationCsrfPrevention } from './mutationCsrf.js';
import { useNotifications } from './notifications.js';
import { useOperationLifecycle } from './operationLifecycle.js';
import { useOperationLog } from './operationLog.js';
import { useRequestId } from './requestId.js';
import { useQueryCost } from './queryCost.js';

export interface GatewayAppOptions {
  config: GatewayConfig;
  logger?: Logger;
  /** Observes every upstream request (tests count them here). */
  onUpstreamRequest?: (event: UpstreamRequestEvent) => void;
}

export interface GatewayApp {
  yoga: YogaServerInstance<Record<string, unknown>, GatewayContext>;
  registries: RegistrySet;
  cache: ContentCache;
  observed: ObservedSizes;
  metrics: GatewayMetrics;
  /** Registry events on their way to subscribers. */
  events: EventBus;
  /** Operations sent by hash: how graphql-ws resolves them as HTTP does. */
  persistedQueries: PersistedQueries;
  /** Closes the registries' connection pools. */
  close(): Promise<void>;
}

/** completeBlobUpload takes one file; more in one request is a mistake or an attack. */
const MAX_FILES_PER_REQUEST = 2;

const DEFAULT_GRAPHIQL_QUERY = `# The dashboard: every repository with its tags, digests and platforms.
query Dashboard {
  registry {
    name
    status { reachable apiVersion latencyMs }
    repositories(first: 50) {
      edges {
        node {
          name
          tagCount
          tags(first: 20) {
            edges {
              node {
                name
                digest
                manifest {
                  mediaType
                  totalSize
                  ... on ImageManifest { platform { os architecture variant } image { created } }
                  ... on ImageIndex { platforms { os architecture variant } }
                }
              }
            }
          }
        }
      }
    }
  }
}
`;

/** The gateway as a fetch handler, without listening: tests call yoga.fetch, main.ts listens. */
export function createGatewayApp({ config, logger, onUpstreamRequest }: GatewayAppOptions): GatewayApp {
  const metrics = new GatewayMetrics(() => new Map(registries.list().map((entry) => [entry.config.name, entry.client.inFlight])));
  const registries = new RegistrySet(config, (event) => {
    metrics.upstreamRequest(event);
    // No answer, the registry's failure, or its rate limit: worth an operator's look. Others (a 404, a 401 challenge) are answers.
    if (event.status === 0 || event.status >= 500 || event.status === 429) logger?.warn({ upstream: event }, 'upstream request failed');
    else logger?.debug({ upstream: event }, 'upstream request');
    onUpstreamRequest?.(event);
  });
  const cache = new ContentCache(config.cache.maxBytes, (kind, hit) => metrics.cacheLookup(kind, hit));
  const observed = new ObservedSizes(() => cache.uncachedShare(), config.registries.length);
  const freshness = new Map(
    config.registries.flatMap(({ name, notifications }) =>
      notifications
        ? [[name, new Freshness(notifications.maxStalenessMs, Date.now, (hit) => metrics.cacheLookup('freshness', hit))] as const]
        : [],
    ),
  );
  const events = new EventBus();
  const replication = createReplication(config, metrics, logger);
  const receiver = new NotificationReceiver(events, freshness, replication.distribute);
  replication.start(receiver);
  const access = new AccessControl(config.access);
  const persistedQueries = new PersistedQueries(config.server.persistedQueries, replication.persistedQueries);
  let graphiqlPage: Promise<string> | undefined;
  const yoga = createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    context: ({ request }) => {
      const requestAccess = access.forRequest(request.headers.get('authorization'));
      const operation = new Operation(config.limits);
      const model = new Model({
        registries,
        cache,
        observed,
        freshness,
        events,
        access: requestAccess,
        call: operation.callContext,
        uploads: { ...DEFAULT_UPLOAD_LIMITS, maxBlobBytes: config.limits.maxUploadBytes },
        shared: replication.shared,
      });
      return { model, access: requestAccess, operation };
    },
    cors: corsOptions(config.server.cors),
    // Bounded by useRequestBodyLimits instead, which lets uploads be larger than queries.
    maxRequestBodySize: false,
    // Parsed as streams by useStreamingMultipart instead of in memory.
    multipart: false,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: { title: 'regql', defaultQuery: DEFAULT_GRAPHIQL_QUERY },
    // GraphiQL with its assets inlined (registries often live in networks without internet
    // access); the page is the same for every request, so it is rendered once. The module (tens
    // of MiB of inlined assets) is loaded on the first request for it, not by every process at start.
    renderGraphiQL: (options) =>
      (graphiqlPage ??= import('@graphql-yoga/render-graphiql').then((module) => module.renderGraphiQL(options))),
    // yoga logs each error that masking replaces; unexpected ones (bugs) at error, with their stack.
    logging: logger ? yogaLogger(logger, (error) => error instanceof GraphQLError && toClientError(error) !== undefined) : false,
    maskedErrors: {
      maskError(error, message) {
        const clientError = error instanceof GraphQLError ? toClientError(error) : undefined;
        return clientError ?? new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      },
    },
    plugins: [
      useRequestId(),
      // Before the plugins that read the document (the cost, the parts limit): they see it as it will run.
      useWholeAnswersForPlainClients(),
      // Before the plugins that may refuse an operation: they see the end of every operation, refused ones included.
      useOperationLifecycle(config.limits.maxQueryCost),
      ...(logger ? [useOperationLog(logger), useAuditLog(logger)] : []),
      useMetrics(metrics, config.server.metrics),
      useBoundedErrorMessages(),
      useStreamingMultipart({ maxFieldBytes: config.server.maxRequestBytes, maxFiles: MAX_FILES_PER_REQUEST }),
      useRequestBodyLimits({
        maxBytes: config.server.maxRequestBytes,
        maxMultipartBytes: config.limits.maxUploadBytes + config.server.maxRequestBytes,
      }),
      usePersistedQueries(persistedQueries),
      useHttpCaching('/graphql'),
      useHealthChecks(registries),
      ...(config.server.ui.enabled ? [useBrowserUi(config.server.ui.directory ?? defaultUiDirectory())] : []),
      useSseSingleConnectionRefusal('/graphql'),
      useDeferStream(),
      useIncrementalPacing(config.server.incrementalPartIntervalMs),
      useNotifications({ registries: config.registries, receiver, logger, metrics }),
      useMutationCsrfPrevention(),
      useArgumentGrammar(),
      useQueryCost(config.limits, config.registries.length, observed),
    ],
  });
  return {
    yoga,
    registries,
    cache,
    observed,
    metrics,
    events,
    persistedQueries,
    close: async () => {
      await replication.close();
      await registries.close();
    },
  };
}

/**
 * Cross-origin access for the configured origins only: a page of another origin gets the
 * CORS headers when its Origin is listed ("*": any origin, never with credentials), and none
 * otherwise, so the browser keeps the answer from it. Same-origin pages (GraphiQL) need none.
 */
function corsOptions({ origins, credentials }: GatewayConfig['server']['cors']): YogaCors {
  if (origins.length === 0) return false;
  const anyOrigin = origins.includes('*');
  return (request: Request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !(anyOrigin || origins.includes(origin))) return false;
    return {
      origin: [origin],
      credentials: !anyOrigin && credentials,
      methods: ['GET', 'POST'],
      allowedHeaders: ['content-type', 'authorization', 'accept', 'x-graphql-yoga-csrf'],
      maxAge: 600,
    };
  };
}

type YogaCors = Parameters<typeof createYoga>[0]['cors'];
