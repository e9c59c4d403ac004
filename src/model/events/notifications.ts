/**
 * What the gateway does with a registry's notifications: each new event makes what is kept of
 * its repository stale (Freshness) and goes to the subscribers; a redelivered one is dropped.
 * With replicas, the replica that receives a notification hands its events to every replica
 * (`distribute`), each of which applies them; alone, it applies them itself.
 */
import type { Freshness } from '../../loaders/freshness.js';
import { parseEnvelope } from './envelope.js';
import type { EventBus } from './eventBus.js';
import type { RegistryEvent } from './registryEvent.js';

export interface ReceivedBatch {
  /** New events, handed on. */
  events: RegistryEvent[];
  /** Pulls, blob pushes and the like, left out. */
  ignored: number;
  /** Events delivered before. */
  duplicates: number;
}

/** Hands events to every replica, which apply them; alone, applies them. */
export type Distribute = (events: readonly RegistryEvent[]) => Promise<void>;

export class NotificationReceiver {
  private readonly distribute: Distribute;

  constructor(
    private readonly bus: EventBus,
    private readonly freshness: ReadonlyMap<string, Freshness>,
    distribute?: Distribute,
  ) {
    this.distribute = distribute ?? (async (events) => void this.apply(events));
  }

  /** An envelope the registry configured as `registry` posted; EnvelopeError when it is not one. */
  async receive(registry: string, envelope: unknown): Promise<ReceivedBatch> {
    const { events, ignored } = parseEnvelope(envelope, registry);
    const fresh = events.filter((event) => !this.bus.hasSeen(event));
    await this.distribute(fresh);
    return { events: fresh, ignored, duplicates: events.length - fresh.length };
  }

  /** Publishes the events not seen before to this process's subscribers and forgets what they made stale; returns them. */
  apply(events: readonly RegistryEvent[]): RegistryEvent[] {
    const published = this.bus.publish(events);
    for (const event of published) this.freshness.get(event.registry)?.forgetRepository(event.repository);
    return published;
  }
}
