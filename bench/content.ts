/** What the benchmark puts in its registries. */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { LocalRegistry } from '../fixtures/registry/localRegistry.js';
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

/**
 * `count` repositories of one tag each. Pushing them all would take minutes (five requests per
 * repository, ~3 ms each on this machine's registry), so one repository is pushed through the
 * registry's API and the others are copies of the link files the registry itself wrote for it
 * (the filesystem storage driver: a repository is its directory of links to shared blobs).
 * The registry serves them like any other: tag lists, manifests and the catalog read the same
 * files. Seconds instead of minutes for 10,000.
 */
export async function seedCatalogRegistry(registry: LocalRegistry, count: number): Promise<void> {
  const first = catalogRepositoryName(1, count);
  const client = createSeedClient(registry.url, 1);
  try {
    await seedRegistry(client, [bulkRepository(first, 1, bulkImages(1))], 1);
  } finally {
    await client.close();
  }
  const repositoriesRoot = join(registry.dataDir, 'docker', 'registry', 'v2', 'repositories');
  const files = await linkFiles(join(repositoriesRoot, first));
  const names = Array.from({ length: count - 1 }, (_, index) => catalogRepositoryName(index + 2, count));
  await forEachConcurrently(names, 32, async (name) => {
    for (const { path, bytes } of files) {
      const target = join(repositoriesRoot, name, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, bytes);
    }
  });
}

async function linkFiles(directory: string): Promise<Array<{ path: string; bytes: Buffer }>> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => {
        const full = join(entry.parentPath, entry.name);
        return { path: relative(directory, full), bytes: await readFile(full) };
      }),
  );
}

async function forEachConcurrently<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
