// `npm run demo`: a local registry seeded with sample content, and the gateway in front of it.
import pino from 'pino';
import { parseConfig } from '../src/config/index.js';
import { ensureRegistryInstalled } from '../fixtures/registry/install.js';
import { isPortFree } from '../fixtures/ports.js';
import { type LocalRegistry, startLocalRegistry } from '../fixtures/registry/localRegistry.js';
import { createSeedClient, seedRegistry, type SeedSummary } from '../fixtures/seed.js';
import { type RunningServer, startServer } from '../src/server/listen.js';

/** The registry's customary port, when nothing else holds it. */
const PREFERRED_REGISTRY_PORT = 5000;
const DEFAULT_GATEWAY_PORT = 4000;
const HOST = '127.0.0.1';

function portFromEnvironment(name: string): number | undefined {
  const value = process.env[name]?.trim();
  if (!value) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name}: expected a port number, got "${value}"`);
  return port;
}

async function registryPort(): Promise<number | undefined> {
  const requested = portFromEnvironment('REGQL_DEMO_REGISTRY_PORT');
  if (requested !== undefined) return requested;
  return (await isPortFree(PREFERRED_REGISTRY_PORT)) ? PREFERRED_REGISTRY_PORT : undefined;
}

async function seed(registry: LocalRegistry): Promise<SeedSummary> {
  const client = createSeedClient(registry.url);
  try {
    return await seedRegistry(client);
  } finally {
    await client.close();
  }
}

async function main(): Promise<void> {
  await ensureRegistryInstalled();
  const port = await registryPort();
  const registry = await startLocalRegistry(port === undefined ? {} : { port });
  let gateway: RunningServer;
  try {
    const summary = await seed(registry);
    console.log(
      `Registry ${registry.url}: ${summary.repositories.length} repositories, ${summary.tags} tags, ` +
        `${summary.manifests} manifests, ${summary.blobs} blobs (${summary.repositories.join(', ')})`,
    );
    const config = parseConfig({
      registries: [{ name: 'demo', url: registry.url }],
      server: { host: HOST, port: portFromEnvironment('PORT') ?? DEFAULT_GATEWAY_PORT },
      ...(process.env.LOG_LEVEL && { logLevel: process.env.LOG_LEVEL }),
    });
    gateway = await startServer({ config, logger: pino({ level: config.logLevel, base: { service: 'regql-demo' } }) });
  } catch (error) {
    await registry.stop();
    throw error;
  }

  console.log(
    `\nThe registry browser: ${gateway.url}/\nGraphiQL: ${gateway.url}/graphql (it opens with the dashboard query: press the run button)\n` +
      'Ctrl-C stops the gateway and the registry.',
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await gateway.close();
    } finally {
      await registry.stop();
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    });
  }
}

await main();
