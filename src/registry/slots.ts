/**
 * The bound on requests in flight toward one registry, kept by the transport itself rather than
 * by the connection pool's queue: a request's deadline starts when it gets a slot (time spent
 * waiting behind slow requests is not the registry's answer time), and a request of a cancelled
 * operation leaves the queue without ever being sent.
 */
import { whenAborted } from './abortListeners.js';

export class Slots {
  private free: number;
  /** Cancelled entries stay until their turn (removing each from the middle would make cancelling a long queue quadratic). */
  private readonly waiting: Array<{ grant: () => void; cancelled: boolean }> = [];
  private cancelledWaiting = 0;

  constructor(private readonly size: number) {
    this.free = size;
  }

  /** Waits for a slot; the returned function gives it back. Rejects with the signal's reason when it fires first. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw signal.reason;
    if (this.free > 0) {
      this.free--;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const entry = {
        cancelled: false,
        grant: () => {
          stopListening?.();
          resolve();
        },
      };
      const stopListening =
        signal &&
        whenAborted(signal, () => {
          entry.cancelled = true;
          this.cancelledWaiting++;
          reject(signal.reason);
        });
      this.waiting.push(entry);
    });
    return this.releaser();
  }

  /** Slots taken now: requests in flight. */
  get inUse(): number {
    return this.size - this.free;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.waiting.length - this.cancelledWaiting;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      let next = this.waiting.shift();
      while (next?.cancelled) {
        this.cancelledWaiting--;
        next = this.waiting.shift();
      }
      if (next) next.grant();
      else this.free++;
    };
  }
}
