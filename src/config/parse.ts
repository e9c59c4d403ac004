/**
 * A configuration checked against the grammar (schema.ts) and with its secrets read: registry
 * credentials resolved, access tokens read and kept only as hashes.
 */
import { AccessToken, type AccessConfig } from '../access.js';
import type { Credentials } from '../registry/auth/credentials.js';
import { CredentialSourceError, resolveCredentials } from './credentials.js';
import { type AccessTokenEntry, MIN_TOKEN_LENGTH, type ParsedConfig, configSchema } from './schema.js';
import { SecretSourceError, readSecret } from './secrets.js';

/** A registry's settings; its `auth` is resolved into credentials (absent: anonymous), never kept as written. */
export type RegistryConfig = Omit<ParsedConfig['registries'][number], 'auth'> & { credentials?: Credentials };
export type GatewayConfig = Omit<ParsedConfig, 'access' | 'registries'> & { access: AccessConfig; registries: RegistryConfig[] };

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
  return credentials ? { ...registry, credentials } : registry;
}

/** The tokens with their secrets read from the configuration, the environment or files. */
function resolveAccess(access: ParsedConfig['access'], env: Environment, source: string): AccessConfig {
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

function tokenSecret(entry: AccessTokenEntry, key: string, env: Environment, source: string): string {
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
