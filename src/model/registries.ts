/** The configured registries: lookups by name and whether each lets the gateway in. */
import { RegistryError } from '../registry/errors.js';
import type { RegistryEntry } from '../registries.js';
import { quote } from '../util/quote.js';
import { notFound, registryErrorCode } from './errors.js';
import type { Reads } from './reads.js';

export interface RegistryStatus {
  reachable: boolean;
  apiVersion: string | null;
  authenticated: boolean;
  latencyMs: number | null;
  error: string | null;
  /** The extensions.code that queries fail with for the same reason. */
  errorCode: string | null;
}

export class Registries {
  constructor(private readonly reads: Reads) {}

  /** Every configured registry, in configuration order. */
  list(): RegistryEntry[] {
    return this.reads.registries.list();
  }

  /** The named registry, or the default one without a name; NOT_FOUND for a name not configured. */
  get(name: string | null | undefined): RegistryEntry {
    const entry = this.reads.registries.find(name);
    if (!entry) throw notFound(`no registry named ${quote(name ?? '')} is configured`);
    return entry;
  }

  /** The named registry, or null: for node ids, where an unknown name is an unknown node. */
  find(name: string): RegistryEntry | null {
    return this.reads.registries.find(name) ?? null;
  }

  async status(registry: RegistryEntry): Promise<RegistryStatus> {
    try {
      const ping = await this.reads.loaders.status.load(registry.config.name);
      const authenticated = ping.status === 200;
      return {
        reachable: true,
        apiVersion: ping.apiVersion ?? null,
        authenticated,
        latencyMs: ping.latencyMs,
        error: authenticated ? null : (ping.refusal?.message ?? `GET /v2/ answered ${ping.status}`),
        errorCode: authenticated ? null : registryErrorCode(ping.refusal?.kind ?? 'UNAUTHORIZED'),
      };
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      return {
        reachable: false,
        apiVersion: null,
        authenticated: false,
        latencyMs: null,
        error: error.message,
        errorCode: registryErrorCode(error.kind),
      };
    }
  }
}
