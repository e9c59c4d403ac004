/**
 * `npm run bench`: the gateway against direct clients on the same registry, through a proxy
 * that adds a network round trip to every request. See BENCHMARKS.md for what it prints.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, request } from 'undici';
import { Redis } from 'ioredis';
import { findFreePort } from '../fixtures/ports.js';
import { startRedisServer } from '../fixtures/redis.js';
import { ensureRegistryInstalled } from '../fixtures/registry/install.js';
import { startLocalRegistry, type LocalRegistry } from '../fixtures/registry/localRegistry.js';
import type { SampleRepository } from '../fixtures/content/sampleContent.js';
import type { ClientRunResult } from './clientWorker.js';
import { catalogRepositoryName, dashboardContent, seedCatalogRegistry, seedDashboardRegistry } from './content.js';
import { fingerprint, linesOfDashboard } from './dashboardLines.js';
import { startLatencyProxy, type LatencyProxy, type ProxyFault } from './latencyProxy.js';
import { summariseProfile } from './profile.js';
import { findRegistryPid, processCpuMsOf } from './registryCpu.js';
import { commandFor, parseOptions, UsageRequested, type BenchOptions } from './options.js';
import { renderReport, type BenchResults, type FaultScenario, type Measured, type QueryCost, type Sample } from './report.js';
import { processCpuMs, startWorker, type Worker, type WorkerStats } from './worker.js';

const BENCH_DIR = new URL('.', import.meta.url).pathname;
/** The stalling registry's attempt deadline: what a dashboard waits for a manifest that never comes. */
const STALL_TIMEOUT_MS = 2000;
/** Every tag of 1,000 repositories with, per tag, every tag on its digest: expected far over the budget. */
const EVERY_TAG_OF_EVERY_TAG = `{ registry { repositories(first: 1000) { edges { node { tags(first: 1000) { edges { node { manifest { tags } } } } } } } } }`;
const ROOT = new URL('..', import.meta.url).pathname;
/**
 * The dashboard with each tag's content deferred: repositories and tag names first, each tag's manifest, sizes, platform and
 * date as they arrive. One deferred fragment per tag (1,000 parts), within the default limits.maxIncrementalParts.
 */
const DEFERRED_DASHBOARD = `query DashboardDeferred($repositories: Int, $tags: Int) {
  registry(name: "bench") { repositories(first: $repositories) { edges { node { name
    tags(first: $tags) { edges { node { name ...Content @defer } } } } } } }
}
fragment Content on Tag { digest manifest { digest mediaType size artifactType totalSize
  ... on ImageManifest { platform { os architecture variant } image { created } }
  ... on ImageIndex { platforms { os architecture variant } } } }`;
/**
 * How long the gateway has been idle when its memory "before any query" is read: V8 gives back
 * what start-up allocated a few seconds after allocation stops (its memory reducer; ~8 s here).
 */
const IDLE_MS = 10_000;
/** Cold and warm dashboards the CPU profile covers. */
const PROFILED_RUNS = 3;

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof UsageRequested) {
      console.log(error.message);
      return;
    }
    throw error;
  }
  const registryBinary = await ensureRegistryInstalled();
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const results = await runBenchmark(options, machineDescription(registryBinary), (cleanup) => cleanups.unshift(cleanup));
    const report = renderReport(results);
    console.log(`\n${report}`);
    if (options.output !== '-') {
      await writeFile(resolve(ROOT, options.output), report);
      console.log(`written to ${options.output}`);
    }
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((error: unknown) => console.error('cleanup failed:', error));
  }
}

async function runBenchmark(
  options: BenchOptions,
  machine: BenchResults['machine'],
  onCleanup: (cleanup: () => Promise<unknown>) => void,
): Promise<BenchResults> {
  const log = (message: string) => console.error(`[bench] ${message}`);
  // Registry storage in memory where there is a tmpfs: the proxy's latency should dominate, not the disk.
  const dataRoot = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'regql-bench-'));
  onCleanup(() => rm(dataRoot, { recursive: true, force: true }));

  const content = dashboardContent(options.repositories, options.tags);
  let started = performance.now();
  const dashboardRegistry = await startLocalRegistry({ dataDir: join(dataRoot, 'dashboard') });
  onCleanup(() => dashboardRegistry.stop());
  await seedDashboardRegistry(dashboardRegistry, content);
  const dashboardSeedMs = performance.now() - started;
  log(`seeded ${options.repositories} repositories x ${options.tags} tags in ${(dashboardSeedMs / 1000).toFixed(1)} s`);

  let catalogRegistry: LocalRegistry | undefined;
  let catalogSeedMs = 0;
  if (options.catalogRepositories > 0) {
    started = performance.now();
    catalogRegistry = await startLocalRegistry({ dataDir: join(dataRoot, 'catalog') });
    onCleanup(() => catalogRegistry!.stop());
    await seedCatalogRegistry(catalogRegistry, options.catalogRepositories);
    await checkCatalogRegistry(catalogRegistry, options.catalogRepositories);
    catalogSeedMs = performance.now() - started;
    log(`seeded ${options.catalogRepositories} repositories for the catalog in ${(catalogSeedMs / 1000).toFixed(1)} s`);
  }

  const dashboardProxy = await startLatencyProxy(dashboardRegistry.url, options.latencyMs);
  onCleanup(() => dashboardProxy.close());
  // The same registry behind a proxy that fails or stalls some requests, and a registry that is down.
  const faultyProxy = await startLatencyProxy(dashboardRegistry.url, options.latencyMs);
  onCleanup(() => faultyProxy.close());
  const downUrl = `http://127.0.0.1:${await findFreePort()}`;
  const catalogProxy = catalogRegistry ? await startLatencyProxy(catalogRegistry.url, options.latencyMs) : undefined;
  if (catalogProxy) onCleanup(() => catalogProxy.close());

  const gatewayConfig = {
    registries: [
      { name: 'bench', url: dashboardProxy.url, concurrency: options.concurrency },
      // The same registry as one that sends its events: what was read is kept until an event says it changed.
      {
        name: 'live',
        url: dashboardProxy.url,
        concurrency: options.concurrency,
        notifications: { token: 'bench-notification-secret-0123' },
      },
      { name: 'flaky', url: faultyProxy.url, concurrency: options.concurrency },
      { name: 'stalling', url: faultyProxy.url, concurrency: options.concurrency, timeoutMs: STALL_TIMEOUT_MS },
      { name: 'down', url: downUrl, concurrency: options.concurrency },
      ...(catalogProxy ? [{ name: 'catalog', url: catalogProxy.url, concurrency: options.concurrency }] : []),
    ],
    logLevel: 'silent',
  };
  const workers = compileWorkers(log);
  onCleanup(() => rm(workers, { recursive: true, force: true }));
  const gatewayWorker = await startWorker(
    join(workers, 'bench', 'gatewayWorker.js'),
    { BENCH_GATEWAY_CONFIG: JSON.stringify(gatewayConfig) },
    options.gatewayNodeOptions.split(' ').filter(Boolean),
  );
  onCleanup(() => gatewayWorker.stop());
  // Idle: after a moment with nothing to do, as a gateway waiting for its first query is.
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const gatewayIdle = await gatewayWorker.call<WorkerStats>('stats');
  const gateway = new GatewayHttp(gatewayWorker.ready as string);
  onCleanup(() => gateway.close());
  const parallelWorker = await startWorker(join(workers, 'bench', 'clientWorker.js'));
  onCleanup(() => parallelWorker.stop());
  const sequentialWorker = await startWorker(join(workers, 'bench', 'clientWorker.js'));
  onCleanup(() => sequentialWorker.stop());

  const dashboardQuery = await readFile(join(ROOT, 'schema/operations/Dashboard.graphql'), 'utf8');
  const variables = { repositories: options.repositories, tags: options.tags };
  const expectedLines = countTags(content, options.tags);

  const registryPid = await findRegistryPid(dashboardRegistry.dataDir);
  /** One measured query: the proxy's counts are those of this query alone; CPU time of each process while it ran. */
  const measure = async (
    run: () => Promise<{ ms: number; fingerprint: string; cpuMs: number; cost?: QueryCost; rss?: Sample['rss'] }>,
  ): Promise<Sample> => {
    dashboardProxy.takeCounts();
    const registryBefore = await processCpuMsOf(registryPid);
    const proxyBefore = processCpuMs();
    const { ms, fingerprint: answer, cpuMs, cost, rss } = await run();
    const proxy = processCpuMs() - proxyBefore;
    const registry = (await processCpuMsOf(registryPid)) - registryBefore;
    return {
      ms,
      counts: dashboardProxy.takeCounts(),
      fingerprint: answer,
      cpu: { client: cpuMs, proxy, registry },
      ...(cost && { cost }),
      ...(rss && { rss }),
    };
  };
  const dashboardOn = (worker: Worker, http: GatewayHttp, registry = 'bench') =>
    measure(async () => {
      const before = await worker.call<WorkerStats>('stats');
      const { ms, data, cost } = await http.query(dashboardQuery, { ...variables, registry });
      const after = await worker.call<WorkerStats>('stats');
      const lines = linesOfDashboard(data as Parameters<typeof linesOfDashboard>[0]);
      if (lines.length !== expectedLines) throw new Error(`the gateway answered ${lines.length} tags, expected ${expectedLines}`);
      return {
        ms,
        fingerprint: fingerprint(lines),
        cpuMs: after.cpuMs - before.cpuMs,
        cost,
        rss: { before: before.rssBytes, peak: after.peakRssSinceBytes },
      };
    });
  const gatewayDashboard = async (cold: boolean, registry = 'bench') => {
    if (cold) await gatewayWorker.call('reset');
    return dashboardOn(gatewayWorker, gateway, registry);
  };
  const directDashboard = (worker: Worker, mode: 'parallel' | 'sequential', cold: boolean) =>
    measure(async () => {
      const result = await worker.call<ClientRunResult>('run', {
        mode,
        registryUrl: dashboardProxy.url,
        concurrency: options.concurrency,
        ...variables,
        cold,
      });
      if (result.tagLines !== expectedLines) throw new Error(`the ${mode} client read ${result.tagLines} tags, expected ${expectedLines}`);
      return result;
    });

  // Untimed: the first run of a process compiles its code.
  log('warming up');
  await gatewayDashboard(true);
  await gatewayDashboard(false);
  await directDashboard(parallelWorker, 'parallel', true);
  const gatewayAfterWarmUp = await gatewayWorker.call<WorkerStats>('stats');

  const gatewayRuns: Measured = { cold: [], warm: [] };
  const liveRuns: Measured = { cold: [], warm: [] };
  const parallelRuns: Measured = { cold: [], warm: [] };
  const sequentialRuns: Measured = { cold: [], warm: [] };
  for (let run = 1; run <= options.runs; run++) {
    // Interleaved, so that whatever else the machine does weighs on both alike.
    gatewayRuns.cold.push(await gatewayDashboard(true));
    gatewayRuns.warm.push(await gatewayDashboard(false));
    liveRuns.cold.push(await gatewayDashboard(true, 'live'));
    liveRuns.warm.push(await gatewayDashboard(false, 'live'));
    parallelRuns.cold.push(await directDashboard(parallelWorker, 'parallel', true));
    parallelRuns.warm.push(await directDashboard(parallelWorker, 'parallel', false));
    log(
      `run ${run}/${options.runs}: gateway ${ms(gatewayRuns.cold.at(-1)!)} cold, ${ms(gatewayRuns.warm.at(-1)!)} warm; ` +
        `parallel ${ms(parallelRuns.cold.at(-1)!)} cold, ${ms(parallelRuns.warm.at(-1)!)} warm`,
    );
  }
  for (let run = 1; run <= options.sequentialRuns; run++) {
    sequentialRuns.cold.push(await directDashboard(sequentialWorker, 'sequential', true));
    sequentialRuns.warm.push(await directDashboard(sequentialWorker, 'sequential', false));
    log(
      `sequential run ${run}/${options.sequentialRuns}: ${ms(sequentialRuns.cold.at(-1)!)} cold, ${ms(sequentialRuns.warm.at(-1)!)} warm`,
    );
  }
  const gatewayAfterDashboard = await gatewayWorker.call<WorkerStats>('stats');
  // Idle again, as a gateway between a burst of dashboards and the next.
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const gatewayIdleAfterDashboard = await gatewayWorker.call<WorkerStats>('stats');

  const named = { gateway: gatewayRuns, live: liveRuns, parallel: parallelRuns, sequential: sequentialRuns };
  const answers = new Set(Object.values(named).flatMap(({ cold, warm }) => [...cold, ...warm].map((sample) => sample.fingerprint)));
  if (answers.size !== 1) {
    const who = Object.entries(named).map(
      ([name, { cold, warm }]) => `${name}: ${[...new Set([...cold, ...warm].map((sample) => sample.fingerprint))].join('/')}`,
    );
    throw new Error(`the clients answered differently (${who.join('; ')}): the comparison would be unfair`);
  }

  const catalog = catalogProxy ? await catalogPages(gateway, catalogProxy, options.catalogRepositories) : [];

  log('a query over the cost budget');
  dashboardProxy.takeCounts();
  const refused = await gateway.query(EVERY_TAG_OF_EVERY_TAG, {}, { partial: true });
  const refusal = { ms: refused.ms, counts: dashboardProxy.takeCounts(), error: refused.errors?.[0], cost: refused.cost };

  log('the dashboard with @defer: first part, whole answer');
  const deferred: Array<{ firstMs: number; lastMs: number; parts: number; cpuMs: number }> = [];
  for (let run = 1; run <= options.runs; run++) {
    await gatewayWorker.call('reset');
    const before = await gatewayWorker.call<WorkerStats>('stats');
    const answer = await gateway.parts(DEFERRED_DASHBOARD, variables);
    const after = await gatewayWorker.call<WorkerStats>('stats');
    deferred.push({ ...answer, cpuMs: after.cpuMs - before.cpuMs });
  }

  log('two replicas sharing Redis');
  const replicas = await replicaScenario(options, workers, dashboardProxy.url, dashboardOn, onCleanup);
  log(`replica A cold ${ms(replicas.a.at(-1)!)}, replica B after it ${ms(replicas.b.at(-1)!)}`);

  // Before the fault scenarios, which start the gateway afresh.
  const gatewayAtEnd = await gatewayWorker.call<WorkerStats>('stats');
  const gatewayCacheBytes = await gatewayWorker.call<number>('cacheBytes');
  log('profiling the gateway');
  const profileDir = await mkdtemp(join(tmpdir(), 'regql-profile-'));
  onCleanup(() => rm(profileDir, { recursive: true, force: true }));
  await gatewayWorker.call('startProfile');
  for (let run = 1; run <= PROFILED_RUNS; run++) {
    await gatewayDashboard(true);
    await gatewayDashboard(false);
  }
  await gatewayWorker.call('stopProfile', { path: join(profileDir, 'gateway.cpuprofile') });
  // BENCH_PROFILE_OUT=file keeps the whole profile, for Chrome's DevTools or speedscope.
  if (process.env.BENCH_PROFILE_OUT) await copyFile(join(profileDir, 'gateway.cpuprofile'), process.env.BENCH_PROFILE_OUT);
  const profile = await summariseProfile(profileDir);

  log('a registry that fails, stalls, or is down');
  const faults = await faultScenarios(gateway, gatewayWorker, faultyProxy, dashboardQuery, variables);

  return {
    options,
    command: commandFor(options),
    machine,
    content: {
      repositories: content.length,
      tags: expectedLines,
      manifests: content.reduce((total, repository) => total + repository.manifests.length, 0),
      seedMs: dashboardSeedMs,
      catalogSeedMs,
    },
    gateway: gatewayRuns,
    live: liveRuns,
    parallel: parallelRuns,
    sequential: sequentialRuns,
    catalog,
    refusal,
    replicas,
    deferred,
    profile,
    faults,
    memory: {
      gatewayIdle,
      gatewayAfterWarmUp,
      gatewayAfterDashboard,
      gatewayIdleAfterDashboard,
      gatewayAtEnd,
      gatewayCacheBytes,
      parallel: await parallelWorker.call<WorkerStats>('stats'),
      sequential: await sequentialWorker.call<WorkerStats>('stats'),
    },
  };
}

/**
 * Two gateways sharing a Redis (as replicas behind a load balancer would): each run starts with
 * Redis emptied and both gateways fresh; A answers the dashboard cold, then B, whose own caches
 * are empty, answers it with what A left in Redis.
 */
async function replicaScenario(
  options: BenchOptions,
  workers: string,
  registryUrl: string,
  dashboardOn: (worker: Worker, http: GatewayHttp) => Promise<Sample>,
  onCleanup: (cleanup: () => Promise<unknown>) => void,
): Promise<{ a: Sample[]; b: Sample[] }> {
  const redis = await startRedisServer();
  onCleanup(() => redis.stop());
  const config = {
    registries: [{ name: 'bench', url: registryUrl, concurrency: options.concurrency }],
    redis: { url: redis.url },
    logLevel: 'silent',
  };
  const replicas = await Promise.all(
    ['a', 'b'].map(async () => {
      const worker = await startWorker(
        join(workers, 'bench', 'gatewayWorker.js'),
        { BENCH_GATEWAY_CONFIG: JSON.stringify(config) },
        options.gatewayNodeOptions.split(' ').filter(Boolean),
      );
      onCleanup(() => worker.stop());
      const http = new GatewayHttp(worker.ready as string);
      onCleanup(() => http.close());
      return { worker, http };
    }),
  );
  const [a, b] = replicas as [(typeof replicas)[number], (typeof replicas)[number]];
  const flusher = new Redis(redis.url);
  onCleanup(async () => flusher.quit());
  const runs = { a: [] as Sample[], b: [] as Sample[] };
  // The first of the runs warms the processes' code up, untimed.
  for (let run = 0; run <= options.runs; run++) {
    await flusher.flushall();
    await Promise.all([a.worker.call('reset'), b.worker.call('reset')]);
    // Reset gateways connect to Redis afresh: wait until both are in before A's run.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const onA = await dashboardOn(a.worker, a.http);
    const onB = await dashboardOn(b.worker, b.http);
    if (run > 0) {
      runs.a.push(onA);
      runs.b.push(onB);
    }
  }
  return runs;
}

/** Compiles the workers into .bench-tmp/workers (inside the project, so that node finds node_modules); returns that directory. */
function compileWorkers(log: (message: string) => void): string {
  log('compiling the gateway and the direct clients');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(BENCH_DIR, 'tsconfig.workers.json')], { stdio: 'inherit' });
  return join(ROOT, '.bench-tmp', 'workers');
}

/** The catalog registry answers like one with that many repositories, before anything is measured on it. */
async function checkCatalogRegistry(registry: LocalRegistry, count: number): Promise<void> {
  const last = catalogRepositoryName(count, count);
  const response = await request(`${registry.url}/v2/_catalog?n=2&last=${encodeURIComponent(catalogRepositoryName(count - 1, count))}`);
  const body = (await response.body.json()) as { repositories?: string[] };
  if (JSON.stringify(body.repositories) !== JSON.stringify([last])) {
    throw new Error(`the catalog registry does not list ${last} last: ${JSON.stringify(body)}`);
  }
  const manifest = await request(`${registry.url}/v2/${last}/manifests/1.0.0`, {
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  await manifest.body.dump();
  if (manifest.statusCode !== 200) throw new Error(`${last}:1.0.0 answered ${manifest.statusCode}`);
}

/** Pages of repositories(first: 50) at the start, the middle and the end of the big catalog. */
async function catalogPages(gateway: GatewayHttp, proxy: LatencyProxy, count: number) {
  const query = `query ($after: String) {
    registry(name: "catalog") { repositories(first: 50, after: $after) { pageInfo { hasNextPage endCursor } edges { node { name } } } }
  }`;
  const cursor = (name: string) => Buffer.from(`repository:${name}`, 'utf8').toString('base64url');
  const pages = [
    { page: 'first page', after: undefined },
    {
      page: `after ${catalogRepositoryName(Math.floor(count / 2), count)}`,
      after: cursor(catalogRepositoryName(Math.floor(count / 2), count)),
    },
    { page: 'last page', after: cursor(catalogRepositoryName(Math.max(count - 25, 1), count)) },
  ];
  const results = [];
  for (const { page, after } of pages) {
    proxy.takeCounts();
    const { ms: elapsed, data, errors } = await gateway.query(query, { after });
    if (errors) throw new Error(`catalog page: ${JSON.stringify(errors)}`);
    const connection = (data as { registry: { repositories: { edges: unknown[]; pageInfo: { hasNextPage: boolean } } } }).registry
      .repositories;
    results.push({
      page,
      ms: elapsed,
      counts: proxy.takeCounts(),
      names: connection.edges.length,
      hasNextPage: connection.pageInfo.hasNextPage,
    });
  }
  return results;
}

type GraphQLErrorShape = { message: string; extensions?: Record<string, unknown> };

class GatewayHttp {
  private readonly dispatcher = new Agent({ keepAliveTimeout: 60_000 });

  constructor(private readonly url: string) {}

  /** Timed until the whole answer is read and parsed. Errors beside data are refused unless `partial`. */
  async query(
    query: string,
    variables: Record<string, unknown>,
    { partial = false }: { partial?: boolean } = {},
  ): Promise<{ ms: number; data: unknown; errors?: GraphQLErrorShape[]; cost?: QueryCost }> {
    const started = performance.now();
    const response = await request(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query, variables }),
      dispatcher: this.dispatcher,
    });
    const body = (await response.body.json()) as { data?: unknown; errors?: GraphQLErrorShape[]; extensions?: { cost?: QueryCost } };
    const elapsed = performance.now() - started;
    if (!partial && body.errors && body.data !== undefined)
      throw new Error(`the gateway answered with errors: ${JSON.stringify(body.errors.slice(0, 3))}`);
    return {
      ms: elapsed,
      data: body.data,
      ...(body.errors && { errors: body.errors }),
      ...(body.extensions?.cost && { cost: body.extensions.cost }),
    };
  }

  /** An answer in parts (multipart/mixed, for @defer): when the first part and the last were in, and how many parts. */
  async parts(query: string, variables: Record<string, unknown>): Promise<{ firstMs: number; lastMs: number; parts: number }> {
    const started = performance.now();
    const response = await request(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
      body: JSON.stringify({ query, variables }),
      dispatcher: this.dispatcher,
    });
    let firstMs = 0;
    let parts = 0;
    let text = '';
    for await (const chunk of response.body) {
      text += chunk.toString('utf8');
      // The answer opens with a boundary, and each part ends with one.
      const complete = Math.max(0, text.split('\r\n---').length - 2);
      if (complete > 0 && parts === 0) firstMs = performance.now() - started;
      parts = complete;
    }
    if (!text.includes('"hasNext":false')) throw new Error('the deferred dashboard did not end with hasNext: false');
    return { firstMs, lastMs: performance.now() - started, parts };
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}

function countTags(content: SampleRepository[], tagsPerPage: number): number {
  return content.reduce(
    (total, repository) =>
      total +
      Math.min(
        tagsPerPage,
        repository.manifests.reduce((tags, manifest) => tags + manifest.tags.length, 0),
      ),
    0,
  );
}

function machineDescription(registryBinary: string) {
  // "github.com/docker/distribution 2.8.2+ds1"
  const registryVersion = execFileSync(registryBinary, ['--version'], { encoding: 'utf8' }).trim().split(' ').slice(1).join(' ');
  return {
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    // Read from /proc/cpuinfo on Linux.
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    registry: registryVersion,
    date: new Date().toISOString().slice(0, 10),
  };
}

function ms(sample: Sample): string {
  return `${Math.round(sample.ms)} ms`;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});

/**
 * The dashboard (cold) on a registry that misbehaves: every 20th request answered 503 the first
 * time (a retry goes through), every 50th manifest request never answered, which the gateway
 * gives up on at the attempt deadline; a registry that is down.
 */
async function faultScenarios(
  gateway: GatewayHttp,
  gatewayWorker: Worker,
  faultyProxy: LatencyProxy,
  dashboardQuery: string,
  variables: Record<string, unknown>,
): Promise<FaultScenario[]> {
  const failedOnce = new Set<string>();
  const scenarios: Array<{ name: string; registry: string; fault: (kind: string, sequence: number, path: string) => ProxyFault }> = [
    { name: 'healthy (the same proxy, no fault)', registry: 'flaky', fault: () => 'forward' },
    {
      name: 'every 20th request answered 503 (once per request)',
      registry: 'flaky',
      fault: (kind, sequence, path) => {
        const key = `${kind} ${path}`;
        if (sequence % 20 !== 0 || failedOnce.has(key)) return 'forward';
        failedOnce.add(key);
        return 'unavailable';
      },
    },
    {
      name: `every 50th manifest request never answered (timeoutMs ${STALL_TIMEOUT_MS})`,
      registry: 'stalling',
      fault: (kind, sequence) => (kind.includes('manifest') && sequence % 50 === 0 ? 'stall' : 'forward'),
    },
    { name: 'registry down (connection refused)', registry: 'down', fault: () => 'forward' },
  ];
  const results: FaultScenario[] = [];
  for (const scenario of scenarios) {
    await gatewayWorker.call('reset');
    faultyProxy.setFault(scenario.fault);
    faultyProxy.takeCounts();
    const answer = await gateway.query(dashboardQuery, { ...variables, registry: scenario.registry }, { partial: true });
    const counts = faultyProxy.takeCounts();
    results.push({
      name: scenario.name,
      ms: answer.ms,
      calls: scenario.registry === 'down' ? (answer.cost?.actual ?? 0) : counts.total,
      completeTags: completeTags(answer.data),
      errors: answer.errors?.length ?? 0,
      codes: [...new Set((answer.errors ?? []).map((error) => String(error.extensions?.code)))],
    });
  }
  faultyProxy.setFault(() => 'forward');
  return results;
}

/** Tags of a Dashboard answer that came with their manifest and its total size. */
function completeTags(data: unknown): number {
  type Answer = {
    registry?: {
      repositories?: {
        edges: Array<{ node: { tags?: { edges: Array<{ node: { manifest?: { totalSize?: number | null } | null } }> } | null } }>;
      } | null;
    };
  };
  const edges = (data as Answer | undefined)?.registry?.repositories?.edges ?? [];
  return edges.flatMap(({ node }) => node.tags?.edges ?? []).filter(({ node }) => typeof node.manifest?.totalSize === 'number').length;
}
