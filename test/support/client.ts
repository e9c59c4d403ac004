import { RegistryClient, type RegistryClientOptions } from '../../src/registry/client.js';

const MiB = 1024 * 1024;

/** A registry client with bounds generous enough for any test content; options override them. */
export function testClient(url: string, options: Partial<RegistryClientOptions> = {}): RegistryClient {
  return new RegistryClient({
    name: 'test',
    url,
    concurrency: 4,
    timeoutMs: 10_000,
    maxManifestBytes: 4 * MiB,
    maxBlobBytes: 16 * MiB,
    ...options,
  });
}
