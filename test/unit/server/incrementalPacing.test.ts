import { describe, expect, it } from 'vitest';
import { pacedParts } from '../../../src/server/incrementalPacing.js';
import type { Clock } from '../../../src/registry/types.js';

/** A clock that only moves when told to: sleeping moves it by the time slept. */
function manualClock() {
  const slept: number[] = [];
  let now = 0;
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
  return { clock, slept, advance: (ms: number) => (now += ms) };
}

/** Parts that each take the given time to become known, recording when each was asked for and whether the iterator was closed. */
function partsTaking(clock: ReturnType<typeof manualClock>, durations: number[]) {
  const askedAt: number[] = [];
  let closed = false;
  const iterator: AsyncIterableIterator<number> = {
    [Symbol.asyncIterator]: () => iterator,
    next: async () => {
      askedAt.push(clock.clock.now());
      const index = askedAt.length - 1;
      if (index >= durations.length) return { done: true, value: undefined };
      clock.advance(durations[index]!);
      return { done: false, value: index };
    },
    return: async () => {
      closed = true;
      return { done: true, value: undefined };
    },
  };
  return { iterator, askedAt, isClosed: () => closed };
}

describe('pacedParts', () => {
  it('asks for the first part at once and for each next one no sooner than the interval after the one before', async () => {
    const time = manualClock();
    const parts = partsTaking(time, [0, 10, 70, 5]);
    const received: number[] = [];
    for await (const part of pacedParts(parts.iterator, 50, time.clock)) received.push(part);
    expect(received).toEqual([0, 1, 2, 3]);
    // A part that took longer than the interval (70 ms) is followed by the next ask at once.
    expect(parts.askedAt).toEqual([0, 50, 100, 170, 220]);
    expect(time.slept).toEqual([50, 40, 45]);
    expect(parts.isClosed()).toBe(false);
  });

  it('does not delay the end after the part that says there is no more', async () => {
    const time = manualClock();
    const answer = [{ hasNext: true }, { hasNext: true }, { hasNext: false }];
    const askedAt: number[] = [];
    async function* executorParts() {
      for (const part of answer) {
        askedAt.push(time.clock.now());
        yield part;
      }
      askedAt.push(time.clock.now());
    }
    const received = [];
    for await (const part of pacedParts(executorParts(), 50, time.clock)) received.push(part);
    expect(received).toEqual(answer);
    expect(askedAt).toEqual([0, 50, 100, 100]);
  });

  it('closes the parts when the consumer stops early, so the executor stops too', async () => {
    const time = manualClock();
    const parts = partsTaking(time, [0, 0, 0, 0]);
    for await (const part of pacedParts(parts.iterator, 50, time.clock)) if (part === 1) break;
    expect(parts.askedAt).toHaveLength(2);
    expect(parts.isClosed()).toBe(true);
  });
});
