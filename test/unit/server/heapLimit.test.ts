import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { heapLimitProblem } from '../../../src/server/heapLimit.js';

const MiB = 2 ** 20;

describe('heapLimitProblem', () => {
  it('accepts the default cache under a 1 GiB old generation and the young generation npm start sets', () => {
    expect(heapLimitProblem(64 * MiB, 1024 * MiB + 3 * 64 * MiB)).toBeUndefined();
  });

  it('names both sizes and the remedies when the cache is more than a quarter of the heap limit', () => {
    expect(heapLimitProblem(512 * MiB, 1072 * MiB)).toBe(
      "cache.maxBytes (512 MiB) is more than a quarter of the heap limit (1072 MiB): the cache and the requests' work " +
        "may not fit; raise node's --max-old-space-size or lower cache.maxBytes",
    );
  });

  it("reads this process's heap limit when none is given", () => {
    const limit = getHeapStatistics().heap_size_limit;
    expect(heapLimitProblem(Math.floor(limit / 4))).toBeUndefined();
    expect(heapLimitProblem(Math.ceil(limit / 4) + 1)).toContain('is more than a quarter of the heap limit');
  });
});
