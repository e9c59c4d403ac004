/** Subscribing to registry events, as one request does it: the filter checked, the stream bounded. */
import { notFound } from '../errors.js';
import type { Registries } from '../registries.js';
import type { EventBus, EventFilter } from './eventBus.js';
import type { RegistryEvent } from './registryEvent.js';

export class Subscriptions {
  constructor(
    private readonly bus: EventBus,
    private readonly registries: Registries,
  ) {}

  /** The events matching the filter from now on. An unknown registry name is NOT_FOUND. */
  registryEvents(filter: EventFilter): AsyncIterableIterator<RegistryEvent> {
    if (filter.registry && !this.registries.get(filter.registry).config.notifications) {
      throw notFound(`the registry "${filter.registry}" sends no events: its configuration has no notifications`);
    }
    return this.bus.subscribe(filter);
  }
}
