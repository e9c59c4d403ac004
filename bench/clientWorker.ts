/** A direct client (sequential or parallel) in its own process, timed where it runs. */
import { fingerprint } from './dashboardLines.js';
import { DirectDashboardClient, type DirectClientMode } from './directClients.js';
import { processCpuMs, serveParent } from './worker.js';

let client: DirectDashboardClient | undefined;

export interface ClientRunResult {
  ms: number;
  cpuMs: number;
  tagLines: number;
  fingerprint: string;
}

serveParent(
  {
    /** cold: a new client, nothing in memory; warm: the same client again. */
    run: async (payload): Promise<ClientRunResult> => {
      const { mode, registryUrl, concurrency, repositories, tags, cold } = payload as {
        mode: DirectClientMode;
        registryUrl: string;
        concurrency: number;
        repositories: number;
        tags: number;
        cold: boolean;
      };
      if (cold || !client) {
        await client?.close();
        client = new DirectDashboardClient(mode, registryUrl, concurrency);
      }
      const started = performance.now();
      const cpuBefore = processCpuMs();
      const lines = await client.dashboard(repositories, tags);
      const ms = performance.now() - started;
      return { ms, cpuMs: processCpuMs() - cpuBefore, tagLines: lines.length, fingerprint: fingerprint(lines) };
    },
  },
  async () => {
    await client?.close();
  },
);
