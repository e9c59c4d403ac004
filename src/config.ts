import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const MiB = 1024 * 1024;

const registrySchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-", starting with a letter or digit'),
    url: z
      .url({ protocol: /^https?$/, error: 'an http:// or https:// URL' })
      .refine((url) => !/^https?:\/\/[^/]*@/.test(url), 'a URL without user:password@ (credentials are configured separately)')
      .transform((url) => url.replace(/\/+$/, '')),
    /** Upstream requests in flight at once toward this registry. */
    concurrency: z.int().min(1).max(256).default(16),
    timeoutMs: z.int().min(100).max(600_000).default(30_000),
  })
  .strict();

const configSchema = z
  .object({
    registries: z.array(registrySchema).min(1, 'at least one registry'),
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.int().min(0).max(65535).default(4000),
      })
      .strict()
      .prefault({}),
    cache: z
      .object({
        /** Process-wide cache of content addressed by digest (manifests, image configs). */
        maxBytes: z.int().min(0).default(64 * MiB),
      })
      .strict()
      .prefault({}),
    limits: z
      .object({
        maxManifestBytes: z.int().min(1024).default(4 * MiB),
        maxConfigBytes: z.int().min(1024).default(8 * MiB),
      })
      .strict()
      .prefault({}),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.registries.forEach((registry, index) => {
      if (seen.has(registry.name)) {
        ctx.addIssue({ code: 'custom', path: ['registries', index, 'name'], message: `duplicate registry name "${registry.name}"` });
      }
      seen.add(registry.name);
    });
  });

export type GatewayConfig = z.output<typeof configSchema>;
export type RegistryConfig = GatewayConfig['registries'][number];
/** What a caller may write: every default filled in by parseConfig. */
export type GatewayConfigInput = z.input<typeof configSchema>;

export const DEFAULT_REGISTRY_URL = 'http://127.0.0.1:5000';

/** A configuration that can't be used; the message names the offending key. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseConfig(input: unknown, source = 'configuration'): GatewayConfig {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    return `${key}: ${issue.message}`;
  });
  throw new ConfigError(`invalid ${source}: ${problems.join('; ')}`);
}

export interface ConfigSources {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
}

/**
 * The file named by `--config FILE` (or REGQL_CONFIG), YAML or JSON; without one, a single
 * registry from REGISTRY_URL. PORT and HOST override the file's server settings so the same file
 * works in several deployments.
 */
export function loadConfig({ argv, env }: ConfigSources): GatewayConfig {
  const file = configFileArgument(argv) ?? nonEmpty(env.REGQL_CONFIG);
  const raw: Record<string, unknown> = file
    ? readConfigFile(file)
    : { registries: [{ name: 'default', url: nonEmpty(env.REGISTRY_URL) ?? DEFAULT_REGISTRY_URL }] };
  const server = { ...(isRecord(raw.server) ? raw.server : {}) };
  if (nonEmpty(env.PORT)) server.port = parseEnvInteger('PORT', env.PORT!);
  if (nonEmpty(env.HOST)) server.host = env.HOST;
  if (nonEmpty(env.LOG_LEVEL)) raw.logLevel = env.LOG_LEVEL;
  return parseConfig({ ...raw, server }, file ? `configuration file ${file}` : 'configuration');
}

function configFileArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--config') {
      const value = argv[i + 1];
      if (!value || value.startsWith('--')) throw new ConfigError('--config needs a file name');
      return value;
    }
    if (arg.startsWith('--config=')) return arg.slice('--config='.length);
  }
  return undefined;
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
    parsed = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`configuration file ${file} is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!isRecord(parsed)) throw new ConfigError(`configuration file ${file}: expected a mapping with a "registries" key`);
  return parsed;
}

function parseEnvInteger(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number)) throw new ConfigError(`${name}: expected an integer, got "${value}"`);
  return number;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
