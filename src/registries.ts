import type { GatewayConfig, RegistryConfig } from './config/index.js';
import { RegistryClient, type RegistryClientOptions } from './registry/client.js';
import type { UpstreamRequestEvent } from './registry/types.js';

export interface RegistryEntry {
  readonly config: RegistryConfig;
  readonly client: RegistryClient;
}

/** The one way a configured registry becomes a client: its settings and the gateway's size limits; overrides win. */
export function createRegistryClient(
  registry: RegistryConfig,
  limits: GatewayConfig['limits'],
  overrides: Partial<RegistryClientOptions> = {},
): RegistryClient {
  return new RegistryClient({
    name: registry.name,
    url: registry.url,
    concurrency: registry.concurrency,
    timeoutMs: registry.timeoutMs,
    retry: registry.retry,
    maxManifestBytes: limits.maxManifestBytes,
    maxBlobBytes: limits.maxConfigBytes,
    maxListPages: limits.maxListPages,
    maxListBytes: limits.maxListBytes,
    credentials: registry.credentials,
    ...overrides,
  });
}

/** The configured registries with one client (and so one connection pool) each, for the process's life. */
export class RegistrySet {
  private readonly entries: Map<string, RegistryEntry>;
  readonly defaultName: string;

  constructor(config: GatewayConfig, onRequest?: (event: UpstreamRequestEvent) => void) {
    this.entries = new Map(
      config.registries.map((registry) => [
        registry.name,
        { config: registry, client: createRegistryClient(registry, config.limits, { onRequest }) },
      ]),
    );
    this.defaultName = config.registries[0]!.name;
  }

  list(): RegistryEntry[] {
    return [...this.entries.values()];
  }

  /** The named registry, the default one when name is undefined, undefined when unknown. */
  find(name: string | null | undefined): RegistryEntry | undefined {
    return this.entries.get(name ?? this.defaultName);
  }

  async close(): Promise<void> {
    await Promise.all(this.list().map((entry) => entry.client.close()));
  }
}
