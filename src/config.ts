import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ACCESS_SCOPES, AccessToken, type AccessConfig } from './access.js';
import { CredentialSourceError, type Credentials, resolveCredentials } from './registry/auth/credentials.js';
import { isValidRepositoryName } from './registry/reference.js';

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
    /** How the gateway logs in; without it, the Docker config's entry for the registry's host, if any. */
    auth: z
      .object({
        username: z.string().min(1).regex(/^[^:]*$/, 'no ":" (HTTP Basic authentication cannot carry it)').optional(),
        password: z.string().min(1).optional(),
        passwordEnv: z.string().min(1).optional(),
        passwordFile: z.string().min(1).optional(),
        dockerConfig: z.literal(true).optional(),
        anonymous: z.literal(true).optional(),
      })
      .strict()
      .superRefine((auth, ctx) => {
        const ways = [auth.username, auth.dockerConfig, auth.anonymous].filter((way) => way !== undefined);
        if (ways.length !== 1) {
          ctx.addIssue({ code: 'custom', message: 'exactly one of username (with a password), dockerConfig: true and anonymous: true' });
        }
        const passwords = (['password', 'passwordEnv', 'passwordFile'] as const).filter((key) => auth[key] !== undefined);
        if (auth.username !== undefined && passwords.length !== 1) {
          ctx.addIssue({ code: 'custom', path: ['username'], message: 'exactly one of password, passwordEnv and passwordFile goes with it' });
        }
        if (auth.username === undefined) {
          for (const key of passwords) ctx.addIssue({ code: 'custom', path: [key], message: 'only with username' });
        }
      })
      .optional(),
    /** The repositories to list, for registries without a usable catalog; sorted, as the catalog would be. */
    repositories: z
      .array(z.string().refine(isValidRepositoryName, 'a repository name (lowercase components of [a-z0-9._-] separated by "/")'))
      .min(1, 'at least one repository (or leave the key out to read the catalog)')
      .transform((names) => [...new Set(names)].sort())
      .optional(),
  })
  .strict();

/** Long enough that guessing is hopeless; `openssl rand -hex 32` gives 64 characters. */
const MIN_TOKEN_LENGTH = 16;
const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Messages never include the token: zod's own messages do not echo values, and ours neither. */
const accessTokenSchema = z
  .object({
    /** Shown in FORBIDDEN messages and logs instead of the token. */
    name: z.string().regex(TOKEN_NAME, 'letters, digits, ".", "_" and "-", starting with a letter or digit'),
    scopes: z.array(z.enum(ACCESS_SCOPES)).min(1, `at least one of ${ACCESS_SCOPES.join(', ')}`),
    token: z
      .string()
      .min(MIN_TOKEN_LENGTH, `at least ${MIN_TOKEN_LENGTH} characters`)
      .regex(/^\S+$/, 'no whitespace')
      .optional(),
    /** Name of an environment variable holding the token. */
    tokenEnv: z.string().min(1).optional(),
    /** A file holding the token (surrounding whitespace ignored). */
    tokenFile: z.string().min(1).optional(),
  })
  .strict()
  .refine(
    (entry) => [entry.token, entry.tokenEnv, entry.tokenFile].filter((source) => source !== undefined).length === 1,
    'exactly one of token, tokenEnv and tokenFile',
  );

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
        /** Upstream calls a query may be estimated to cause; above it, QUERY_TOO_COSTLY before any call. */
        maxQueryCost: z.int().min(1).default(100_000),
        /** Field nesting a query may have (introspection not counted). */
        maxDepth: z.int().min(1).default(15),
        /** Aliased fields a query may have. */
        maxAliases: z.int().min(0).default(50),
      })
      .strict()
      .prefault({}),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Bearer tokens for writes (and, with requireReadToken, reads); none: the gateway is read-only. */
    access: z
      .object({
        tokens: z.array(accessTokenSchema).default([]),
        requireReadToken: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    const tokenNames = new Set<string>();
    config.access.tokens.forEach((token, index) => {
      if (tokenNames.has(token.name)) {
        ctx.addIssue({ code: 'custom', path: ['access', 'tokens', index, 'name'], message: `duplicate token name "${token.name}"` });
      }
      tokenNames.add(token.name);
    });
    if (config.access.requireReadToken && !config.access.tokens.some((token) => token.scopes.includes('read'))) {
      ctx.addIssue({
        code: 'custom',
        path: ['access', 'requireReadToken'],
        message: 'no token has the read scope, so nothing could query the gateway',
      });
    }
    const seen = new Set<string>();
    config.registries.forEach((registry, index) => {
      if (seen.has(registry.name)) {
        ctx.addIssue({ code: 'custom', path: ['registries', index, 'name'], message: `duplicate registry name "${registry.name}"` });
      }
      seen.add(registry.name);
    });
  });

type ParsedConfig = z.output<typeof configSchema>;
/** A registry's settings; its `auth` is resolved into credentials (absent: anonymous), never kept as written. */
export type RegistryConfig = Omit<ParsedConfig['registries'][number], 'auth'> & { credentials?: Credentials };
export type GatewayConfig = Omit<ParsedConfig, 'access' | 'registries'> & { access: AccessConfig; registries: RegistryConfig[] };
/** What a caller may write: every default filled in by parseConfig. */
export type GatewayConfigInput = z.input<typeof configSchema>;

export const DEFAULT_REGISTRY_URL = 'http://127.0.0.1:5000';

/** A configuration that can't be used; the message names the offending key. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** env and token files are read for access.tokens[].tokenEnv and tokenFile. */
export function parseConfig(input: unknown, source = 'configuration', env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      return `${key}: ${issue.message}`;
    });
    throw new ConfigError(`invalid ${source}: ${problems.join('; ')}`);
  }
  const { access, registries, ...config } = result.data;
  return {
    ...config,
    registries: registries.map((registry, index) => withCredentials(registry, index, env, source)),
    access: resolveAccess(access, env, source),
  };
}

/** The registry with its credentials read from the configuration, the environment, a file or the Docker config. */
function withCredentials(
  { auth, ...registry }: ParsedConfig['registries'][number],
  index: number,
  env: NodeJS.ProcessEnv,
  source: string,
): RegistryConfig {
  let credentials: Credentials | undefined;
  try {
    credentials = resolveCredentials(auth, registry.url, env);
  } catch (error) {
    if (!(error instanceof CredentialSourceError)) throw error;
    const key = ['registries', index, ...(error.key ? ['auth', error.key] : [])].join('.');
    throw new ConfigError(`invalid ${source}: ${key}: ${error.message}`);
  }
  return credentials ? { ...registry, credentials } : registry;
}

type AccessTokenEntry = z.output<typeof accessTokenSchema>;

/** The tokens with their secrets read from the configuration, the environment or files. */
function resolveAccess(
  access: { tokens: AccessTokenEntry[]; requireReadToken: boolean },
  env: NodeJS.ProcessEnv,
  source: string,
): AccessConfig {
  const firstKeyOfSecret = new Map<string, string>();
  const tokens = access.tokens.map((entry, index) => {
    const key = `access.tokens.${index}`;
    const secret = tokenSecret(entry, key, env, source);
    const sameAs = firstKeyOfSecret.get(secret);
    if (sameAs !== undefined) throw new ConfigError(`invalid ${source}: ${key}: the same token as ${sameAs}`);
    firstKeyOfSecret.set(secret, key);
    return new AccessToken(entry.name, entry.scopes, secret);
  });
  return { tokens, requireReadToken: access.requireReadToken };
}

function tokenSecret(entry: AccessTokenEntry, key: string, env: NodeJS.ProcessEnv, source: string): string {
  if (entry.token !== undefined) return entry.token;
  const fail = (problem: string) => new ConfigError(`invalid ${source}: ${problem}`);
  let secret: string;
  let origin: string;
  if (entry.tokenEnv !== undefined) {
    origin = `${key}.tokenEnv`;
    const value = env[entry.tokenEnv];
    if (value === undefined || value.trim() === '') throw fail(`${origin}: the environment variable ${entry.tokenEnv} is not set`);
    secret = value.trim();
  } else {
    origin = `${key}.tokenFile`;
    try {
      secret = readFileSync(entry.tokenFile!, 'utf8').trim();
    } catch (error) {
      throw fail(`${origin}: cannot read ${entry.tokenFile}: ${(error as NodeJS.ErrnoException).code ?? 'read error'}`);
    }
  }
  if (secret.length < MIN_TOKEN_LENGTH) throw fail(`${origin}: the token must be at least ${MIN_TOKEN_LENGTH} characters`);
  if (/\s/.test(secret)) throw fail(`${origin}: the token must not contain whitespace`);
  return secret;
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
  return parseConfig({ ...raw, server }, file ? `configuration file ${file}` : 'configuration', env);
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
