import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type FormattedExecutionResult } from 'graphql';
import type { Logger } from 'pino';
import { parseConfig, type GatewayConfigInput } from '../../src/config/index.js';
import type { UpstreamRequestEvent } from '../../src/registry/types.js';
import { createGatewayApp } from '../../src/server/app.js';

export interface TestGatewayOptions {
  registryUrl: string;
  /** Overrides merged into the configuration. */
  config?: Partial<GatewayConfigInput>;
  /** Where the gateway logs; default: nowhere. */
  logger?: Logger;
}

/**
 * The gateway app driven through yoga.fetch (HTTP semantics, no port), with every upstream
 * request recorded at the transport so tests can count them.
 */
export function createTestGateway({ registryUrl, config, logger }: TestGatewayOptions) {
  const upstream: UpstreamRequestEvent[] = [];
  const app = createGatewayApp({
    config: parseConfig({ registries: [{ name: 'local', url: registryUrl }], ...config }),
    onUpstreamRequest: (event) => upstream.push(event),
    logger,
  });

  async function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return app.yoga.fetch('http://127.0.0.1/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      body: JSON.stringify(body),
    });
  }

  /** Runs a typed operation from schema/operations. */
  async function execute<Result, Variables>(
    document: TypedDocumentNode<Result, Variables>,
    ...[variables]: Variables extends Record<string, never> ? [] : [Variables]
  ): Promise<FormattedExecutionResult<Result>> {
    return (await post({ query: print(document), variables })).json() as Promise<FormattedExecutionResult<Result>>;
  }

  /** Runs an ad-hoc query, for shapes no operation file has. */
  async function query<Result = any>(source: string, variables?: Record<string, unknown>): Promise<FormattedExecutionResult<Result>> {
    return (await post({ query: source, variables })).json() as Promise<FormattedExecutionResult<Result>>;
  }

  /** Upstream requests recorded since the last call, then forgets them. */
  function takeUpstream(): UpstreamRequestEvent[] {
    return upstream.splice(0);
  }

  return { app, post, execute, query, takeUpstream, close: () => app.close() };
}

export type TestGateway = ReturnType<typeof createTestGateway>;

/** Upstream requests counted by "METHOD kind", e.g. { "GET manifest": 12 }. */
export function countByKind(events: readonly UpstreamRequestEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of events) {
    const key = `${event.method} ${event.kind}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
