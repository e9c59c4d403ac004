/**
 * What replicas keep of a registry that sends its events, shared: tag lists and what each tag
 * points at, per repository in one Redis hash, which expires maxStalenessMs after it was first
 * written and is deleted when an event for the repository arrives at any replica.
 */
import type { ManifestHeadResult } from '../registry/types.js';
import type { SharedRedis } from './redis.js';

export interface SharedFreshness {
  tagList(registry: string, repository: string): Promise<string[] | undefined>;
  setTagList(registry: string, repository: string, tags: readonly string[], maxStalenessMs: number): void;
  /** What the tag points at; null: no such tag; undefined: not known. */
  tagHead(registry: string, repository: string, tag: string): Promise<ManifestHeadResult | null | undefined>;
  setTagHead(registry: string, repository: string, tag: string, head: ManifestHeadResult | null, maxStalenessMs: number): void;
  forgetRepository(registry: string, repository: string): Promise<void>;
}

export const unsharedFreshness: SharedFreshness = {
  tagList: async () => undefined,
  setTagList: () => {},
  tagHead: async () => undefined,
  setTagHead: () => {},
  forgetRepository: async () => {},
};

/** Larger tag lists stay in the process: a few MiB through Redis on every read would cost more than they save. */
const MAX_SHARED_LIST_BYTES = 1024 * 1024;

export function redisSharedFreshness(redis: SharedRedis): SharedFreshness {
  const key = (registry: string, repository: string) => `${redis.keyPrefix}fresh:${registry}:${repository}`;
  const write = (registry: string, repository: string, field: string, value: string, maxStalenessMs: number) =>
    void redis.run((client) =>
      client
        .multi()
        .hset(key(registry, repository), field, value)
        // The first write starts the clock: no entry outlives the bound, whenever it was written.
        .pexpire(key(registry, repository), maxStalenessMs, 'NX')
        .exec(),
    );
  const read = async (registry: string, repository: string, field: string): Promise<unknown> => {
    const value = await redis.run((client) => client.hget(key(registry, repository), field));
    if (value === undefined || value === null) return undefined;
    try {
      return JSON.parse(value);
    } catch {
      return undefined;
    }
  };
  return {
    async tagList(registry, repository) {
      const tags = await read(registry, repository, 'tags');
      return Array.isArray(tags) && tags.every((tag) => typeof tag === 'string') ? tags : undefined;
    },
    setTagList(registry, repository, tags, maxStalenessMs) {
      const value = JSON.stringify(tags);
      if (value.length <= MAX_SHARED_LIST_BYTES) write(registry, repository, 'tags', value, maxStalenessMs);
    },
    async tagHead(registry, repository, tag) {
      const head = await read(registry, repository, `head:${tag}`);
      if (head === null) return null;
      return isHead(head) ? head : undefined;
    },
    setTagHead(registry, repository, tag, head, maxStalenessMs) {
      write(registry, repository, `head:${tag}`, JSON.stringify(head), maxStalenessMs);
    },
    async forgetRepository(registry, repository) {
      await redis.run((client) => client.del(key(registry, repository)));
    },
  };
}

function isHead(value: unknown): value is ManifestHeadResult {
  const head = value as ManifestHeadResult;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof head.digest === 'string' &&
    typeof head.mediaType === 'string' &&
    typeof head.size === 'number'
  );
}
