/**
 * The `auths` section of a Docker client config (`~/.docker/config.json`), as `docker login`
 * writes it: entries keyed by registry host (or URL, for Docker Hub's
 * `https://index.docker.io/v1/`), each with a base64 `auth` of `user:password` or with
 * `username` and `password`.
 */
import { isRecord } from '../util/isRecord.js';

export interface UsernamePassword {
  username: string;
  password: string;
}

export type DockerConfigLookup =
  | { found: UsernamePassword; key: string }
  /** Why nothing usable was found, for a message. */
  | { found: undefined; reason: string };

export class DockerConfigError extends Error {
  override name = 'DockerConfigError';
}

/** Docker Hub answers under several names; `docker login` files them under index.docker.io. */
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** The host[:port] an auths key or a registry URL stands for, Docker Hub's names made one. */
export function registryHost(keyOrUrl: string): string {
  const host = keyOrUrl
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .split('/')[0]!
    .toLowerCase();
  return DOCKER_HUB_HOSTS.has(host) ? 'docker.io' : host;
}

/** The credentials the config holds for the registry at registryUrl. Throws DockerConfigError when the text is not a config. */
export function findDockerCredentials(configText: string, registryUrl: string): DockerConfigLookup {
  let config: unknown;
  try {
    config = JSON.parse(configText);
  } catch {
    throw new DockerConfigError('is not valid JSON');
  }
  if (!isRecord(config)) throw new DockerConfigError('is not a JSON object');
  const auths = config.auths ?? {};
  if (!isRecord(auths)) throw new DockerConfigError('"auths" is not an object');

  const host = registryHost(registryUrl);
  const keys = Object.keys(auths).filter((key) => registryHost(key) === host);
  for (const key of keys) {
    const found = entryCredentials(auths[key], key);
    if (found) return { found, key };
  }
  const helper = credentialHelper(config, host);
  if (helper) {
    const reason = `its credentials for ${host} are kept by the credential helper "${helper}", which regql does not run`;
    return { found: undefined, reason };
  }
  if (keys.length > 0) return { found: undefined, reason: `its entry for ${host} holds no username and password` };
  return { found: undefined, reason: `it has no entry for ${host}` };
}

function entryCredentials(entry: unknown, key: string): UsernamePassword | undefined {
  if (!isRecord(entry)) return undefined;
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // Never quote the value: it is the secret.
    if (colon <= 0) throw new DockerConfigError(`the "auth" of "${key}" is not base64 of user:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry.username === 'string' && entry.username !== '' && typeof entry.password === 'string') {
    return { username: entry.username, password: entry.password };
  }
  return undefined;
}

function credentialHelper(config: Record<string, unknown>, host: string): string | undefined {
  const helpers = isRecord(config.credHelpers) ? config.credHelpers : {};
  const perHost = Object.entries(helpers).find(([key]) => registryHost(key) === host)?.[1];
  if (typeof perHost === 'string') return perHost;
  return typeof config.credsStore === 'string' && config.credsStore !== '' ? config.credsStore : undefined;
}
