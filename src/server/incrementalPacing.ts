import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { systemClock } from '../registry/clock.js';
import type { Clock } from '../registry/types.js';
import { isLastPart } from './answered.js';

/**
 * The executor asked for the next part of a @defer or @stream answer at most once per
 * `intervalMs`: each part then carries every deferred fragment and streamed item completed since
 * the one before. A dashboard deferring each of its 1,000 tags sends tens of parts rather than
 * hundreds, which a browser renders as well. It is also what keeps the executor's cost near
 * linear: each time it is asked for a part, @graphql-tools/executor 2.1 races every pending
 * fragment, and those reactions stay in memory until the fragments settle, so asking once per
 * completed fragment is quadratic. The first part is asked for at once, and the answer closes as
 * soon as its last part is out; 0 asks for each part as soon as the one before is sent.
 */
export function useIncrementalPacing(intervalMs: number, clock: Clock = systemClock): Plugin {
  return {
    onExecute: () => ({
      onExecuteDone({ result, setResult }) {
        if (intervalMs > 0 && isAsyncIterable(result)) setResult(pacedParts(result, intervalMs, clock));
      },
    }),
  };
}

/**
 * The parts, each asked of `parts` no sooner than `intervalMs` after the one before was asked.
 * A plain iterator rather than an async generator: a generator's return() would wait for the
 * pause and the pending part, where a client that goes away should stop the executor at once.
 */
export function pacedParts<T>(parts: AsyncIterable<T>, intervalMs: number, clock: Clock): AsyncIterableIterator<T> {
  const inner = parts[Symbol.asyncIterator]();
  const stopped = new AbortController();
  const end: IteratorReturnResult<undefined> = { done: true, value: undefined };
  let asked: number | undefined;
  let last: T | undefined;
  let finished = false;

  const paced: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => paced,
    async next() {
      if (finished) return end;
      // Bounded by the interval, should the wall clock step back; none after the part that says there is no more.
      const wait = asked === undefined || isLastPart(last) ? 0 : Math.min(intervalMs, asked + intervalMs - clock.now());
      if (wait > 0) await clock.sleep(wait, stopped.signal).catch(() => undefined);
      if (finished) return end;
      asked = clock.now();
      try {
        const next = await inner.next();
        if (next.done) finished = true;
        else last = next.value;
        return next;
      } catch (error) {
        finished = true;
        throw error;
      }
    },
    async return() {
      if (!finished) {
        finished = true;
        stopped.abort();
        await inner.return?.();
      }
      return end;
    },
  };
  return paced;
}
