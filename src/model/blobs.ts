/** Blobs of a repository, confirmed with a HEAD request. */
import type { Reads } from './reads.js';
import type { RepositoryBlob } from './types.js';

export class Blobs {
  constructor(private readonly reads: Reads) {}

  /** The blob when the repository has it, else null. */
  async find(registry: string, repository: string, digest: string): Promise<RepositoryBlob | null> {
    const head = await this.reads.loaders.blobs.load({ registry, repository, digest });
    return head && { registry, repository, digest: head.digest, size: head.size };
  }
}
