/**
 * Registry events to subscribers, in the process: each subscriber gets the events that match its
 * filter, in order, from a queue of its own. A subscriber that falls behind by more than its
 * queue holds is ended with an error saying so, rather than buffered without bound. An event id
 * seen before (distribution redelivers what it is not sure arrived) is not published again.
 */
import { LRUCache } from 'lru-cache';
import type { RegistryEvent, RegistryEventAction } from './registryEvent.js';

export interface EventFilter {
  registry?: string | null;
  repository?: string | null;
  actions?: readonly RegistryEventAction[] | null;
}

/** Events a subscriber may have waiting before it is dropped. */
export const DEFAULT_SUBSCRIBER_QUEUE = 1000;
/** Event ids remembered to recognise redeliveries. */
const REMEMBERED_IDS = 100_000;

export class SubscriberTooSlowError extends Error {
  override name = 'SubscriberTooSlowError';
}

interface Subscriber {
  filter: EventFilter;
  push(event: RegistryEvent): void;
  /** Ends the subscription after what it has queued. */
  end(): void;
}

export class EventBus {
  private readonly subscribers = new Set<Subscriber>();
  // Bounded by size, one per id: a `max` would allocate the whole capacity up front, in every process.
  private readonly seen = new LRUCache<string, true>({ maxSize: REMEMBERED_IDS, sizeCalculation: () => 1 });

  /** Whether the event was published before (distribution redelivers what it is not sure arrived). */
  hasSeen(event: RegistryEvent): boolean {
    return this.seen.has(seenKey(event));
  }

  /** Publishes the events not seen before; returns them. */
  publish(events: readonly RegistryEvent[]): RegistryEvent[] {
    const fresh = events.filter((event) => {
      if (this.hasSeen(event)) return false;
      this.seen.set(seenKey(event), true);
      return true;
    });
    for (const event of fresh) {
      for (const subscriber of this.subscribers) if (matches(subscriber.filter, event)) subscriber.push(event);
    }
    return fresh;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Ends every subscription (the gateway is stopping): streams complete after what they have queued. */
  close(): void {
    for (const subscriber of [...this.subscribers]) subscriber.end();
  }

  /** The matching events from now on, until the iterator is returned or the subscriber falls behind. */
  subscribe(filter: EventFilter, maxQueued = DEFAULT_SUBSCRIBER_QUEUE): AsyncIterableIterator<RegistryEvent> {
    const queue: RegistryEvent[] = [];
    let waiting: ((result: IteratorResult<RegistryEvent>) => void) | undefined;
    let failWaiting: ((error: Error) => void) | undefined;
    let failure: Error | undefined;
    let done = false;
    const end = () => {
      done = true;
      this.subscribers.delete(subscriber);
    };
    const subscriber: Subscriber = {
      filter,
      end: () => {
        end();
        if (queue.length === 0 && waiting) {
          const resolve = waiting;
          waiting = undefined;
          resolve({ value: undefined, done: true });
        }
      },
      push: (event) => {
        if (waiting) {
          const resolve = waiting;
          waiting = undefined;
          failWaiting = undefined;
          resolve({ value: event, done: false });
        } else if (queue.length < maxQueued) {
          queue.push(event);
        } else {
          failure = new SubscriberTooSlowError(
            `the subscription fell ${maxQueued} events behind and was ended: read events as they come, or subscribe to fewer (filter by registry, repository or actions)`,
          );
          end();
        }
      },
    };
    this.subscribers.add(subscriber);
    const iterator: AsyncIterableIterator<RegistryEvent> = {
      next: () => {
        if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
        if (failure) {
          const error = failure;
          failure = undefined;
          return Promise.reject(error);
        }
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          waiting = resolve;
          failWaiting = reject;
        });
      },
      return: () => {
        end();
        waiting?.({ value: undefined, done: true });
        waiting = undefined;
        return Promise.resolve({ value: undefined, done: true });
      },
      throw: (error: unknown) => {
        end();
        failWaiting?.(error instanceof Error ? error : new Error(String(error)));
        return Promise.reject(error);
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}

const seenKey = (event: RegistryEvent) => `${event.registry}\u0000${event.id}`;

function matches(filter: EventFilter, event: RegistryEvent): boolean {
  if (filter.registry && filter.registry !== event.registry) return false;
  if (filter.repository && filter.repository !== event.repository) return false;
  if (filter.actions && filter.actions.length > 0 && !filter.actions.includes(event.action)) return false;
  return true;
}
