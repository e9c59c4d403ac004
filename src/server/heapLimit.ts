/**
 * V8's heap limit (a share of the machine's memory by default; node's --max-old-space-size sets
 * it, as operators who want a memory ceiling do) bounds what the content cache can hold. The
 * cache's bound approximates the heap its entries take (the bytes and the parsed form), and each
 * request's own work and the garbage V8 has not collected yet need room beside it: a cache
 * configured near the limit would end the process when it filled.
 */
import { getHeapStatistics } from 'node:v8';

/** The share of the heap limit the cache's bytes may be configured to, before a warning. */
const CACHE_SHARE_OF_HEAP = 1 / 4;

/**
 * Why the heap limit is too small for the configured cache, or undefined when it is not. The
 * limit is V8's heap_size_limit, which counts the young generation too (three times
 * --max-semi-space-size): against a small old-generation cap the quarter is a lenient bound.
 */
export function heapLimitProblem(cacheMaxBytes: number, heapLimitBytes = getHeapStatistics().heap_size_limit): string | undefined {
  if (cacheMaxBytes <= heapLimitBytes * CACHE_SHARE_OF_HEAP) return undefined;
  const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
  return (
    `cache.maxBytes (${mib(cacheMaxBytes)}) is more than a quarter of the heap limit (${mib(heapLimitBytes)}): ` +
    `the cache and the requests' work may not fit; raise node's --max-old-space-size or lower cache.maxBytes`
  );
}
