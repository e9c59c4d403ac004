/**
 * Callbacks for a signal's abort, behind one listener per signal. Node's EventTarget walks its
 * list of listeners on every add and remove, and every request of an operation listens on the
 * operation's signal while it waits for a slot and while it runs: a dashboard's thousand requests
 * made that quadratic (about 6% of the gateway's CPU profile). Here each registration is a Set entry.
 */
const registered = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls onAbort once when signal aborts, unless the returned function is called first. As with a
 * listener, a signal that has already aborted calls nothing: callers check `aborted` first.
 */
export function whenAborted(signal: AbortSignal, onAbort: () => void): () => void {
  let callbacks = registered.get(signal);
  if (!callbacks) {
    const forSignal = new Set<() => void>();
    callbacks = forSignal;
    registered.set(signal, forSignal);
    signal.addEventListener('abort', () => callEach(signal, forSignal), { once: true });
  }
  const own = callbacks;
  // A wrapper, so that the same function registered twice is called twice, as two listeners would be.
  const entry = () => onAbort();
  own.add(entry);
  return () => {
    own.delete(entry);
  };
}

/** Each callback, even after one throws; the error is reported as an uncaught one, as a listener's would be. */
function callEach(signal: AbortSignal, callbacks: Set<() => void>): void {
  registered.delete(signal);
  for (const callback of callbacks) {
    try {
      callback();
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
