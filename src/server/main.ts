// The gateway's entry point: reads configuration, listens, and shuts down cleanly on a signal.
import pino from 'pino';
import { ConfigError, loadConfig, type GatewayConfig } from '../config.js';
import { RegistryClient } from '../registry/client.js';
import { startServer } from './listen.js';

const STARTUP_PROBE_INTERVAL_MS = 5_000;

async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = loadConfig({ argv: process.argv.slice(2), env: process.env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`regql: ${error.message}`);
    process.exit(2);
  }
  const logger = pino({ level: config.logLevel, base: { service: 'regql' } });
  const server = await startServer({ config, logger });
  logger.info({ registries: config.registries.map(({ name, url }) => ({ name, url })) }, `regql serving GraphQL at ${server.url}/graphql`);
  void reportDefaultRegistry(config, logger);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: finishing requests in flight`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * Says at startup whether the default registry answers, and keeps probing until it does: the
 * gateway serves anyway (queries fail with UPSTREAM_UNAVAILABLE) and recovers by itself.
 */
async function reportDefaultRegistry(config: GatewayConfig, logger: pino.Logger): Promise<void> {
  const registry = config.registries[0]!;
  const client = new RegistryClient({
    name: registry.name,
    url: registry.url,
    concurrency: 1,
    timeoutMs: Math.min(registry.timeoutMs, 5_000),
    maxManifestBytes: config.limits.maxManifestBytes,
    maxBlobBytes: config.limits.maxConfigBytes,
    credentials: registry.credentials,
  });
  let warned = false;
  try {
    for (;;) {
      try {
        const ping = await client.ping();
        logger.info(
          { registry: registry.name, upstreamStatus: ping.status, apiVersion: ping.apiVersion },
          warned ? `registry ${registry.url} is reachable now` : `registry ${registry.url} is reachable`,
        );
        if (ping.refusal) {
          logger.warn({ registry: registry.name, error: ping.refusal.message }, `registry ${registry.url} does not let the gateway in`);
        }
        return;
      } catch (error) {
        if (!warned) {
          logger.warn(
            { registry: registry.name, error: error instanceof Error ? error.message : String(error) },
            `registry ${registry.url} is unreachable; serving anyway, queries fail until it answers (set REGISTRY_URL or --config to point elsewhere)`,
          );
          warned = true;
        }
        await new Promise((resolve) => setTimeout(resolve, STARTUP_PROBE_INTERVAL_MS).unref());
      }
    }
  } finally {
    await client.close();
  }
}

await main();
