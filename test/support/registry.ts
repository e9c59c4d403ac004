/** Local registries for tests that need one of their own (other settings, content they change). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalRegistry, type LocalRegistryOptions, startLocalRegistry } from '../../fixtures/registry/localRegistry.js';
import type { RegistryClient } from '../../src/registry/client.js';
import { createSeedClient, seedRegistry } from '../../fixtures/seed.js';

export interface TestRegistryOptions extends LocalRegistryOptions {
  /** Fills the registry before the test sees it; default: sampleContent(). `false` leaves it empty. */
  seed?: false | ((client: RegistryClient) => Promise<unknown>);
}

/**
 * A started registry holding the seeded content. A read-only registry refuses pushes, so it
 * is seeded writable first, then restarted read-only on the same storage.
 */
export async function startSeededRegistry(options: TestRegistryOptions = {}): Promise<LocalRegistry> {
  const { seed = seedRegistry, ...registryOptions } = options;
  if (seed === false) return startLocalRegistry(registryOptions);
  if (!registryOptions.readOnly) {
    const registry = await startLocalRegistry(registryOptions);
    await seedOrStop(registry, seed);
    return registry;
  }

  const ownDataDir = registryOptions.dataDir === undefined ? await mkdtemp(join(tmpdir(), 'regql-registry-data-')) : undefined;
  const dataDir = registryOptions.dataDir ?? ownDataDir!;
  const removeOwnDataDir = async () => {
    if (ownDataDir) await rm(ownDataDir, { recursive: true, force: true });
  };
  try {
    const writable = await startLocalRegistry({ ...registryOptions, dataDir, readOnly: false });
    await seedOrStop(writable, seed);
    await writable.stop();
    const readOnly = await startLocalRegistry({ ...registryOptions, dataDir });
    return {
      ...readOnly,
      stop: async () => {
        await readOnly.stop();
        await removeOwnDataDir();
      },
    };
  } catch (error) {
    await removeOwnDataDir();
    throw error;
  }
}

async function seedOrStop(registry: LocalRegistry, seed: (client: RegistryClient) => Promise<unknown>): Promise<void> {
  const client = createSeedClient(registry.url);
  try {
    await seed(client);
  } catch (error) {
    await registry.stop();
    throw error;
  } finally {
    await client.close();
  }
}

/** Runs use() against a registry of its own, stopped afterwards whatever happens. */
export async function withRegistry<T>(options: TestRegistryOptions, use: (registry: LocalRegistry) => Promise<T>): Promise<T> {
  const registry = await startSeededRegistry(options);
  try {
    return await use(registry);
  } finally {
    await registry.stop();
  }
}
