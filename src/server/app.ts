import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { GraphQLError } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { AccessControl } from '../access.js';
import type { GatewayConfig } from '../config/index.js';
import { ContentCache } from '../loaders/contentCache.js';
import { Model } from '../model/model.js';
import type { UpstreamRequestEvent } from '../registry/types.js';
import { RegistrySet } from '../registries.js';
import type { GatewayContext } from '../schema/context.js';
import { toClientError } from '../schema/errors.js';
import { schema } from '../schema/index.js';
import { useArgumentGrammar } from './argumentGrammar.js';
import { useHealthChecks } from './health.js';
import { yogaLogger } from './logging.js';
import { useMutationCsrfPrevention } from './mutationCsrf.js';
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
  /** Closes the registries' connection pools. */
  close(): Promise<void>;
}

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
  const registries = new RegistrySet(config, (event) => {
    logger?.debug({ upstream: event }, 'upstream request');
    onUpstreamRequest?.(event);
  });
  const cache = new ContentCache(config.cache.maxBytes);
  const access = new AccessControl(config.access);
  let graphiqlPage: string | undefined;
  const yoga = createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    context: ({ request }) => {
      const requestAccess = access.forRequest(request.headers.get('authorization'));
      return { model: new Model({ registries, cache, access: requestAccess }), access: requestAccess };
    },
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: { title: 'regql', defaultQuery: DEFAULT_GRAPHIQL_QUERY },
    // GraphiQL with its assets inlined (registries often live in networks without internet
    // access); the page is the same for every request, so it is rendered once.
    renderGraphiQL: (options) => (graphiqlPage ??= renderGraphiQL(options)),
    // yoga logs each error that masking replaces; unexpected ones (bugs) at error, with their stack.
    logging: logger ? yogaLogger(logger, (error) => error instanceof GraphQLError && toClientError(error) !== undefined) : false,
    maskedErrors: {
      maskError(error, message) {
        const clientError = error instanceof GraphQLError ? toClientError(error) : undefined;
        return clientError ?? new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      },
    },
    plugins: [
      useHealthChecks(registries),
      useMutationCsrfPrevention(),
      useArgumentGrammar(),
      useQueryCost(config.limits, config.registries.length),
    ],
  });
  return { yoga, registries, cache, close: () => registries.close() };
}
