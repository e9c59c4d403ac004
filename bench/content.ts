/** What the benchmark puts in its registries. */
import type { LocalRegistry } from '../fixtures/registry/localRegistry.js';
import { copyRepository } from '../fixtures/registry/storageCopies.js';
import { bulkImages, bulkRepository, sampleContent, type SampleRepository } from '../fixtures/content/sampleContent.js';
import { createSeedClient, seedRegistry } from '../fixtures/seed.js';

/** Pushes in flight while seeding; the local registry keeps up with this many. */
const SEED_CONCURRENCY = 16;

/**
 * `count` repositories, each a copy of one of the demo repositories in turn (Helm charts, plain
 * images, Docker manifest lists with a tagged child, OCI indexes with attestations, a signature
 * artifact), with `tagsPerRepository` tags: the demo's own tags, then more tags on the same
 * manifests in turn (x001, x002, ...: after the demo's tags by name, so that, as in the demo,
 * the manifest list `multi` is read before `v2`, its amd64 entry). Names sort in index order:
 * bench/r001-charts-web, bench/r002-library-alpine, ...
 */
export function dashboardContent(count: number, tagsPerRepository: number): SampleRepository[] {
  const templates = sampleContent();
  const width = Math.max(3, String(count).length);
  return Array.from({ length: count }, (_, index) => {
    const template = templates[index % templates.length]!;
    const name = `bench/r${String(index + 1).padStart(width, '0')}-${template.name.replaceAll('/', '-')}`;
    return retagged(template, name, tagsPerRepository);
  });
}

function retagged(template: SampleRepository, name: string, tagCount: number): SampleRepository {
  const tagged = template.manifests.filter((manifest) => manifest.tags.length > 0);
  const assignments = tagged.flatMap((manifest) => manifest.tags.map((tag) => ({ manifest, tag })));
  for (let extra = 1; assignments.length < tagCount; extra++) {
    assignments.push({ manifest: tagged[(extra - 1) % tagged.length]!, tag: `x${String(extra).padStart(3, '0')}` });
  }
  const kept = assignments.slice(0, tagCount);
  return {
    name,
    blobs: template.blobs,
    manifests: template.manifests.map((manifest) => ({
      ...manifest,
      tags: kept.filter((assignment) => assignment.manifest === manifest).map(({ tag }) => tag),
    })),
  };
}

export async function seedDashboardRegistry(registry: LocalRegistry, content: SampleRepository[]): Promise<void> {
  const client = createSeedClient(registry.url, SEED_CONCURRENCY);
  try {
    await seedRegistry(client, content, SEED_CONCURRENCY);
  } finally {
    await client.close();
  }
}

export const CATALOG_PREFIX = 'many';

/** The name of the catalog registry's repository number `index` (from 1). */
export function catalogRepositoryName(index: number, count: number): string {
  return `${CATALOG_PREFIX}/repo-${String(index).padStart(Math.max(4, String(count).length), '0')}`;
}

/** `count` repositories of one tag each: one pushed, the others copies of its storage (fixtures/registry/storageCopies.ts). */
export async function seedCatalogRegistry(registry: LocalRegistry, count: number): Promise<void> {
  const first = catalogRepositoryName(1, count);
  const client = createSeedClient(registry.url, 1);
  try {
    await seedRegistry(client, [bulkRepository(first, 1, bulkImages(1))], 1);
  } finally {
    await client.close();
  }
  const names = Array.from({ length: count - 1 }, (_, index) => catalogRepositoryName(index + 2, count));
  await copyRepository(registry, first, names);
}
