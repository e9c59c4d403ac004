/** Where a process's CPU went, from the profile `node --cpu-prof` wrote: self time by function and by package. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const IDLE = ['(idle)', '(program)'];

export interface ProfileEntry {
  /** A function (name, file:line) or a package. */
  name: string;
  /** Share of the samples spent in it, itself (not its callees). */
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  functions: ProfileEntry[];
  packages: ProfileEntry[];
}

/** The one profile in `directory` (a process writes one at exit), summarised. */
export async function summariseProfile(directory: string, top = 15): Promise<ProfileSummary> {
  const [file] = (await readdir(directory)).filter((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${directory}`);
  const profile = JSON.parse(await readFile(join(directory, file), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000));
  // Waiting for the registry is not the gateway's cost: shares are of the time it computed.
  for (const [id, node] of byId) if (IDLE.includes(node.callFrame.functionName)) selfMs.delete(id);
  const totalMs = [...selfMs.values()].reduce((sum, ms) => sum + ms, 0);
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = shortUrl(url);
    const name = where ? `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}` : functionName || '(anonymous)';
    functions.set(name, (functions.get(name) ?? 0) + ms);
    const owner = packageOf(url, functionName);
    packages.set(owner, (packages.get(owner) ?? 0) + ms);
  }
  const ranked = (entries: Map<string, number>) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, share: ms / totalMs }));
  return { totalMs, functions: ranked(functions), packages: ranked(packages) };
}

/** node_modules/<package>/... → <package>/...; the gateway's own files from src/; node's internals as they are. */
function shortUrl(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  const source = url.indexOf('/src/');
  if (source >= 0) return url.slice(source + 1);
  return url.replace(/^node:/, 'node:');
}

function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (url.includes('/src/'))
    return `regql ${url
      .slice(url.indexOf('/src/') + 1)
      .split('/')
      .slice(0, 2)
      .join('/')}`;
  if (url.startsWith('node:')) return 'node (internals)';
  return url;
}
