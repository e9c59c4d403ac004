import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { systemClock } from '../registry/clock.js';
import type { Clock } from '../registry/types.js';

/**
 * Parts of a @defer or @stream answer at most one per `intervalMs`: each part carries every
 * deferred fragment and streamed item completed since the one before. A dashboard deferring each
 * of its 1,000 tags then sends about 20 parts a second rather than hundreds, which a browser
 * renders as well. It also keeps the executor's cost near linear: each time it is asked for a
 * part, @graphql-tools/executor 2.1 races every pending fragment, and those reactions stay in
 * memory until the fragments settle, so asking once per completed fragment is quadratic.
 * The initial answer is not delayed; 0 sends each part as soon as it is known.
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

/** The parts, each asked of `parts` no sooner than `intervalMs` after the one before was asked. */
export async function* pacedParts<T>(parts: AsyncIterable<T>, intervalMs: number, clock: Clock): AsyncGenerator<T, void, undefined> {
  const iterator = parts[Symbol.asyncIterator]();
  let asked: number | undefined;
  let last: T | undefined;
  let exhausted = false;
  try {
    for (;;) {
      // After the part that says there is no more, the end is not delayed.
      const wait = asked === undefined || isLastPart(last) ? 0 : asked + intervalMs - clock.now();
      if (wait > 0) await clock.sleep(wait);
      asked = clock.now();
      const next = await iterator.next();
      if (next.done) {
        exhausted = true;
        return;
      }
      last = next.value;
      yield next.value;
    }
  } finally {
    // The consumer stopped early (the client went away): the executor stops delivering too.
    if (!exhausted) await iterator.return?.();
  }
}

function isLastPart(part: unknown): boolean {
  return typeof part === 'object' && part !== null && (part as { hasNext?: unknown }).hasNext === false;
}
