import type { Plugin } from 'graphql-yoga';
import type { RegistrySet } from '../registries.js';

/**
 * GET /healthz: the process is up. GET /readyz: the default registry answers /v2/ (with any
 * status: a 401 still means the registry is there; credentials are a separate concern).
 */
export function useHealthChecks(registries: RegistrySet): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (url.pathname === '/healthz') {
        endResponse(Response.json({ status: 'ok' }));
        return;
      }
      if (url.pathname === '/readyz') {
        const entry = registries.find(undefined)!;
        try {
          const ping = await entry.client.ping();
          endResponse(Response.json({ status: 'ready', registry: entry.config.name, upstreamStatus: ping.status }));
        } catch (error) {
          endResponse(
            Response.json(
              { status: 'unavailable', registry: entry.config.name, error: error instanceof Error ? error.message : String(error) },
              { status: 503 },
            ),
          );
        }
      }
    },
  };
}
