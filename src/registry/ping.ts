import { isRegistryError } from './errors.js';
import { headerValue } from './responses.js';
import type { RequestSender } from './transport.js';
import type { PingResult } from './types.js';

/**
 * GET /v2/, authenticated as the registry asks: whether the registry answers, and whether it lets
 * the gateway in. A refusal (401, or the token server saying no) is an answer, with its reason.
 */
export async function ping(transport: RequestSender): Promise<PingResult> {
  const started = performance.now();
  try {
    const response = await transport.send({ kind: 'ping', method: 'GET', target: '/v2/', acceptStatuses: [401] });
    return {
      status: response.status,
      apiVersion: headerValue(response.headers, 'docker-distribution-api-version'),
      latencyMs: performance.now() - started,
      ...(response.refusal ? { refusal: response.refusal } : {}),
    };
  } catch (error) {
    // The token server refused: the registry answered /v2/ with its 401 challenge before that.
    if (isRegistryError(error, 'UNAUTHORIZED') || isRegistryError(error, 'DENIED')) {
      return { status: 401, apiVersion: undefined, latencyMs: performance.now() - started, refusal: error };
    }
    throw error;
  }
}
