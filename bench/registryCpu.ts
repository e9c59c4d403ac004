/** CPU time of a local registry process, read from /proc (Linux): where the machine's cores go. */
import { readdir, readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc/<pid>/stat times: 100 on every Linux architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/**
 * The docker-registry child of this process whose storage is dataDir (its config file, named on
 * its command line, says so); undefined where /proc does not tell.
 */
export async function findRegistryPid(dataDir: string): Promise<number | undefined> {
  const pids = (await readdir('/proc').catch(() => [])).filter((entry) => /^\d+$/.test(entry));
  for (const pid of pids) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== process.pid) continue;
      const [binary, command, configPath] = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
      if (!binary?.endsWith('docker-registry') || command !== 'serve' || !configPath) continue;
      if ((await readFile(configPath, 'utf8')).includes(dataDir)) return Number(pid);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return undefined;
}

/** CPU time (user and system) the process has used so far, in ms; 0 when unknown. */
export async function processCpuMsOf(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name: state is field 3, utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}
