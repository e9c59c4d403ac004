import { headerValue, type Transport } from './transport.js';
import type { PingResult } from './types.js';

/** GET /v2/: whether the registry answers, and whether it wants credentials (401 is an answer). */
export async function ping(transport: Transport): Promise<PingResult> {
  const started = performance.now();
  const response = await transport.send({ kind: 'ping', method: 'GET', target: '/v2/', acceptStatuses: [401] });
  return {
    status: response.status,
    apiVersion: headerValue(response.headers, 'docker-distribution-api-version'),
    latencyMs: performance.now() - started,
  };
}
