import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Slots } from '../../../src/registry/slots.js';

describe('Slots', () => {
  it('queues requests of one operation behind a single abort listener, and cancelling empties the queue', async () => {
    const slots = new Slots(2);
    const operation = new AbortController();
    const running = [await slots.acquire(operation.signal), await slots.acquire(operation.signal)];
    const queued = Array.from({ length: 500 }, () => slots.acquire(operation.signal));
    expect(slots.queued).toBe(500);
    // Node's EventTarget walks its listeners on every add and remove: one per request made a dashboard quadratic.
    expect(getEventListeners(operation.signal, 'abort')).toHaveLength(1);

    running[0]!();
    const granted = await queued[0]!;
    expect(slots.queued).toBe(499);
    operation.abort(new Error('the client went away'));
    const outcomes = await Promise.allSettled(queued.slice(1));
    expect(outcomes.map((outcome) => (outcome.status === 'rejected' ? (outcome.reason as Error).message : 'granted'))).toEqual(
      Array(499).fill('the client went away'),
    );
    expect(slots.queued).toBe(0);
    granted();
    running[1]!();
    expect(slots.inUse).toBe(0);
  });

  it('grants slots in the order they were asked for', async () => {
    const slots = new Slots(1);
    const first = await slots.acquire();
    const order: number[] = [];
    const waiting = [1, 2, 3].map((n) => slots.acquire().then((release) => (order.push(n), release)));
    first();
    for (const next of waiting) (await next)();
    expect(order).toEqual([1, 2, 3]);
    expect(slots.inUse).toBe(0);
  });

  it('gives a freed slot to the next waiter still waiting, past the cancelled ones', async () => {
    const slots = new Slots(1);
    const running = await slots.acquire();
    const cancelled = new AbortController();
    const other = new AbortController();
    const gone = [slots.acquire(cancelled.signal), slots.acquire(cancelled.signal)];
    const waiting = slots.acquire(other.signal);
    cancelled.abort(new Error('cancelled'));
    await Promise.allSettled(gone);
    expect(slots.queued).toBe(1);
    running();
    const granted = await waiting;
    expect(slots.inUse).toBe(1);
    expect(slots.queued).toBe(0);
    granted();
    expect(slots.inUse).toBe(0);
  });
});
