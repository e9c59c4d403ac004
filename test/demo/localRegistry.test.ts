import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { describe, expect, inject, it } from 'vitest';
import { startLocalRegistry } from '../../src/demo/localRegistry.js';
import { findSampleManifest, sampleContent } from '../../src/demo/sampleContent.js';
import { createSeedClient, seedManyRepositories } from '../../src/demo/seed.js';
import { MANIFEST_ACCEPT } from '../../src/registry/mediaTypes.js';
import { withRegistry } from '../support/registry.js';

async function status(url: string, method: 'GET' | 'HEAD' | 'POST' | 'DELETE', accept?: string): Promise<number> {
  const response = await request(url, { method, headers: accept === undefined ? {} : { accept } });
  await response.body.dump();
  return response.statusCode;
}

describe('startLocalRegistry', () => {
  it('serves the registry API on 127.0.0.1 and removes its temp dir on stop', async () => {
    const registry = await startLocalRegistry();
    expect(registry.url).toBe(`http://127.0.0.1:${registry.port}`);
    expect(await status(`${registry.url}/v2/`, 'GET')).toBe(200);
    await registry.stop();
    expect(existsSync(registry.dataDir)).toBe(false);
    await expect(status(`${registry.url}/v2/`, 'GET')).rejects.toThrow();
  });

  it('keeps a data dir it was given', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'regql-test-data-'));
    try {
      await withRegistry({ dataDir }, async (registry) => {
        expect(registry.dataDir).toBe(dataDir);
      });
      expect(existsSync(join(dataDir, 'docker', 'registry', 'v2', 'repositories'))).toBe(true);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("reports the registry's own error when it cannot start", async () => {
    const occupied = new URL(inject('registryUrl'));
    await expect(startLocalRegistry({ port: Number(occupied.port) })).rejects.toThrow(/address already in use/);
  });

  it('refuses deletes when deletion is disabled', async () => {
    await withRegistry({ deleteEnabled: false }, async (registry) => {
      const alpine = sampleContent().find((repository) => repository.name === 'library/alpine')!;
      const digest = findSampleManifest(alpine, '3.19')!.digest;
      expect(await status(`${registry.url}/v2/library/alpine/manifests/${digest}`, 'DELETE')).toBe(405);
    });
  });

  it('serves seeded content read-only, refusing pushes', async () => {
    await withRegistry({ readOnly: true }, async (registry) => {
      expect(await status(`${registry.url}/v2/library/alpine/manifests/latest`, 'HEAD', MANIFEST_ACCEPT)).toBe(200);
      expect(await status(`${registry.url}/v2/library/alpine/blobs/uploads/`, 'POST')).toBe(405);
    });
  });
});

describe('seedManyRepositories', () => {
  it('creates numbered repositories whose tags share a few images', async () => {
    await withRegistry({ seed: false }, async (registry) => {
      const client = createSeedClient(registry.url);
      try {
        const summary = await seedManyRepositories(client, { repositories: 12, tagsPerRepository: 5 });
        expect(summary).toMatchObject({ manifests: 36, tags: 60 });
        const catalog = await client.catalogPage({ n: 1000 });
        expect(catalog.repositories).toEqual(Array.from({ length: 12 }, (_, index) => `bulk/repo-${String(index + 1).padStart(4, '0')}`));
        expect((await client.tagsList('bulk/repo-0012')).sort()).toEqual(['1.0.0', '1.0.1', '1.0.2', '1.0.3', '1.0.4']);
        const [first, fourth] = await Promise.all([
          client.manifestHead('bulk/repo-0003', '1.0.0'),
          client.manifestHead('bulk/repo-0003', '1.0.3'),
        ]);
        expect(fourth.digest).toBe(first.digest);
      } finally {
        await client.close();
      }
    });
  });
});
