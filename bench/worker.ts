/**
 * The gateway and each direct client run in a process of their own, so that each one's peak
 * memory is its own and none shares an event loop with the latency proxy. They are driven
 * over the IPC channel: a request { id, type, ... } gets one reply { id, value } or { id, error }.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

export interface WorkerStats {
  /** Peak resident set size of the process so far. */
  maxRssBytes: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** CPU time (user and system) the process has used so far. */
  cpuMs: number;
  /** Peak RSS since the previous stats (Linux's VmHWM, reset each time): the peak of one query, where maxRssBytes is the process's. */
  peakRssSinceBytes: number;
}

export interface Worker {
  /** What the worker answered when it was ready (the gateway: its URL). */
  ready: unknown;
  call<T>(type: string, payload?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

interface Reply {
  id: number;
  value?: unknown;
  error?: string;
}

/** A compiled worker module (see tsconfig.workers.json), run by node alone. */
export async function startWorker(modulePath: string, env: Record<string, string> = {}, nodeOptions: string[] = []): Promise<Worker> {
  const child: ChildProcess = fork(modulePath, [], {
    // Not this process's options: tsx's loader would come along.
    execArgv: nodeOptions,
    // As the gateway is deployed (npm start, the container): graphql-js skips its development checks.
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let exited = false;
  child.on('message', (message: Reply) => {
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    if (message.error !== undefined) waiting.reject(new Error(message.error));
    else waiting.resolve(message.value);
  });
  child.on('exit', (code, signal) => {
    exited = true;
    for (const { reject } of pending.values()) reject(new Error(`worker ${modulePath} exited (${signal ?? `code ${code}`})`));
    pending.clear();
  });

  const call = <T>(type: string, payload: Record<string, unknown> = {}) =>
    new Promise<T>((resolve, reject) => {
      if (exited) return reject(new Error(`worker ${modulePath} is not running`));
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, type, ...payload });
    });

  const ready = await call('ready');
  return {
    ready,
    call,
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

type Handler = (payload: Record<string, unknown>) => unknown;

/** In the worker: answers the parent's requests with the handlers; SIGTERM ends the process. */
export function serveParent(handlers: Record<string, Handler>, onStop: () => Promise<void>): void {
  const all: Record<string, Handler> = { ready: () => true, stats: () => processStats(), ...handlers };
  process.on('message', async ({ id, type, ...payload }: { id: number; type: string } & Record<string, unknown>) => {
    try {
      const handler = all[type];
      if (!handler) throw new Error(`unknown request ${type}`);
      process.send!({ id, value: await handler(payload) });
    } catch (error) {
      process.send!({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  });
  process.once('SIGTERM', () => {
    void onStop().finally(() => process.exit(0));
  });
}

/** The process's peak RSS: resetting VmHWM resets getrusage's too, so the peaks since each reset are kept here. */
let processPeakRss = 0;

function processStats(): WorkerStats {
  const cpuMs = processCpuMs();
  const memory = process.memoryUsage();
  const peakSince = takePeakRss();
  // resourceUsage().maxRSS is in kibibytes.
  processPeakRss = Math.max(processPeakRss, peakSince ?? process.resourceUsage().maxRSS * 1024);
  return {
    peakRssSinceBytes: peakSince ?? memory.rss,
    maxRssBytes: processPeakRss,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    cpuMs,
  };
}

/**
 * The kernel's peak RSS of this process since the last call (VmHWM, which writing 5 to
 * clear_refs resets): exact, where sampling would miss short peaks and cost the process CPU.
 * undefined where there is no /proc.
 */
function takePeakRss(): number | undefined {
  try {
    const peakKiB = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    writeFileSync('/proc/self/clear_refs', '5');
    return peakKiB === undefined ? undefined : Number(peakKiB) * 1024;
  } catch {
    return undefined;
  }
}

export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
