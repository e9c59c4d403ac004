/**
 * Content addressed by digest, shared by the gateway's replicas: manifests (their exact bytes
 * and media type), image configs (their bytes) and created dates. Never stale, so kept without
 * expiry; Redis's own eviction bounds it (maxmemory with allkeys-lru). What comes back is checked
 * against its digest by the reader, as if it came from the registry.
 */
import type { SharedRedis } from './redis.js';

export interface SharedManifest {
  bytes: Buffer;
  mediaType: string;
}

export interface SharedContent {
  manifest(registry: string, repository: string, digest: string): Promise<SharedManifest | undefined>;
  setManifest(registry: string, repository: string, digest: string, manifest: SharedManifest): void;
  config(registry: string, repository: string, digest: string): Promise<Buffer | undefined>;
  setConfig(registry: string, repository: string, digest: string, bytes: Buffer): void;
  /** A created date; null when the content has none; undefined when not known. */
  created(registry: string, repository: string, digest: string): Promise<string | null | undefined>;
  setCreated(registry: string, repository: string, digest: string, created: string | null): void;
  /** A manifest deleted through the gateway: no replica serves it by digest any more. */
  forgetManifest(registry: string, repository: string, digest: string): void;
}

/** Without Redis: nothing shared. */
export const unsharedContent: SharedContent = {
  manifest: async () => undefined,
  setManifest: () => {},
  config: async () => undefined,
  setConfig: () => {},
  created: async () => undefined,
  setCreated: () => {},
  forgetManifest: () => {},
};

/** Media type and bytes in one value: the type, a NUL, the bytes. */
const SEPARATOR = 0;
const NO_DATE = '';

export function redisSharedContent(redis: SharedRedis): SharedContent {
  const key = (kind: string, registry: string, repository: string, digest: string) =>
    `${redis.keyPrefix}${kind}:${registry}:${repository}:${digest}`;
  const write = (command: Parameters<SharedRedis['run']>[0]) => void redis.run(command);
  return {
    async manifest(registry, repository, digest) {
      const value = await redis.run((client) => client.getBuffer(key('manifest', registry, repository, digest)));
      if (!value) return undefined;
      const split = value.indexOf(SEPARATOR);
      return split < 0 ? undefined : { mediaType: value.subarray(0, split).toString('utf8'), bytes: value.subarray(split + 1) };
    },
    setManifest(registry, repository, digest, { bytes, mediaType }) {
      const value = Buffer.concat([Buffer.from(mediaType, 'utf8'), Buffer.of(SEPARATOR), bytes]);
      write((client) => client.set(key('manifest', registry, repository, digest), value));
    },
    async config(registry, repository, digest) {
      return (await redis.run((client) => client.getBuffer(key('config', registry, repository, digest)))) ?? undefined;
    },
    setConfig(registry, repository, digest, bytes) {
      write((client) => client.set(key('config', registry, repository, digest), bytes));
    },
    async created(registry, repository, digest) {
      const value = await redis.run((client) => client.get(key('created', registry, repository, digest)));
      if (value === undefined || value === null) return undefined;
      return value === NO_DATE ? null : value;
    },
    setCreated(registry, repository, digest, created) {
      write((client) => client.set(key('created', registry, repository, digest), created ?? NO_DATE));
    },
    forgetManifest(registry, repository, digest) {
      write((client) => client.del(key('manifest', registry, repository, digest)));
    },
  };
}
