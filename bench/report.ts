/** BENCHMARKS.md from one run's measurements: tables, the targets checked, and how it was measured. */
import { existsSync, readFileSync } from 'node:fs';
import type { ProfileSummary } from './profile.js';
import type { LatencyProxy, ProxyCounts } from './latencyProxy.js';
import type { BenchOptions } from './options.js';
import type { WorkerStats } from './worker.js';

/** The profile's top entries before the gateway's CPU was cut (2026-11-29), kept beside the bench: what the current ones compare with. */
const PROFILE_BEFORE = new URL('./profile-before.md', import.meta.url).pathname;

/** extensions.cost of a gateway answer. */
export interface QueryCost {
  estimated: number;
  actual: number;
  budget: number;
}

export interface Sample {
  ms: number;
  counts: ProxyCounts;
  fingerprint: string;
  /** CPU time used while the query ran: by the client (or gateway) process, the proxy's process, the registry. */
  cpu: { client: number; proxy: number; registry: number };
  /** The gateway's own account of the query. */
  cost?: QueryCost;
  /** The gateway process's RSS before the query and its peak while it ran. */
  rss?: { before: number; peak: number };
}

/** The cold dashboard against a registry that misbehaves in one way. */
export interface FaultScenario {
  name: string;
  ms: number;
  /** Requests the registry (its proxy) received; for a registry that is down, the attempts the gateway made. */
  calls: number;
  /** Tags answered with their manifest and total size. */
  completeTags: number;
  errors: number;
  codes: string[];
}

export interface Measured {
  cold: Sample[];
  warm: Sample[];
}

export interface CatalogPageSample {
  page: string;
  ms: number;
  counts: ReturnType<LatencyProxy['takeCounts']>;
  names: number;
  hasNextPage: boolean;
}

export interface BenchResults {
  options: BenchOptions;
  command: string;
  machine: { cores: number; memoryGiB: number; cpuModel: string; node: string; registry: string; date: string };
  content: { repositories: number; tags: number; manifests: number; seedMs: number; catalogSeedMs: number };
  gateway: Measured;
  /** The gateway on the same registry configured as sending its events (registries[].notifications). */
  live: Measured;
  parallel: Measured;
  sequential: Measured;
  catalog: CatalogPageSample[];
  refusal: {
    ms: number;
    counts: ProxyCounts;
    error?: { message: string; extensions?: Record<string, unknown> } | undefined;
    cost?: QueryCost | undefined;
  };
  /** Each run of the dashboard with @defer: its first and last part, how many parts, and the gateway's CPU for it. */
  deferred: Array<{ firstMs: number; lastMs: number; parts: number; cpuMs: number }>;
  /** The gateway's CPU profile over cold and warm dashboards: self time by function and package. */
  profile: ProfileSummary;
  /** Two gateways sharing Redis: A cold with Redis empty, then B with its own caches empty. */
  replicas: { a: Sample[]; b: Sample[] };
  faults: FaultScenario[];
  memory: {
    gatewayIdle: WorkerStats;
    gatewayAfterWarmUp: WorkerStats;
    gatewayAfterDashboard: WorkerStats;
    gatewayIdleAfterDashboard: WorkerStats;
    gatewayAtEnd: WorkerStats;
    gatewayCacheBytes: number;
    parallel: WorkerStats;
    sequential: WorkerStats;
  };
}

const KIND_ORDER = [
  'GET ping',
  'GET catalog',
  'GET tags',
  'GET manifest by tag',
  'HEAD manifest by tag',
  'GET manifest by digest',
  'HEAD manifest by digest',
  'GET blob',
  'HEAD blob',
];

/** The gateway's default cache bound (config cache.maxBytes). */
const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const medianMs = (samples: readonly Sample[]) => median(samples.map((sample) => sample.ms));
const seconds = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const ratio = (value: number) => value.toFixed(2);
const mib = (bytes: number) => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KiB` : `${(bytes / 1024 / 1024).toFixed(0)} MiB`);
const thousands = (value: number) => value.toLocaleString('en-US');

function countsOf(samples: readonly Sample[], kind: string): number[] {
  return samples.map((sample) => (kind === 'total' ? sample.counts.total : (sample.counts.byKind[kind] ?? 0)));
}

const maxCount = (samples: readonly Sample[], kind: string) => Math.max(...countsOf(samples, kind));
const minCount = (samples: readonly Sample[], kind: string) => Math.min(...countsOf(samples, kind));

/** A count over runs: one number when every run agrees, else min–max. */
function countOver(samples: readonly Sample[], kind: string): string {
  const low = minCount(samples, kind);
  const high = maxCount(samples, kind);
  return low === high ? String(low) : `${low}–${high}`;
}

export function renderReport(results: BenchResults): string {
  const { options, machine, content, gateway, live, parallel, sequential, catalog, refusal, replicas, deferred, profile, faults, memory } =
    results;
  const clients = [
    ['gateway (Dashboard query)', gateway],
    ['parallel direct client', parallel],
    ['sequential direct client', sequential],
  ] as const;
  const gatewayCold = medianMs(gateway.cold);
  const gatewayWarm = medianMs(gateway.warm);
  const coldRatio = gatewayCold / medianMs(parallel.cold);
  const warmRatio = gatewayWarm / medianMs(parallel.warm);
  const sequentialColdRatio = medianMs(sequential.cold) / gatewayCold;
  const sequentialWarmRatio = medianMs(sequential.warm) / gatewayWarm;

  const phases = [
    ['gateway cold', gateway.cold],
    ['parallel cold', parallel.cold],
    ['sequential cold', sequential.cold],
    ['gateway warm', gateway.warm],
    ['parallel warm', parallel.warm],
    ['sequential warm', sequential.warm],
  ] as const;
  const allSamples = phases.flatMap(([, samples]) => samples);
  const kinds = [
    ...KIND_ORDER.filter((kind) => allSamples.some((sample) => sample.counts.byKind[kind])),
    ...[...new Set(allSamples.flatMap((sample) => Object.keys(sample.counts.byKind)))].filter((kind) => !KIND_ORDER.includes(kind)).sort(),
  ];

  const fewerCalls = (phase: 'cold' | 'warm') =>
    [...kinds, 'total'].every((kind) => maxCount(gateway[phase], kind) <= minCount(parallel[phase], kind));
  const warmContentCalls = ['GET manifest by digest', 'GET blob', 'GET manifest by tag'].reduce(
    (total, kind) => total + maxCount(gateway.warm, kind),
    0,
  );
  const warmTagChecks = maxCount(gateway.warm, 'HEAD manifest by tag');
  const firstCatalogPage = catalog[0];
  const met = (ok: boolean) => (ok ? 'met' : '**not met**');

  const lines: string[] = [];
  const table = (header: readonly string[], rows: ReadonlyArray<readonly (string | number)[]>) => {
    lines.push(`| ${header.join(' | ')} |`, `| ${header.map((_, index) => (index === 0 ? '---' : '---:')).join(' | ')} |`);
    for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
    lines.push('');
  };

  lines.push(
    '# Benchmarks',
    '',
    `Produced by \`${results.command}\` (code in [\`bench/\`](bench/)) on ${machine.date}; the whole file is rewritten by each run.`,
    '',
    `Machine: ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.cpuModel}; Node ${machine.node}; registry: Debian's docker-registry ${machine.registry} (CNCF Distribution), storage on tmpfs. ` +
      'The machine is shared with other work, so absolute times vary by some percent from run to run; the ratios, taken within one run, and the call counts are what to read.',
    '',
    '## Setup',
    '',
    `- **Data**: ${content.repositories} repositories x ${options.tags} tags (${thousands(content.tags)} tags on ${thousands(content.manifests)} manifests), ` +
      "copies of the demo's repositories in turn: Helm charts, plain OCI images, Docker schema2 images with a manifest list whose amd64 entry is also a tag, " +
      `OCI indexes with attestations, a signature artifact. Seeded in ${seconds(content.seedMs)}.`,
    `- **Latency**: a proxy of the benchmark's own (bench/latencyProxy.ts) sits between every client and the registry and holds each request ${options.latencyMs} ms before forwarding it, ` +
      'as a remote registry costs a round trip per call; it counts requests by kind and the most in flight at once.',
    `- **Query**: [\`schema/operations/Dashboard.graphql\`](schema/operations/Dashboard.graphql) with \`repositories: ${options.repositories}, tags: ${options.tags}\`, ` +
      `POSTed to the gateway running in its own process (default configuration but \`concurrency\`; node options: ${options.gatewayNodeOptions ? `\`${options.gatewayNodeOptions}\`` : 'none'}), timed until the answer is read and parsed.`,
    `- **Direct clients** (bench/directClients.ts, each in its own process with node's default options, on the project's registry client): the same data (each run's answers are compared: ` +
      'same digests, media types, sizes, total sizes, platforms and dates for every tag). The **sequential** one makes one call at a time, like a simple script. ' +
      `The **parallel** one makes the minimal set of calls (digest de-duplication; an index's children are fetched once the repository's tags are known) with up to ${options.concurrency} in flight, ` +
      `the gateway's limit (\`concurrency: ${options.concurrency}\`).`,
    `- **Runs**: medians of ${options.runs} runs (sequential: ${options.sequentialRuns}), after one untimed warm-up. **Cold**: a fresh gateway app or client ` +
      '(empty cache, new connections; same process). **Warm**: the same query again right after.',
    '',
    '## Dashboard: wall time',
    '',
  );
  table(
    ['client', 'cold (median)', 'warm (median)', 'cold runs', 'warm runs'],
    clients.map(([name, measured]) => [
      name,
      seconds(medianMs(measured.cold)),
      seconds(medianMs(measured.warm)),
      measured.cold.map((sample) => seconds(sample.ms)).join(', '),
      measured.warm.map((sample) => seconds(sample.ms)).join(', '),
    ]),
  );
  table(
    ['ratio', 'cold', 'warm'],
    [
      ['gateway / parallel (lower is better)', ratio(coldRatio), ratio(warmRatio)],
      ['sequential / gateway (the gateway is this many times faster)', ratio(sequentialColdRatio), ratio(sequentialWarmRatio)],
    ],
  );

  const cpuMedian = (samples: readonly Sample[], part: keyof Sample['cpu']) => median(samples.map((sample) => sample.cpu[part]));
  const busy = (samples: readonly Sample[]) =>
    median(samples.map((sample) => (sample.cpu.client + sample.cpu.proxy + sample.cpu.registry) / (sample.ms * machine.cores)));
  const gatewayColdBusy = busy(gateway.cold);
  const registryPerCall = cpuMedian(gateway.cold, 'registry') / medianCount(gateway.cold);
  lines.push(
    '## Where the CPU goes',
    '',
    `Everything runs on these ${machine.cores} cores: the registry, the proxy (in the benchmark's own process) and the client or gateway. ` +
      'CPU time used while each query ran (medians); "cores busy" is their sum over wall time x cores. ' +
      "The range is the client's or gateway's own CPU over the runs: the same work varies this much on these shared virtual cores, " +
      'so ratios of CPU time move by tenths from one bench to the next.',
    '',
  );
  table(
    ['query', 'client or gateway', 'its range', 'proxy', 'registry', 'cores busy'],
    phases.map(([name, samples]) => [
      name,
      seconds(cpuMedian(samples, 'client')),
      `${seconds(Math.min(...samples.map((sample) => sample.cpu.client)))} to ${seconds(Math.max(...samples.map((sample) => sample.cpu.client)))}`,
      seconds(cpuMedian(samples, 'proxy')),
      seconds(cpuMedian(samples, 'registry')),
      `${Math.round(busy(samples) * 100)}%`,
    ]),
  );

  lines.push(
    "## The gateway's CPU profile",
    '',
    `Sampled by V8's profiler (as \`node --cpu-prof\`) over 3 cold and 3 warm dashboards: ${seconds(profile.totalMs)} of CPU (idle left out); self time, not counting callees. ` +
      "By package (the gateway's own code by directory):",
    '',
  );
  table(
    ['package', 'share'],
    profile.packages.map(({ name, share }) => [name, `${(share * 100).toFixed(1)}%`]),
  );
  lines.push('By function:', '');
  table(
    ['function', 'share'],
    profile.functions.map(({ name, share }) => [`\`${name.replaceAll('|', '\\|')}\``, `${(share * 100).toFixed(1)}%`]),
  );
  if (existsSync(PROFILE_BEFORE)) lines.push(readFileSync(PROFILE_BEFORE, 'utf8').trim(), '');

  lines.push(
    '## Warm dashboard on a registry that sends its events',
    '',
    'The same registry configured as sending its notifications (`registries[].notifications`): the gateway keeps the ping, the catalog page, ' +
      'the tag lists and what each tag points at until an event says the repository changed (or `maxStalenessMs`), so the repeated dashboard asks the registry nothing.',
    '',
  );
  table(
    ['Dashboard', 'median', 'runs', 'upstream calls'],
    [
      [
        'gateway, registry with events, cold',
        seconds(medianMs(live.cold)),
        live.cold.map((sample) => seconds(sample.ms)).join(', '),
        countOver(live.cold, 'total'),
      ],
      [
        'gateway, registry with events, warm',
        seconds(medianMs(live.warm)),
        live.warm.map((sample) => seconds(sample.ms)).join(', '),
        countOver(live.warm, 'total'),
      ],
      [
        'gateway, warm (no events)',
        seconds(medianMs(gateway.warm)),
        gateway.warm.map((sample) => seconds(sample.ms)).join(', '),
        countOver(gateway.warm, 'total'),
      ],
      [
        'parallel direct client, warm',
        seconds(medianMs(parallel.warm)),
        parallel.warm.map((sample) => seconds(sample.ms)).join(', '),
        countOver(parallel.warm, 'total'),
      ],
    ],
  );
  lines.push(
    `The warm dashboard with events takes ${ratio(medianMs(live.warm) / medianMs(parallel.warm))}x the time of the parallel direct client's warm run, ` +
      'which cannot skip its HEADs: without events, nothing tells a client that a tag has not moved.',
    '',
  );

  const deferredFirst = median(deferred.map(({ firstMs }) => firstMs));
  const deferredLast = median(deferred.map(({ lastMs }) => lastMs));
  lines.push(
    '## First rows first: the dashboard with @defer',
    '',
    "The cold dashboard with each tag's content (digest, manifest, sizes, platforms, date) in a fragment with `@defer`: " +
      "the repositories and tag names come in the first part (the catalog page and the tag lists), each tag's content in a later part as it arrives " +
      '(`Accept: multipart/mixed`), as the registry browser asks for its tag table.',
    '',
  );
  table(
    ['cold dashboard', 'median', 'runs'],
    [
      ['first part (repositories and tag names)', seconds(deferredFirst), deferred.map(({ firstMs }) => seconds(firstMs)).join(', ')],
      ['last part (the whole answer)', seconds(deferredLast), deferred.map(({ lastMs }) => seconds(lastMs)).join(', ')],
      ['the same without @defer (one part)', seconds(medianMs(gateway.cold)), gateway.cold.map((sample) => seconds(sample.ms)).join(', ')],
      [
        "gateway's CPU, with @defer",
        seconds(median(deferred.map(({ cpuMs }) => cpuMs))),
        deferred.map(({ cpuMs }) => seconds(cpuMs)).join(', '),
      ],
      [
        "gateway's CPU, without @defer",
        seconds(cpuMedian(gateway.cold, 'client')),
        gateway.cold.map((sample) => seconds(sample.cpu.client)).join(', '),
      ],
    ],
  );
  lines.push(
    `The first rows are on screen after ${ratio(deferredFirst / medianMs(gateway.cold))}x of the time the whole answer takes without @defer; ${median(deferred.map(({ parts }) => parts))} parts in all, ` +
      'the executor being asked for the next part at most once per `server.incrementalPartIntervalMs`.',
    '',
  );

  lines.push(
    '## Replicas sharing Redis',
    '',
    'Two gateways with the same `redis.url`, as replicas behind a load balancer: each run empties Redis and starts both afresh; ' +
      'replica A answers the dashboard cold, then replica B, whose own caches are empty, answers it with the manifests, configs and dates A left in Redis. ' +
      'Without events, B still asks for each tag list and each tag (GET by tag: it has no digest of its own to confirm), never for content by digest.',
    '',
  );
  const digestCalls = (samples: readonly Sample[]) => countOver(samples, 'GET manifest by digest') + ' / ' + countOver(samples, 'GET blob');
  const timed = (label: string, samples: readonly Sample[]) => [
    label,
    seconds(medianMs(samples)),
    samples.map((sample) => seconds(sample.ms)).join(', '),
    countOver(samples, 'total'),
    digestCalls(samples),
  ];
  table(
    ['Dashboard', 'median', 'runs', 'upstream calls', 'GET manifest by digest / GET blob'],
    [
      timed('one gateway, cold', gateway.cold),
      timed('one gateway, warm', gateway.warm),
      timed('replica A, cold (Redis empty)', replicas.a),
      timed('replica B after A (its caches empty)', replicas.b),
    ],
  );
  lines.push(
    `Replica B takes ${ratio(medianMs(replicas.b) / medianMs(replicas.a))}x the time of replica A's cold run and ${ratio(medianMs(replicas.b) / medianMs(gateway.warm))}x that of one gateway's warm run.`,
    '',
  );

  lines.push('## Upstream calls per query', '', 'Counted at the proxy; identical in every run unless a range is shown.', '');
  table(
    ['request', ...phases.map(([name]) => name)],
    [
      ...kinds.map((kind) => [kind, ...phases.map(([, samples]) => countOver(samples, kind))]),
      ['**total**', ...phases.map(([, samples]) => `**${countOver(samples, 'total')}**`)],
      ['most in flight at once', ...phases.map(([, samples]) => String(Math.max(...samples.map((sample) => sample.counts.peakInFlight))))],
    ],
  );

  if (catalog.length > 0) {
    lines.push(
      `## Catalog of ${thousands(options.catalogRepositories)} repositories`,
      '',
      `A second registry holds ${thousands(options.catalogRepositories)} repositories of one tag each (seeded in ${seconds(content.catalogSeedMs)}: one pushed, the others copies of the ` +
        'links the registry wrote for it, as pushing them all takes minutes; the registry serves them like any other). The gateway reads `repositories(first: 50)` pages of it, through the same latency:',
      '',
    );
    table(
      ['page', 'upstream calls', 'wall time', 'names', 'hasNextPage'],
      catalog.map((page) => [
        page.page,
        Object.entries(page.counts.byKind)
          .map(([kind, count]) => `${count} ${kind}`)
          .join(', ') || '0',
        seconds(page.ms),
        page.names,
        String(page.hasNextPage),
      ]),
    );
  }

  lines.push('## Memory', '');
  const memoryRow = (name: string, stats: WorkerStats) => [name, mib(stats.maxRssBytes), mib(stats.rssBytes), mib(stats.heapUsedBytes)];
  table(
    ['process', 'peak RSS so far', 'RSS then', 'heap used then'],
    [
      memoryRow('gateway, started and idle for 10 s, before any query', memory.gatewayIdle),
      memoryRow('gateway, after the warm-up (one cold and one warm query)', memory.gatewayAfterWarmUp),
      memoryRow(`gateway, after the ${options.runs * 4} timed queries`, memory.gatewayAfterDashboard),
      memoryRow('gateway, idle for 10 s after them', memory.gatewayIdleAfterDashboard),
      memoryRow('gateway, at the end (catalog pages, the refused query, the dashboards with @defer)', memory.gatewayAtEnd),
      memoryRow('parallel direct client', memory.parallel),
      memoryRow('sequential direct client', memory.sequential),
    ],
  );
  lines.push(
    "Per run, the gateway's RSS before each timed dashboard and its peak while it ran (the kernel's VmHWM of the process, reset before each query):",
    '',
  );
  const rssCell = (sample: Sample) => (sample.rss ? `${mib(sample.rss.before)} → ${mib(sample.rss.peak)}` : '-');
  table(
    ['run', 'cold', 'warm', 'cold, registry with events', 'warm, registry with events'],
    gateway.cold.map((sample, index) => [
      String(index + 1),
      rssCell(sample),
      rssCell(gateway.warm[index]!),
      rssCell(live.cold[index]!),
      rssCell(live.warm[index]!),
    ]),
  );
  lines.push(
    'The peak includes garbage not yet collected while the queries ran (each cold run here also starts a new gateway app); ' +
      'what stays afterwards is the heap in the last column. ' +
      `The gateway's content cache held ${mib(memory.gatewayCacheBytes)} at the end, as its bound counts (\`cache.maxBytes\`, default ${mib(DEFAULT_CACHE_BYTES)}; ` +
      'least recently used content goes first). Per request, memory holds what the answer needs: the loaders keep the manifests and configs of that request, ' +
      'tag lists and catalog pages are read with a bound on their size, and the query cost limit bounds how many of them a request can ask for.',
    '',
    '## Call budget',
    '',
    'Each answer carries `extensions.cost`: the estimate made before the query ran, and the upstream requests it made (README, "Performance and query cost").',
    '',
  );
  const costCell = (samples: readonly Sample[]) =>
    `${samples.map((sample) => sample.cost?.estimated ?? '?').join(', ')} / ${samples.map((sample) => sample.cost?.actual ?? '?').join(', ')}`;
  table(
    ['Dashboard', 'estimated / actual (each run)', 'upstream calls at the proxy (median)'],
    [
      ['cold (a gateway that has seen nothing)', costCell(gateway.cold), thousands(medianCount(gateway.cold))],
      ['warm (the same query again)', costCell(gateway.warm), thousands(medianCount(gateway.warm))],
    ],
  );
  lines.push(
    'Cold, the gateway knows nothing of the registry: it takes every repository as 20 tags and nothing as cached, and every manifest as the costlier of an image and an index. ' +
      'Warm, it counts the tag lists, the share of images and the cache it has seen.',
    '',
    `Every tag's \`Manifest.tags\` over \`repositories(first: 1000) { tags(first: 1000) }\`: ${refusal.error ? `refused with \`${String(refusal.error.extensions?.code)}\`` : '**not refused**'} ` +
      `in ${seconds(refusal.ms)}, with ${refusal.counts.total} upstream calls (estimated ${refusal.cost?.estimated ?? '?'}). Message: "${refusal.error?.message ?? ''}"`,
    '',
    '## A registry that is slow or down',
    '',
    `The cold Dashboard query against the same registry behind a proxy that misbehaves (${options.latencyMs} ms added as above), and against a registry that is down. ` +
      'Retries: 3 attempts, waits from 200 ms doubling with jitter; each attempt has one deadline for headers and body together (`timeoutMs`).',
    '',
  );
  table(
    ['registry', 'answer after', 'upstream calls', 'tags complete', 'errors', 'codes'],
    faults.map((fault) => [
      fault.name,
      seconds(fault.ms),
      thousands(fault.calls),
      `${fault.completeTags} of ${content.tags}`,
      String(fault.errors),
      fault.codes.join(', ') || '-',
    ]),
  );
  lines.push(
    'A 503 costs a retry, not a field: the answer is complete. A request that never gets an answer costs its tag (and the fields that need the same manifest), not the whole answer, ' +
      'and holds one of the connections for `timeoutMs`, after which the connection is given back to the pool: the answer comes later by about the stalled requests times `timeoutMs` over the connections. ' +
      'A registry that is down answers in the time of the retries of the first calls.',
    '',
    '## Targets',
    '',
  );
  table(
    ['target', 'measured', 'status'],
    [
      ['cold dashboard within 1.25x of the parallel client (aim 1.1x)', `${ratio(coldRatio)}x`, met(coldRatio <= 1.25)],
      ['cold dashboard wall time at most 1.05x the parallel client', `${ratio(coldRatio)}x`, met(coldRatio <= 1.05)],
      [
        "gateway CPU per cold dashboard at most 1.2x the parallel client's",
        `${ratio(cpuMedian(gateway.cold, 'client') / cpuMedian(parallel.cold, 'client'))}x (${seconds(cpuMedian(gateway.cold, 'client'))} against ${seconds(cpuMedian(parallel.cold, 'client'))})`,
        met(cpuMedian(gateway.cold, 'client') <= 1.2 * cpuMedian(parallel.cold, 'client')),
      ],
      [
        'gateway RSS when idle (10 s after start, before any query): at most 100 MiB',
        `${mib(memory.gatewayIdle.rssBytes)} (idle after the dashboards: ${mib(memory.gatewayIdleAfterDashboard.rssBytes)})`,
        met(memory.gatewayIdle.rssBytes <= 100 * 1024 * 1024),
      ],
      [
        'gateway peak RSS over the dashboards: at most 256 MiB',
        mib(memory.gatewayAtEnd.maxRssBytes),
        met(memory.gatewayAtEnd.maxRssBytes <= 256 * 1024 * 1024),
      ],
      ['cold dashboard at least 10x faster than the sequential client', `${ratio(sequentialColdRatio)}x`, met(sequentialColdRatio >= 10)],
      [
        "upstream calls never more than the parallel client's (every kind, every run)",
        `cold ${countOver(gateway.cold, 'total')} vs ${countOver(parallel.cold, 'total')}; warm ${countOver(gateway.warm, 'total')} vs ${countOver(parallel.warm, 'total')}`,
        met(fewerCalls('cold') && fewerCalls('warm')),
      ],
      [
        'warm: no call for content addressed by digest, at most one call per tag',
        `${warmContentCalls} content GETs; ${warmTagChecks} HEADs for ${content.tags} tags`,
        met(warmContentCalls === 0 && warmTagChecks <= content.tags),
      ],
      ...(firstCatalogPage
        ? [
            [
              `first page of \`repositories(first: 50)\` on ${thousands(options.catalogRepositories)} repositories: exactly one upstream call`,
              `${firstCatalogPage.counts.total}`,
              met(firstCatalogPage.counts.total === 1),
            ],
          ]
        : []),
      [
        'a query expected over the cost budget makes no upstream call',
        `${refusal.counts.total} calls`,
        met(refusal.error !== undefined && refusal.counts.total === 0),
      ],
      [
        'warm dashboard on a registry that sends its events: no upstream call',
        countOver(live.warm, 'total'),
        met(live.warm.every((sample) => sample.counts.total === 0)),
      ],
      [
        'replica B after replica A (Redis shared): no call for content addressed by digest',
        digestCalls(replicas.b),
        met(
          replicas.b.every(
            (sample) => (sample.counts.byKind['GET manifest by digest'] ?? 0) + (sample.counts.byKind['GET blob'] ?? 0) === 0,
          ),
        ),
      ],
      [
        'a registry answering 503 to every 20th request: the dashboard complete',
        `${faults[1]?.completeTags ?? 0} of ${content.tags} tags`,
        met(faults[1]?.completeTags === content.tags),
      ],
    ],
  );

  const rounds = Math.round(medianCount(gateway.cold) / options.concurrency);
  lines.push(
    '## Notes',
    '',
    `- **Where the time goes.** ${thousands(medianCount(gateway.cold))} calls with ${options.concurrency} in flight are about ${rounds} rounds of ${options.latencyMs} ms, ` +
      `${seconds(rounds * options.latencyMs)}; the cold dashboard took ${seconds(gatewayCold)}, the rest being CPU (above): the registry, the proxy and the client share ${machine.cores} cores. ` +
      'The gateway starts each call as soon as what it depends on is known (all tag lists of the page at once, then every tag, each config and index child as soon as its manifest is in) ' +
      "and uses each answer as soon as it arrives: its loaders keep DataLoader's de-duplication but not its batches, which would hold every answer of a batch until the slowest one is in. " +
      'So it keeps its connections as busy as the parallel client; what it adds is its own work per answer (GraphQL execution and the JSON of the whole answer).',
    '- **No more calls than the parallel client.** Per request, tag lists, manifests and configs are de-duplicated by repository and digest. ' +
      "A manifest asked for by digest (an index's child, for `totalSize`) while tags of the same repository are still being fetched waits for those first and looks again: " +
      "in the demo's `team/api` the `v2` tag is also the amd64 entry of the `multi` list. Fetching the child right away would GET it a second time whenever `multi` answers before `v2` and `latest` " +
      '(it depends on timing; test/unit/manifestLoader.test.ts forces that order). Waiting costs no extra round trip: the parallel client, to make no duplicate call, also has to know the tags before it fetches children.',
    '- **Warm.** The second query fetches no manifest or config again: each tag is confirmed with one HEAD (tags move; the digest is what the answer shows), ' +
      'and its content comes from the cache. The ping, the catalog page and the tag lists are asked again because they are the data (what exists now). ' +
      'The HEADs keep their connection: undici closes it after every HEAD unless told not to, which against a real registry would add a TCP and a TLS handshake to every tag check. ' +
      'A conditional GET (If-None-Match with the digest, answered 304 by Distribution) is no cheaper, one round trip as well, and Docker Hub counts manifest GETs against its pull limit but not HEADs; ' +
      'nothing cheaper exists on this API short of trusting a tag for a while, which would show stale digests.',
    `- **Sequential.** One call at a time costs a round trip per call, ${seconds(medianMs(sequential.cold) / medianCount(sequential.cold))} each here. ` +
      `With ${options.concurrency} in flight the gateway could be up to ${options.concurrency}x faster if round trips were all that counted; ` +
      `here the cores were ${Math.round(gatewayColdBusy * 100)}% busy during its cold query, the registry alone using ${registryPerCall.toFixed(1)} ms of CPU per call. ` +
      "A real registry runs elsewhere: its CPU and the proxy's would not take the gateway's cores, and the ratio grows toward the concurrency (and with the latency).",
    '- **Catalog.** Each page is one call however deep it is; the registry itself takes longer for later pages (it walks its storage up to the `last` name).',
    '- **Call budget.** Before execution, the gateway estimates the calls a query will make from the costs its fields declare and the sizes it has seen, ' +
      'and refuses with QUERY_TOO_COSTLY above `limits.maxQueryCost`; while it runs, it counts the calls it makes and stops at the budget (README, "Performance and query cost").',
    '',
  );
  return lines.join('\n');
}

function medianCount(samples: readonly Sample[]): number {
  return median(samples.map((sample) => sample.counts.total));
}
