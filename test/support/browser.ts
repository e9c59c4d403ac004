/** The registry browser in a real browser: Debian's Chromium driven by playwright-core, and the UI built by Vite for the test. */
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where Debian's chromium package puts the browser itself (/usr/bin/chromium is a shell wrapper). */
const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function findChromium(): string {
  const found = CHROMIUM_CANDIDATES.find((candidate) => candidate && existsSync(candidate));
  if (!found) throw new Error('Chromium not found: `apt-get install chromium` (what .ci/run does), or set CHROMIUM_PATH');
  return found;
}

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: findChromium(), args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/**
 * Builds ui/ into a directory of its own (the tests never touch dist/), returning the directory.
 * In a process of its own: vitest's NODE_ENV=test would make Vite build React for development.
 */
export async function buildUi(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'regql-ui-'));
  const root = fileURLToPath(new URL('../../', import.meta.url));
  await run(
    join(root, 'node_modules', '.bin', 'vite'),
    ['build', '--config', 'ui/vite.config.ts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
    {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  return outDir;
}
