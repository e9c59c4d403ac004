/**
 * Where a registry's credentials come from: the configuration (password inline, from an
 * environment variable or from a file), or the Docker client's config that `docker login` wrote.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Credentials } from '../registry/auth/credentials.js';
import { DockerConfigError, findDockerCredentials } from './dockerConfig.js';
import { SecretSourceError, readSecret } from './secrets.js';

/** A registry's `auth` settings, as configured; at most one way to give the password. */
export interface AuthSettings {
  username?: string;
  password?: string;
  /** Name of the environment variable holding the password. */
  passwordEnv?: string;
  /** Path of a file holding the password. */
  passwordFile?: string;
  /** Take the credentials from the Docker config; an error when it has none for the registry. */
  dockerConfig?: boolean;
  /** Never send credentials, not even those of the Docker config. */
  anonymous?: boolean;
}

/** A credential source that cannot be used; key is the `auth` setting at fault. */
export class CredentialSourceError extends Error {
  override name = 'CredentialSourceError';
  constructor(
    readonly key: keyof AuthSettings | undefined,
    message: string,
  ) {
    super(message);
  }
}

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The credentials for the registry at registryUrl: the configured ones; without `auth`, those
 * of the Docker config when it has an entry for the registry's host, else none (anonymous).
 */
export function resolveCredentials(settings: AuthSettings | undefined, registryUrl: string, env: Environment): Credentials | undefined {
  if (settings?.anonymous) return undefined;
  if (settings?.username !== undefined) {
    return new Credentials(settings.username, configuredPassword(settings, env), passwordSource(settings));
  }
  return dockerConfigCredentials(registryUrl, env, settings?.dockerConfig === true);
}

function configuredPassword(settings: AuthSettings, env: Environment): string {
  if (settings.password !== undefined) return settings.password;
  const source =
    settings.passwordEnv !== undefined
      ? { env: settings.passwordEnv }
      : settings.passwordFile !== undefined
        ? { file: settings.passwordFile }
        : undefined;
  if (source === undefined) throw new CredentialSourceError('username', 'a username needs password, passwordEnv or passwordFile');
  try {
    return readSecret(source, env);
  } catch (error) {
    if (!(error instanceof SecretSourceError)) throw error;
    throw new CredentialSourceError(error.from === 'env' ? 'passwordEnv' : 'passwordFile', error.message);
  }
}

function passwordSource(settings: AuthSettings): string {
  if (settings.passwordEnv !== undefined) return `environment variable ${settings.passwordEnv}`;
  if (settings.passwordFile !== undefined) return `file ${settings.passwordFile}`;
  return 'the configuration';
}

/** $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json, as the Docker client looks. */
export function dockerConfigPath(env: Environment): string | undefined {
  if (env.DOCKER_CONFIG) return join(env.DOCKER_CONFIG, 'config.json');
  if (env.HOME) return join(env.HOME, '.docker', 'config.json');
  return undefined;
}

function dockerConfigCredentials(registryUrl: string, env: Environment, required: boolean): Credentials | undefined {
  const path = dockerConfigPath(env);
  if (path === undefined) {
    if (!required) return undefined;
    throw new CredentialSourceError('dockerConfig', 'no Docker config: neither DOCKER_CONFIG nor HOME is set');
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (!required && errorCode(error) === 'ENOENT') return undefined;
    throw new CredentialSourceError('dockerConfig', `cannot read the Docker config ${path}: ${errorCode(error)}`);
  }
  let lookup: ReturnType<typeof findDockerCredentials>;
  try {
    lookup = findDockerCredentials(text, registryUrl);
  } catch (error) {
    if (!(error instanceof DockerConfigError)) throw error;
    const skip = required ? '' : ' (set auth: {anonymous: true} to not read it)';
    throw new CredentialSourceError(required ? 'dockerConfig' : undefined, `the Docker config ${path} ${error.message}${skip}`);
  }
  if (lookup.found) return new Credentials(lookup.found.username, lookup.found.password, `the Docker config ${path}`);
  if (!required) return undefined;
  throw new CredentialSourceError('dockerConfig', `no credentials in the Docker config ${path}: ${lookup.reason}`);
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}
