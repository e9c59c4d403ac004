import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSampleManifest } from '../../fixtures/content/oracles.js';
import { sampleContent } from '../../fixtures/content/sampleContent.js';
import { createTestGateway } from '../support/gateway.js';
import { withRegistry } from '../support/registry.js';

const api = sampleContent().find(({ name }) => name === 'team/api')!;
const v1 = findSampleManifest(api, 'v1')!;

/** Where distribution's filesystem driver keeps a blob's bytes. */
function blobDataPath(dataDir: string, digest: string): string {
  const hex = digest.slice('sha256:'.length);
  return join(dataDir, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
}

describe('one failing tag among many', () => {
  it('yields a field error with DIGEST_MISMATCH and null there, and the rest of the answer', async () => {
    await withRegistry({}, async (registry) => {
      // Corrupt the stored manifest in place, keeping it a valid document of the same length
      // (one digit of a size changes): the registry keeps serving it under its digest, which
      // the bytes no longer hash to.
      const path = blobDataPath(registry.dataDir, v1.digest);
      const stored = await readFile(path, 'utf8');
      const corrupted = stored.replace(/("size":\d*)(\d)/, (_match, head: string, last: string) => `${head}${(Number(last) + 1) % 10}`);
      expect(corrupted).not.toBe(stored);
      await writeFile(path, corrupted);

      const gateway = createTestGateway({ registryUrl: registry.url });
      try {
        const result = await gateway.query<any>(
          '{ registry { repositories { edges { node { name tags { edges { node { name digest } } } } } } } }',
        );
        expect(result.errors).toHaveLength(1);
        const [error] = result.errors!;
        expect(error!.extensions).toMatchObject({ code: 'DIGEST_MISMATCH' });
        expect(error!.message).toContain(v1.digest);
        const repositories: any[] = result.data.registry.repositories.edges.map(({ node }: any) => node);
        const apiIndex = repositories.findIndex((repository) => repository.name === 'team/api');
        const apiTags: any[] = repositories[apiIndex].tags.edges.map(({ node }: any) => node);
        const v1Index = apiTags.findIndex((tag) => tag.name === 'v1');
        expect(apiTags[v1Index].digest).toBeNull();
        expect(error!.path).toEqual(['registry', 'repositories', 'edges', apiIndex, 'node', 'tags', 'edges', v1Index, 'node', 'digest']);
        const otherTags = repositories
          .flatMap((repository) => repository.tags.edges.map(({ node }: any) => node))
          .filter((tag) => tag !== apiTags[v1Index]);
        expect(otherTags.length).toBeGreaterThan(10);
        expect(otherTags.every((tag) => typeof tag.digest === 'string')).toBe(true);
      } finally {
        await gateway.close();
      }
    });
  });
});
