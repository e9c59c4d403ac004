/**
 * What the gateway does with a registry's notifications: each new event makes what is kept of
 * its repository stale (Freshness) and goes to the subscribers; a redelivered one is dropped.
 */
import type { Freshness } from '../../loaders/freshness.js';
import { parseEnvelope } from './envelope.js';
import type { EventBus } from './eventBus.js';
import type { RegistryEvent } from './registryEvent.js';

export interface ReceivedBatch {
  /** New events, published. */
  events: RegistryEvent[];
  /** Pulls, blob pushes and the like, left out. */
  ignored: number;
  /** Events delivered before. */
  duplicates: number;
}

export class NotificationReceiver {
  constructor(
    private readonly bus: EventBus,
    private readonly freshness: ReadonlyMap<string, Freshness>,
  ) {}

  /** An envelope the registry configured as `registry` posted; EnvelopeError when it is not one. */
  receive(registry: string, envelope: unknown): ReceivedBatch {
    const { events, ignored } = parseEnvelope(envelope, registry);
    const published = this.bus.publish(events);
    const kept = this.freshness.get(registry);
    for (const repository of new Set(published.map((event) => event.repository))) kept?.forgetRepository(repository);
    return { events: published, ignored, duplicates: events.length - published.length };
  }
}
