/**
 * The configuration of a starting gateway: the file named by `--config FILE` (or REGQL_CONFIG),
 * YAML or JSON; without one, a single registry from REGISTRY_URL. PORT, HOST, LOG_LEVEL and
 * REDIS_URL override the file so the same file works in several deployments.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isRecord } from '../util/isRecord.js';
import { parseCommandLine } from './commandLine.js';
import { ConfigError, type GatewayConfig, parseConfig } from './parse.js';

export const DEFAULT_REGISTRY_URL = 'http://127.0.0.1:5000';

export interface ConfigSources {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
}

export function loadConfig({ argv, env }: ConfigSources): GatewayConfig {
  const file = parseCommandLine(argv).config ?? nonEmpty(env.REGQL_CONFIG);
  const raw: Record<string, unknown> = file
    ? readConfigFile(file)
    : { registries: [{ name: 'default', url: nonEmpty(env.REGISTRY_URL) ?? DEFAULT_REGISTRY_URL }] };
  const server = { ...(isRecord(raw.server) ? raw.server : {}) };
  if (nonEmpty(env.PORT)) server.port = parseEnvInteger('PORT', env.PORT!);
  if (nonEmpty(env.HOST)) server.host = env.HOST;
  if (nonEmpty(env.LOG_LEVEL)) raw.logLevel = env.LOG_LEVEL;
  if (nonEmpty(env.REDIS_URL)) raw.redis = { ...(isRecord(raw.redis) ? raw.redis : {}), url: env.REDIS_URL };
  return parseConfig({ ...raw, server }, file ? `configuration file ${file}` : 'configuration', env);
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read configuration file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let parsed: unknown;
  try {
    // Loaded here, not at start: a gateway configured without a file never needs a YAML parser in memory.
    const { parse: parseYaml } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
    parsed = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`configuration file ${file} is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!isRecord(parsed)) throw new ConfigError(`configuration file ${file}: expected a mapping with a "registries" key`);
  return parsed;
}

function parseEnvInteger(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number)) throw new ConfigError(`${name}: expected an integer, got "${value.slice(0, 40)}"`);
  return number;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
