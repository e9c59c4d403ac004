import type { GatewayConfig, RegistryConfig } from './config.js';
import { RegistryClient } from './registry/client.js';
import type { UpstreamRequestEvent } from './registry/types.js';

export interface RegistryEntry {
  readonly config: RegistryConfig;
  readonly client: RegistryClient;
}

/** The configured registries with one client (and so one connection pool) each, for the process's life. */
export class RegistrySet {
  private readonly entries: Map<string, RegistryEntry>;
  readonly defaultName: string;

  constructor(config: GatewayConfig, onRequest?: (event: UpstreamRequestEvent) => void) {
    this.entries = new Map(
      config.registries.map((registry) => [
        registry.name,
        {
          config: registry,
          client: new RegistryClient({
            name: registry.name,
            url: registry.url,
            concurrency: registry.concurrency,
            timeoutMs: registry.timeoutMs,
            maxManifestBytes: config.limits.maxManifestBytes,
            maxBlobBytes: config.limits.maxConfigBytes,
            onRequest,
            credentials: registry.credentials,
          }),
        },
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
