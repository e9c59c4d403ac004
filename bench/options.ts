/** Benchmark sizes, from flags (`--tags 50`) or the environment (`BENCH_TAGS=50`); flags win. */
import { readFileSync } from 'node:fs';

export interface BenchOptions {
  /** Repositories of the dashboard registry, each a copy of one of the demo repositories. */
  repositories: number;
  /** Tags per dashboard repository. */
  tags: number;
  /** Added by the proxy to every upstream request. */
  latencyMs: number;
  /** Upstream requests in flight at once: the gateway's registry concurrency, and the parallel client's. */
  concurrency: number;
  /** Timed runs of the gateway and of the parallel client, each cold then warm. */
  runs: number;
  /** Timed runs of the sequential client (the slow one). */
  sequentialRuns: number;
  /** Repositories of the second registry, for the catalog check; 0 leaves it out. */
  catalogRepositories: number;
  /** Where the report goes; "-" only prints it. */
  output: string;
  /** Node options of the gateway's process, space-separated; by default those `npm start` gives it. */
  gatewayNodeOptions: string;
}

interface OptionSpec {
  flag: string;
  env: string;
  description: string;
  parse: (value: string) => number | string;
}

const integer = (min: number) => (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min) throw new Error(`expected an integer of at least ${min}, got "${value}"`);
  return number;
};

const SPECS: Record<keyof BenchOptions, OptionSpec> = {
  repositories: { flag: '--repositories', env: 'BENCH_REPOSITORIES', description: 'dashboard repositories', parse: integer(1) },
  tags: { flag: '--tags', env: 'BENCH_TAGS', description: 'tags per dashboard repository', parse: integer(1) },
  latencyMs: { flag: '--latency', env: 'BENCH_LATENCY_MS', description: 'ms the proxy adds to each request', parse: integer(0) },
  concurrency: { flag: '--concurrency', env: 'BENCH_CONCURRENCY', description: 'requests in flight at once', parse: integer(1) },
  runs: { flag: '--runs', env: 'BENCH_RUNS', description: 'timed runs of the gateway and the parallel client', parse: integer(1) },
  sequentialRuns: {
    flag: '--sequential-runs',
    env: 'BENCH_SEQUENTIAL_RUNS',
    description: 'timed runs of the sequential client',
    parse: integer(1),
  },
  catalogRepositories: {
    flag: '--catalog-repositories',
    env: 'BENCH_CATALOG_REPOSITORIES',
    description: 'repositories of the catalog registry (0: skip)',
    parse: integer(0),
  },
  output: { flag: '--output', env: 'BENCH_OUTPUT', description: 'report file ("-": print only)', parse: (value) => value },
  gatewayNodeOptions: {
    flag: '--gateway-node-options',
    env: 'BENCH_GATEWAY_NODE_OPTIONS',
    description: "node options of the gateway's process",
    parse: (value) => value,
  },
};

/** The node options `npm start` (package.json) runs the gateway with: by default the bench measures the gateway as it is deployed. */
function npmStartNodeOptions(): string {
  const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  return scripts.start
    .split(/\s+/)
    .filter((word) => word.startsWith('--'))
    .join(' ');
}

export const DEFAULT_OPTIONS: BenchOptions = {
  repositories: 50,
  tags: 20,
  latencyMs: 20,
  concurrency: 16,
  runs: 11,
  sequentialRuns: 3,
  catalogRepositories: 10_000,
  output: 'BENCHMARKS.md',
  gatewayNodeOptions: npmStartNodeOptions(),
};

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const options: Record<string, number | string> = { ...DEFAULT_OPTIONS };
  const entries = Object.entries(SPECS) as Array<[keyof BenchOptions, OptionSpec]>;
  for (const [key, spec] of entries) {
    const value = env[spec.env];
    if (value !== undefined && value !== '') options[key] = parseValue(spec, spec.env, value);
  }
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--help' || arg === '-h') throw new UsageRequested(usage());
    const [flag, inline] = arg.includes('=') ? (arg.split(/=(.*)/s) as [string, string]) : [arg, undefined];
    const entry = entries.find(([, spec]) => spec.flag === flag);
    if (!entry) throw new Error(`unknown option ${flag}\n${usage()}`);
    const value = inline ?? argv[++index];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    options[entry[0]] = parseValue(entry[1], flag, value);
  }
  return options as unknown as BenchOptions;
}

function parseValue(spec: OptionSpec, name: string, value: string): number | string {
  try {
    return spec.parse(value);
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message}`, { cause: error });
  }
}

export class UsageRequested extends Error {}

function usage(): string {
  const lines = Object.entries(SPECS).map(
    ([key, spec]) =>
      `  ${`${spec.flag} ${typeof DEFAULT_OPTIONS[key as keyof BenchOptions] === 'number' ? 'N' : 'VALUE'}`.padEnd(34)}${spec.description} (${spec.env}; default ${DEFAULT_OPTIONS[key as keyof BenchOptions]})`,
  );
  return `usage: npm run bench -- [options]\n${lines.join('\n')}`;
}

/** The command that reproduces a run with these options. */
export function commandFor(options: BenchOptions): string {
  const changed = (Object.keys(SPECS) as Array<keyof BenchOptions>).filter((key) => options[key] !== DEFAULT_OPTIONS[key]);
  const shellWord = (value: string) => (value === '' || /\s/.test(value) ? JSON.stringify(value) : value);
  const flags = changed.map((key) => `${SPECS[key].flag} ${shellWord(String(options[key]))}`);
  return flags.length === 0 ? 'npm run bench' : `npm run bench -- ${flags.join(' ')}`;
}
