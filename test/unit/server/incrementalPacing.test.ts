import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/registry/types.js';
import { pacedParts } from '../../../src/server/incrementalPacing.js';

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

/** A clock whose sleep ends only when its signal is aborted, as the real one's does then. */
const clockThatNeverWakes: Clock = {
  now: () => 0,
  sleep: (_ms, signal) => new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
};

/**
 * Parts that each take the given time to become known (on the manual clock), recording when
 * each was asked for and whether the iterator was closed.
 */
function partsTaking(time: ReturnType<typeof manualClock>, durations: number[]) {
  const askedAt: number[] = [];
  let closed = false;
  const iterator: AsyncIterableIterator<number> = {
    [Symbol.asyncIterator]: () => iterator,
    next: async () => {
      askedAt.push(time.clock.now());
      const index = askedAt.length - 1;
      if (index >= durations.length) return { done: true, value: undefined };
      time.advance(durations[index]!);
      return { done: false, value: index };
    },
    return: async () => {
      closed = true;
      return { done: true, value: undefined };
    },
  };
  return { iterator, askedAt, isClosed: () => closed };
}

/** Parts as the executor delivers them: the first at once, the next one only when released, or as done once returned. */
function executorParts() {
  let release: ((result: IteratorResult<string>) => void) | undefined;
  let returned = 0;
  let asked = 0;
  const iterator: AsyncIterableIterator<string> = {
    [Symbol.asyncIterator]: () => iterator,
    next: () => {
      asked++;
      if (asked === 1) return Promise.resolve({ done: false, value: 'initial' });
      return new Promise((resolve) => (release = resolve));
    },
    return: async () => {
      returned++;
      release?.({ done: true, value: undefined });
      return { done: true, value: undefined };
    },
  };
  return { iterator, asked: () => asked, returned: () => returned };
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
    async function* deferredAnswer() {
      for (const part of answer) {
        askedAt.push(time.clock.now());
        yield part;
      }
      askedAt.push(time.clock.now());
    }
    const received = [];
    for await (const part of pacedParts(deferredAnswer(), 50, time.clock)) received.push(part);
    expect(received).toEqual(answer);
    expect(askedAt).toEqual([0, 50, 100, 100]);
  });

  it('waits no longer than the interval when the wall clock steps back', async () => {
    const time = manualClock();
    time.advance(1_000_000);
    const parts = partsTaking(time, [0, 0]);
    const paced = pacedParts(parts.iterator, 50, time.clock);
    await paced.next();
    time.advance(-3_600_000);
    await paced.next();
    expect(time.slept).toEqual([50]);
  });

  it('closes the parts when the consumer stops early, so the executor stops too', async () => {
    const time = manualClock();
    const parts = partsTaking(time, [0, 0, 0, 0]);
    for await (const part of pacedParts(parts.iterator, 50, time.clock)) if (part === 1) break;
    expect(parts.askedAt).toHaveLength(2);
    expect(parts.isClosed()).toBe(true);
  });

  it('stops at once when the client goes away during the pause: the executor is returned, not asked again', async () => {
    const executor = executorParts();
    const paced = pacedParts(executor.iterator, 50, clockThatNeverWakes);
    expect(await paced.next()).toEqual({ done: false, value: 'initial' });
    const pending = paced.next();
    await expect(paced.return!()).resolves.toEqual({ done: true, value: undefined });
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(executor.returned()).toBe(1);
    expect(executor.asked()).toBe(1);
  });

  it('stops at once when the client goes away while a part is pending', async () => {
    const executor = executorParts();
    const time = manualClock();
    const paced = pacedParts(executor.iterator, 50, time.clock);
    await paced.next();
    const pending = paced.next();
    // Let it get past the pause to the executor, whose next part does not come.
    await new Promise((resolve) => setImmediate(resolve));
    expect(executor.asked()).toBe(2);
    await paced.return!();
    expect(executor.returned()).toBe(1);
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
  });

  it("passes the executor's error on, and does not return an iterator that failed", async () => {
    let returned = false;
    const failing: AsyncIterableIterator<never> = {
      [Symbol.asyncIterator]: () => failing,
      next: () => Promise.reject(new Error('executor failed')),
      return: async () => {
        returned = true;
        return { done: true, value: undefined };
      },
    };
    const paced = pacedParts(failing, 50, manualClock().clock);
    await expect(paced.next()).rejects.toThrow('executor failed');
    await paced.return!();
    expect(returned).toBe(false);
  });
});
