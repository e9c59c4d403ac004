/** Gateway processes for the replica tests, as `npm start` runs them (here from source, by tsx). */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface StartedProcess {
  url: string;
  port: number;
  /** Everything the process printed, for asserting on its log lines. */
  output: string[];
  stop(): Promise<void>;
}

function started(child: ChildProcess, port: number, url: string): StartedProcess {
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return {
    url,
    port,
    output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function until(what: string, ready: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
}

/** A gateway process with this configuration (a file in a temp directory), listening on `port`. */
export async function startGatewayProcess(config: Record<string, unknown>, port: number): Promise<StartedProcess> {
  const file = join(await mkdtemp(join(tmpdir(), 'regql-replica-')), 'config.json');
  writeFileSync(file, JSON.stringify(config));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--config', file], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const gateway = started(child, port, `http://127.0.0.1:${port}`);
  await until(`the gateway on port ${port}`, async () => (await fetch(`${gateway.url}/healthz`)).ok);
  return gateway;
}
