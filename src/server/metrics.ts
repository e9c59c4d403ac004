/**
 * Prometheus metrics (prom-client), one registry of metrics per gateway app: what the gateway
 * asks of each registry (requests by kind and status, their durations, how many are in flight),
 * how its caches serve, the GraphQL operations it answers, the registry events it receives, and
 * the process's own (CPU, memory, event loop). The sum of regql_upstream_requests_total is the
 * requests the registries received.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { UpstreamRequestEvent } from '../registry/types.js';

let processRegistry: Registry | undefined;

/** The process's own metrics (CPU, memory, event loop, GC), collected once however many apps the process runs. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Operation names are chosen by clients: beyond this many distinct ones, the rest count as "other". */
const MAX_OPERATION_NAMES = 100;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export type OperationOutcome = 'ok' | 'partial' | 'error';

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly upstreamRequests: Counter<'registry' | 'kind' | 'status'>;
  private readonly upstreamDuration: Histogram<'registry' | 'kind'>;
  private readonly cacheHits: Counter<'cache'>;
  private readonly cacheMisses: Counter<'cache'>;
  private readonly operations: Counter<'operation' | 'outcome'>;
  private readonly operationDuration: Histogram<'operation'>;
  private readonly events: Counter<'registry' | 'action'>;
  private readonly redisUp: Gauge;
  private readonly redisOutages: Counter;
  private readonly operationNames = new Set<string>();
  private readonly upstreamChildren = new Map<string, { requests: { inc(): void }; duration: { observe(value: number): void } }>();

  /** inFlight: requests each registry has in flight now, read when scraped. */
  constructor(inFlight: () => ReadonlyMap<string, number>) {
    const registers = [this.registry];
    this.upstreamRequests = new Counter({
      name: 'regql_upstream_requests_total',
      help: 'HTTP requests sent to the registries (every attempt, page and token request), by kind and status (0: no answer).',
      labelNames: ['registry', 'kind', 'status'],
      registers,
    });
    this.upstreamDuration = new Histogram({
      name: 'regql_upstream_request_duration_seconds',
      help: 'Time from sending a request to a registry to having its whole answer.',
      labelNames: ['registry', 'kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    new Gauge({
      name: 'regql_upstream_in_flight',
      help: 'Requests to the registry in flight now (bounded by its concurrency).',
      labelNames: ['registry'],
      registers,
      collect() {
        for (const [registry, count] of inFlight()) this.set({ registry }, count);
      },
    });
    this.cacheHits = new Counter({ name: 'regql_cache_hits_total', help: 'Lookups a cache answered.', labelNames: ['cache'], registers });
    this.cacheMisses = new Counter({
      name: 'regql_cache_misses_total',
      help: 'Lookups a cache could not answer.',
      labelNames: ['cache'],
      registers,
    });
    this.operations = new Counter({
      name: 'regql_graphql_operations_total',
      help: 'GraphQL operations answered, by operation name and outcome (ok, partial: data with errors, error: no data).',
      labelNames: ['operation', 'outcome'],
      registers,
    });
    this.operationDuration = new Histogram({
      name: 'regql_graphql_operation_duration_seconds',
      help: 'Time to answer a GraphQL operation.',
      labelNames: ['operation'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.events = new Counter({
      name: 'regql_events_received_total',
      help: "Registry events received through the registries' notifications, by action (duplicates and ignored ones not counted).",
      labelNames: ['registry', 'action'],
      registers,
    });
    this.redisUp = new Gauge({
      name: 'regql_redis_up',
      help: 'Whether the Redis that replicas share answers (1) or not (0: the gateway works from the process alone). Absent without Redis.',
      registers: [],
    });
    this.redisOutages = new Counter({
      name: 'regql_redis_outages_total',
      help: 'Times the Redis that replicas share became unavailable.',
      registers: [],
    });
  }

  /** Adds the Redis metrics (a gateway without Redis does not report them). */
  withRedis(): void {
    this.registry.registerMetric(this.redisUp);
    this.registry.registerMetric(this.redisOutages);
  }

  /** Set when the gateway has a Redis; the gauge stays absent otherwise. */
  redisAvailability(available: boolean): void {
    this.redisUp.set(available ? 1 : 0);
    if (!available) this.redisOutages.inc();
  }

  /** The text of /metrics: these metrics and the process's. */
  async scrape(): Promise<{ contentType: string; text: string }> {
    const merged = Registry.merge([processMetrics(), this.registry]);
    return { contentType: merged.contentType, text: await merged.metrics() };
  }

  upstreamRequest(event: UpstreamRequestEvent): void {
    // The labelled children, looked up once per combination: this runs for every upstream request.
    const key = `${event.registry}\u0000${event.kind}\u0000${event.status}`;
    let children = this.upstreamChildren.get(key);
    if (!children) {
      children = {
        requests: this.upstreamRequests.labels(event.registry, event.kind, String(event.status)),
        duration: this.upstreamDuration.labels(event.registry, event.kind),
      };
      this.upstreamChildren.set(key, children);
    }
    children.requests.inc();
    children.duration.observe(event.durationMs / 1000);
  }

  cacheLookup(cache: string, hit: boolean): void {
    (hit ? this.cacheHits : this.cacheMisses).inc({ cache });
  }

  operation(name: string | undefined, outcome: OperationOutcome, seconds: number): void {
    const operation = this.operationLabel(name);
    this.operations.inc({ operation, outcome });
    this.operationDuration.observe({ operation }, seconds);
  }

  eventReceived(registry: string, action: string): void {
    this.events.inc({ registry, action });
  }

  private operationLabel(name: string | undefined): string {
    if (name === undefined || name === '') return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'other';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_NAMES) return 'other';
    this.operationNames.add(name);
    return name;
  }
}
