/** The gateway as the benchmark runs it: its own process, serving HTTP on 127.0.0.1. */
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { parseConfig } from '../src/config/index.js';
import { createGatewayApp, type GatewayApp } from '../src/server/app.js';
import { serveParent } from './worker.js';

const config = parseConfig(JSON.parse(process.env.BENCH_GATEWAY_CONFIG ?? '{}'), 'BENCH_GATEWAY_CONFIG');
let app: GatewayApp = createGatewayApp({ config });
let profiler: Session | undefined;
const server = createServer((request, response) => app.yoga(request, response));
server.keepAliveTimeout = 60_000;
const listening = new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));

serveParent(
  {
    ready: async () => {
      await listening;
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    /** A gateway as if just started: empty cache, new connection pools (the process and its JIT stay). */
    reset: async () => {
      const previous = app;
      app = createGatewayApp({ config });
      await previous.close();
      return true;
    },
    cacheBytes: () => app.cache.size,
    /** CPU profiling of what follows, as `node --cpu-prof` would, but of the measured queries only. */
    startProfile: async () => {
      // Loaded here: the inspector is not part of the gateway's memory when it is not profiled.
      const { Session: InspectorSession } = await import('node:inspector/promises');
      profiler = new InspectorSession();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
      return true;
    },
    stopProfile: async ({ path }) => {
      const { profile } = await profiler!.post('Profiler.stop');
      profiler!.disconnect();
      await writeFile(String(path), JSON.stringify(profile));
      return true;
    },
  },
  async () => {
    server.closeAllConnections();
    server.close();
    await app.close();
  },
);
