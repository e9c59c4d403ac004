import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { MetricsConfig } from '../config/index.js';
import { whenAnswered } from './answered.js';
import type { GatewayMetrics } from './metrics.js';

/**
 * GET /metrics in Prometheus's text format (when server.metrics.enabled; with a token, only for
 * requests bearing it), and the count and duration of every GraphQL operation.
 */
export function useMetrics(metrics: GatewayMetrics, settings: MetricsConfig): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== '/metrics' || !settings.enabled) return;
      if (settings.secret && !settings.secret.admits(request.headers.get('authorization'))) {
        endResponse(
          new Response('expected "Authorization: Bearer <server.metrics token>"\n', {
            status: 401,
            headers: { 'www-authenticate': 'Bearer' },
          }),
        );
        return;
      }
      const { contentType, text } = await metrics.scrape();
      endResponse(new Response(text, { headers: { 'content-type': contentType } }));
    },
    onExecute({ args }) {
      const started = performance.now();
      const name = getOperationAST(args.document, args.operationName)?.name?.value;
      return {
        onExecuteDone: ({ result }) =>
          whenAnswered(result, ({ errors, hasData, complete }) =>
            metrics.operation(
              name,
              errors.length === 0 && complete ? 'ok' : hasData ? 'partial' : 'error',
              (performance.now() - started) / 1000,
            ),
          ),
      };
    },
  };
}
