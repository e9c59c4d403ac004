/**
 * A configuration checked against the grammar (schema.ts) and with its secrets read: registry
 * credentials resolved, access tokens, notification secrets and the metrics token read and kept
 * only as hashes.
 */
import { AccessToken, SharedSecret, type AccessConfig } from '../access.js';
import type { Credentials } from '../registry/auth/credentials.js';
import { CredentialSourceError, resolveCredentials } from './credentials.js';
import { MIN_TOKEN_LENGTH, type ParsedConfig, type SecretEntry, configSchema } from './schema.js';
import { SecretSourceError, readSecret } from './secrets.js';
import { TrustedDocumentsError, readTrustedDocuments } from './trustedDocuments.js';

/** Notifications from a registry: the secret it sends, and how long what was read stays trusted without an event. */
export interface NotificationsConfig {
  secret: SharedSecret;
  maxStalenessMs: number;
}

type ParsedRegistry = ParsedConfig['registries'][number];

/**
 * A registry's settings; its `auth` is resolved into credentials (absent: anonymous) and its
 * notification secret read, never kept as written.
 */
export type RegistryConfig = Omit<ParsedRegistry, 'auth' | 'notifications'> & {
  credentials?: Credentials;
  notifications?: NotificationsConfig;
};

export interface MetricsConfig {
  enabled: boolean;
  /** When set, /metrics answers only requests bearing it. */
  secret?: SharedSecret;
}

export interface PersistedQueriesConfig {
  mode: ParsedConfig['server']['persistedQueries']['mode'];
  /** The configured trusted documents (the project's own operations are added by the server), by hash. */
  documents: ReadonlyMap<string, string>;
  maxStoredBytes: number;
}

export type GatewayConfig = Omit<ParsedConfig, 'access' | 'registries' | 'server'> & {
  access: AccessConfig;
  registries: RegistryConfig[];
  server: Omit<ParsedConfig['server'], 'metrics' | 'persistedQueries'> & {
    metrics: MetricsConfig;
    persistedQueries: PersistedQueriesConfig;
  };
};

/** A configuration that can't be used; the message names the offending key. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Environment = Readonly<Record<string, string | undefined>>;

/** env is where tokenEnv and passwordEnv are looked up. */
export function parseConfig(input: unknown, source = 'configuration', env: Environment = process.env): GatewayConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      return `${key}: ${issue.message}`;
    });
    throw new ConfigError(`invalid ${source}: ${problems.join('; ')}`);
  }
  const { access, registries, server, ...config } = result.data;
  const { metrics, persistedQueries, ...listen } = server;
  const { token, tokenEnv, tokenFile, enabled } = metrics;
  const metricsSecret = [token, tokenEnv, tokenFile].some((value) => value !== undefined)
    ? new SharedSecret(readSecretOf({ token, tokenEnv, tokenFile }, 'server.metrics', env, source))
    : undefined;
  return {
    ...config,
    server: {
      ...listen,
      metrics: { enabled, ...(metricsSecret && { secret: metricsSecret }) },
      persistedQueries: { ...persistedQueries, documents: readDocuments(persistedQueries.documents, source) },
    },
    registries: registries.map((registry, index) => withSecrets(registry, index, env, source)),
    access: resolveAccess(access, env, source),
  };
}

/**
 * The registry with its credentials read from the configuration, the environment, a file or the
 * Docker config, and its notification secret read.
 */
function withSecrets(
  { auth, notifications, ...registry }: ParsedRegistry,
  index: number,
  env: Environment,
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
  const secret = notifications && new SharedSecret(readSecretOf(notifications, `registries.${index}.notifications`, env, source));
  return {
    ...registry,
    ...(credentials && { credentials }),
    ...(notifications && secret && { notifications: { secret, maxStalenessMs: notifications.maxStalenessMs } }),
  };
}

/** The tokens with their secrets read from the configuration, the environment or files. */
function resolveAccess(access: ParsedConfig['access'], env: Environment, source: string): AccessConfig {
  const firstKeyOfSecret = new Map<string, string>();
  const tokens = access.tokens.map((entry, index) => {
    const key = `access.tokens.${index}`;
    const secret = readSecretOf(entry, key, env, source);
    const sameAs = firstKeyOfSecret.get(secret);
    if (sameAs !== undefined) throw new ConfigError(`invalid ${source}: ${key}: the same token as ${sameAs}`);
    firstKeyOfSecret.set(secret, key);
    return new AccessToken(entry.name, entry.scopes, secret);
  });
  return { tokens, requireReadToken: access.requireReadToken };
}

/** The secret an entry gives inline, in an environment variable or in a file; `key` names the entry in messages. */
function readSecretOf(entry: SecretEntry, key: string, env: Environment, source: string): string {
  if (entry.token !== undefined) return entry.token;
  const origin = entry.tokenEnv !== undefined ? `${key}.tokenEnv` : `${key}.tokenFile`;
  const fail = (problem: string) => new ConfigError(`invalid ${source}: ${origin}: ${problem}`);
  let secret: string;
  try {
    secret = readSecret(entry.tokenEnv !== undefined ? { env: entry.tokenEnv } : { file: entry.tokenFile! }, env);
  } catch (error) {
    if (error instanceof SecretSourceError) throw fail(error.message);
    throw error;
  }
  if (secret.length < MIN_TOKEN_LENGTH) throw fail(`the token must be at least ${MIN_TOKEN_LENGTH} characters`);
  if (/\s/.test(secret)) throw fail('the token must not contain whitespace');
  return secret;
}

function readDocuments(files: readonly string[], source: string): Map<string, string> {
  try {
    return readTrustedDocuments(files);
  } catch (error) {
    if (error instanceof TrustedDocumentsError)
      throw new ConfigError(`invalid ${source}: server.persistedQueries.documents: ${error.message}`);
    throw error;
  }
}
