/**
 * Registries that refuse writes: deletion disabled (storage.delete.enabled: false) and read-only
 * mode. The refusal becomes UNSUPPORTED with what to change, and nothing is left half done: in
 * particular deleteTag never leaves the tag on its placeholder.
 */
import { describe, expect, it } from 'vitest';
import { createSeedClient } from '../../fixtures/seed.js';
import { findSampleManifest } from '../../fixtures/content/oracles.js';
import { sampleContent } from '../../fixtures/content/sampleContent.js';
import type { RegistryClient } from '../../src/registry/client.js';
import { DeleteManifestDocument, DeleteTagDocument, TagManifestDocument } from '../../src/client/index.js';
import { createTestGateway, type TestGateway } from '../support/gateway.js';
import { type TestRegistryOptions, withRegistry } from '../support/registry.js';
import { ACCESS, TOKENS, executeAs, manifestExists, tagDigests } from '../support/writes.js';

const alpine = sampleContent().find(({ name }) => name === 'library/alpine')!;
const latest = findSampleManifest(alpine, 'latest')!.digest;
const onlyTagged = findSampleManifest(alpine, '3.19')!.digest;

/** A registry of its own with the gateway (admin token configured) and a client to look at it directly. */
function withGateway(options: TestRegistryOptions, use: (gateway: TestGateway, client: RegistryClient) => Promise<void>) {
  return withRegistry(options, async (registry) => {
    const gateway = createTestGateway({ registryUrl: registry.url, config: { access: ACCESS } });
    const client = createSeedClient(registry.url);
    try {
      await use(gateway, client);
    } finally {
      await client.close();
      await gateway.close();
    }
  });
}

describe('a registry with deletion disabled', () => {
  it('answers UNSUPPORTED naming storage.delete.enabled, and keeps every tag where it was', () =>
    withGateway({ deleteEnabled: false }, async (gateway, client) => {
      const before = await tagDigests(client, 'library/alpine');
      const attempts = [
        await executeAs(gateway, TOKENS.admin, DeleteManifestDocument, { input: { repository: 'library/alpine', digest: onlyTagged } }),
        // A shared tag: DELETE by tag is refused, and so is the probe before the placeholder.
        await executeAs(gateway, TOKENS.admin, DeleteTagDocument, { input: { repository: 'library/alpine', tag: 'latest' } }),
        await executeAs(gateway, TOKENS.admin, DeleteTagDocument, { input: { repository: 'library/alpine', tag: '3.19' } }),
      ];
      for (const result of attempts) {
        expect(result.data).toBeNull();
        expect(result.errors?.[0]?.extensions?.code).toBe('UNSUPPORTED');
        expect(result.errors?.[0]?.message).toContain('storage.delete.enabled');
      }
      expect(await tagDigests(client, 'library/alpine')).toEqual(before);
      expect(before.latest).toBe(latest);
      expect(await manifestExists(client, 'library/alpine', onlyTagged)).toBe(true);

      // Retagging needs no deletion.
      const retag = await executeAs(gateway, TOKENS.admin, TagManifestDocument, {
        input: { repository: 'library/alpine', source: 'latest', tag: 'edge' },
      });
      expect(retag.errors).toBeUndefined();
      expect((await tagDigests(client, 'library/alpine')).edge).toBe(latest);
    }));
});

describe('a registry in read-only mode', () => {
  it('answers UNSUPPORTED saying the registry refuses writes', () =>
    withGateway({ readOnly: true }, async (gateway, client) => {
      const before = await tagDigests(client, 'library/alpine');
      const attempts = [
        await executeAs(gateway, TOKENS.admin, DeleteManifestDocument, { input: { repository: 'library/alpine', digest: onlyTagged } }),
        await executeAs(gateway, TOKENS.admin, DeleteTagDocument, { input: { repository: 'library/alpine', tag: 'latest' } }),
        await executeAs(gateway, TOKENS.admin, TagManifestDocument, {
          input: { repository: 'library/alpine', source: 'latest', tag: 'edge' },
        }),
      ];
      for (const result of attempts) {
        expect(result.errors?.[0]?.extensions?.code).toBe('UNSUPPORTED');
        expect(result.errors?.[0]?.message).toContain('read-only');
        expect(result.errors?.[0]?.extensions?.upstreamStatus).toBe(405);
      }
      expect(await tagDigests(client, 'library/alpine')).toEqual(before);
    }));
});
