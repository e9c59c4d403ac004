/**
 * The gateway's domain, created per request over that request's loaders and the process-wide
 * content cache: registries, repositories, tags, manifests and blobs, the write workflows, and
 * subscriptions to registry events.
 * Plain TypeScript in and out; the schema (src/schema/) maps GraphQL arguments onto it.
 */
import type { RequestAccess } from '../access.js';
import type { ContentCache } from '../loaders/contentCache.js';
import type { Freshness } from '../loaders/freshness.js';
import type { ObservedSizes } from '../loaders/observedSizes.js';
import type { CallContext } from '../registry/types.js';
import type { SharedState } from '../shared/sharedState.js';
import type { RegistrySet } from '../registries.js';
import { Blobs } from './blobs.js';
import { EventBus } from './events/eventBus.js';
import { Subscriptions } from './events/subscriptions.js';
import { Manifests } from './manifests.js';
import { Reads } from './reads.js';
import { Referrers } from './referrers.js';
import { Registries } from './registries.js';
import { Repositories } from './repositories.js';
import { Tags } from './tags.js';
import { type UploadLimits, Uploads } from './writes/uploads.js';
import { Writes } from './writes/writes.js';

export interface ModelDependencies {
  registries: RegistrySet;
  cache: ContentCache;
  /** What the gateway has seen of sizes: the loaders report what they read. */
  observed: ObservedSizes;
  /** What is kept of each registry that sends its events. */
  freshness?: ReadonlyMap<string, Freshness>;
  /** Where registry events go to subscribers. */
  events?: EventBus;
  /** What the request may do; the write workflows check what depends on the registry's content. */
  access: RequestAccess;
  /** Binds every upstream request to the request's operation (its budget, its cancellation); none: unbound. */
  call?: CallContext;
  /** Bounds on blobs uploaded through the gateway; default DEFAULT_UPLOAD_LIMITS. */
  uploads?: UploadLimits;
  /** What replicas share through Redis; default nothing. */
  shared?: SharedState;
}

/** 8 MiB per request to the registry (and held in memory at most per upload); blobs up to 10 GiB. */
export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { maxBlobBytes: 10 * 1024 ** 3, chunkBytes: 8 * 1024 ** 2 };

export class Model {
  readonly registries: Registries;
  readonly repositories: Repositories;
  readonly tags: Tags;
  readonly manifests: Manifests;
  readonly blobs: Blobs;
  readonly referrers: Referrers;
  readonly writes: Writes;
  readonly uploads: Uploads;
  readonly subscriptions: Subscriptions;

  constructor({
    registries,
    cache,
    observed,
    freshness = new Map(),
    events = new EventBus(),
    access,
    call = {},
    uploads = DEFAULT_UPLOAD_LIMITS,
    shared,
  }: ModelDependencies) {
    const reads = new Reads(registries, cache, observed, freshness, call, shared);
    this.registries = new Registries(reads);
    this.repositories = new Repositories(reads);
    this.manifests = new Manifests(reads);
    this.tags = new Tags(reads, this.manifests);
    this.blobs = new Blobs(reads);
    this.referrers = new Referrers(reads, this.manifests);
    this.writes = new Writes(reads, this.registries, this.manifests, access);
    this.uploads = new Uploads(reads, this.registries, uploads);
    this.subscriptions = new Subscriptions(events, this.registries);
  }
}
