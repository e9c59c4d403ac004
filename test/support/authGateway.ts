/** Gateway helpers for the login tests: a gateway built from a loaded configuration, its logs captured. */
import type { FormattedExecutionResult } from 'graphql';
import pino, { type Logger } from 'pino';
import type { GatewayConfig } from '../../src/config/index.js';
import { createGatewayApp } from '../../src/server/app.js';
import type { DashboardQuery } from '../../src/client/index.js';

/** A logger at the most verbose level whose output the test can read. */
export function capturedLogs(): { logger: Logger; text(): string } {
  const lines: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
  return { logger, text: () => lines.join('') };
}

/** One query against a gateway built from config, closed afterwards. */
export async function queryApp(config: GatewayConfig, query: string, logger?: Logger): Promise<FormattedExecutionResult<any>> {
  const app = createGatewayApp({ config, logger });
  try {
    const response = await app.yoga.fetch('http://127.0.0.1/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as FormattedExecutionResult<any>;
  } finally {
    await app.close();
  }
}

/** The dashboard's answer without what differs from one registry to another (URL, latency). */
export function dashboardWithoutLatency(result: FormattedExecutionResult<DashboardQuery>): unknown {
  const registry = result.data?.registry;
  if (!registry) return result;
  const { latencyMs: _latency, ...status } = registry.status;
  return { ...registry, url: undefined, status };
}
