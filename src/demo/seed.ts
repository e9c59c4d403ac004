/** Pushes sample content into a registry through the project's own registry client. */
import { RegistryClient } from '../registry/client.js';
import { bulkImages, bulkRepository, sampleContent, type SampleRepository } from './sampleContent.js';

export interface SeedSummary {
  repositories: string[];
  blobs: number;
  manifests: number;
  tags: number;
}

/** Pushes in flight at once: enough to keep a local registry busy without queueing in the pool. */
const DEFAULT_CONCURRENCY = 8;
const MiB = 1024 * 1024;

/** A client with bounds generous enough for any sample content; the caller closes it. */
export function createSeedClient(url: string, concurrency = DEFAULT_CONCURRENCY): RegistryClient {
  return new RegistryClient({
    name: 'seed',
    url,
    concurrency,
    timeoutMs: 30_000,
    maxManifestBytes: 4 * MiB,
    maxBlobBytes: 16 * MiB,
  });
}

export async function seedRegistry(
  client: RegistryClient,
  content: SampleRepository[] = sampleContent(),
  concurrency = DEFAULT_CONCURRENCY,
): Promise<SeedSummary> {
  await forEachConcurrently(content, concurrency, (repository) => pushRepository(client, repository));
  return {
    repositories: content.map((repository) => repository.name),
    blobs: sum(content, (repository) => repository.blobs.length),
    manifests: sum(content, (repository) => repository.manifests.length),
    tags: sum(content, (repository) => sum(repository.manifests, (manifest) => manifest.tags.length)),
  };
}

export interface ManyRepositoriesOptions {
  repositories: number;
  tagsPerRepository: number;
  /** Repository names are `<prefix>/repo-0001` …; default `bulk`. */
  prefix?: string;
  /** Distinct images the tags of each repository take turns over; default 3. */
  imagesPerRepository?: number;
  concurrency?: number;
}

/** N small repositories with M tags each, for pagination tests and benchmarks. */
export function seedManyRepositories(client: RegistryClient, options: ManyRepositoriesOptions): Promise<SeedSummary> {
  const prefix = options.prefix ?? 'bulk';
  const images = bulkImages(Math.min(options.imagesPerRepository ?? 3, Math.max(options.tagsPerRepository, 1)));
  const nameWidth = Math.max(4, String(options.repositories).length);
  const content = Array.from({ length: options.repositories }, (_, index) =>
    bulkRepository(`${prefix}/repo-${String(index + 1).padStart(nameWidth, '0')}`, options.tagsPerRepository, images),
  );
  return seedRegistry(client, content, options.concurrency);
}

/**
 * Blobs first, then manifests in the content's order, which puts every manifest after the
 * ones it references: the registry refuses an index whose entries it does not have.
 */
async function pushRepository(client: RegistryClient, repository: SampleRepository): Promise<void> {
  for (const blob of repository.blobs) await client.blobUpload(repository.name, blob);
  for (const manifest of repository.manifests) {
    const references = manifest.tags.length > 0 ? manifest.tags : [manifest.digest];
    for (const reference of references) {
      const digest = await client.manifestPut(repository.name, reference, manifest.bytes, manifest.mediaType);
      if (digest !== manifest.digest) {
        throw new Error(
          `${repository.name}:${reference}: the registry stored the manifest as ${digest}, expected ${manifest.digest}`,
        );
      }
    }
  }
}

async function forEachConcurrently<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    try {
      while (!failed && next < items.length) await task(items[next++]!);
    } catch (error) {
      // Stops the other workers from starting new items; Promise.all reports this error.
      failed = true;
      throw error;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function sum<T>(items: readonly T[], count: (item: T) => number): number {
  return items.reduce((total, item) => total + count(item), 0);
}
