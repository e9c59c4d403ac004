// The gateway's entry point: reads the command line and configuration, listens, and shuts down cleanly on a signal.
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { USAGE, parseCommandLine } from '../config/commandLine.js';
import { ConfigError, loadConfig, type GatewayConfig } from '../config/index.js';
import { createRegistryClient } from '../registries.js';
import { heapLimitProblem } from './heapLimit.js';
import { startServer } from './listen.js';

const STARTUP_PROBE_INTERVAL_MS = 5_000;
const STARTUP_PROBE_TIMEOUT_MS = 5_000;

async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    const commandLine = parseCommandLine(process.argv.slice(2));
    if (commandLine.help) {
      process.stdout.write(USAGE);
      return;
    }
    if (commandLine.version) {
      process.stdout.write(`regql ${packageVersion()}\n`);
      return;
    }
    config = loadConfig({ argv: process.argv.slice(2), env: process.env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`regql: ${error.message}`);
    process.exit(2);
  }
  const logger = pino({ level: config.logLevel, base: { service: 'regql' } });
  const heapProblem = heapLimitProblem(config.cache.maxBytes);
  if (heapProblem) logger.warn(heapProblem);
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

/** The version in package.json, which sits two levels above this file both in src/ and in dist/src/. */
function packageVersion(): string {
  for (const path of ['../../package.json', '../../../package.json']) {
    try {
      const { name, version } = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (name === 'regql' && version) return version;
    } catch {
      // Not at this depth: try the next.
    }
  }
  return 'unknown';
}

/**
 * Says at startup whether the default registry answers, and keeps probing until it does: the
 * gateway serves anyway (queries fail with UPSTREAM_UNAVAILABLE) and recovers by itself.
 */
async function reportDefaultRegistry(config: GatewayConfig, logger: pino.Logger): Promise<void> {
  const registry = config.registries[0]!;
  const client = createRegistryClient(registry, config.limits, {
    concurrency: 1,
    timeoutMs: Math.min(registry.timeoutMs, STARTUP_PROBE_TIMEOUT_MS),
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
