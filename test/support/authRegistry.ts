/** Registries that require a login (htpasswd or token auth), seeded with the sample content through that login. */
import bcrypt from 'bcryptjs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalRegistry, startLocalRegistry } from '../../fixtures/registry/localRegistry.js';
import { seedRegistry } from '../../fixtures/seed.js';
import { Credentials } from '../../src/registry/auth/credentials.js';
import type { RegistryClient } from '../../src/registry/client.js';
import type { UpstreamRequestEvent } from '../../src/registry/types.js';
import { type TokenServer, type TokenServerOptions, startTokenServer } from './tokenServer.js';
import { testClient } from './client.js';

/** The cheapest cost bcrypt allows: the tests check logins, not hashing strength. */
const BCRYPT_COST = 4;

export interface ClientOptions {
  username?: string;
  password?: string;
  onRequest?: (event: UpstreamRequestEvent) => void;
  concurrency?: number;
}

/** A client for url that logs in as username (anonymous without one). */
export function authClient(url: string, { username, password = '', onRequest, concurrency = 8 }: ClientOptions = {}): RegistryClient {
  return testClient(url, {
    concurrency,
    timeoutMs: 30_000,
    onRequest,
    credentials: username === undefined ? undefined : new Credentials(username, password, 'the test'),
  });
}

async function seedAs(registry: LocalRegistry, username: string, password: string): Promise<void> {
  const client = authClient(registry.url, { username, password });
  try {
    await seedRegistry(client);
  } finally {
    await client.close();
  }
}

export interface HtpasswdRegistry {
  registry: LocalRegistry;
  stop(): Promise<void>;
}

/** A registry with `auth: htpasswd` for users (name → password), seeded as the first user. */
export async function startHtpasswdRegistry(users: Record<string, string>): Promise<HtpasswdRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'regql-htpasswd-'));
  const path = join(dir, 'htpasswd');
  const lines = Object.entries(users).map(([name, password]) => `${name}:${bcrypt.hashSync(password, BCRYPT_COST)}`);
  await writeFile(path, `${lines.join('\n')}\n`);
  const removeDir = () => rm(dir, { recursive: true, force: true });
  let registry: LocalRegistry;
  try {
    registry = await startLocalRegistry({ auth: { htpasswd: { path } } });
  } catch (error) {
    await removeDir();
    throw error;
  }
  const stop = async () => {
    await registry.stop();
    await removeDir();
  };
  const [seeder, seederPassword] = Object.entries(users)[0]!;
  try {
    await seedAs(registry, seeder, seederPassword);
  } catch (error) {
    await stop();
    throw error;
  }
  return { registry, stop };
}

export interface TokenAuthRegistry {
  registry: LocalRegistry;
  tokenServer: TokenServer;
  stop(): Promise<void>;
}

/** A registry with `auth: token` trusting a token server of the test's own, seeded as seeder (who must may push). */
export async function startTokenAuthRegistry(
  options: TokenServerOptions,
  seeder: { username: string; password: string },
): Promise<TokenAuthRegistry> {
  const tokenServer = await startTokenServer(options);
  let registry: LocalRegistry;
  try {
    registry = await startLocalRegistry({
      auth: {
        token: {
          realm: tokenServer.realm,
          service: tokenServer.service,
          issuer: tokenServer.issuer,
          rootCertBundle: tokenServer.certificatePath,
        },
      },
    });
  } catch (error) {
    await tokenServer.stop();
    throw error;
  }
  const stop = async () => {
    await registry.stop();
    await tokenServer.stop();
  };
  try {
    await seedAs(registry, seeder.username, seeder.password);
  } catch (error) {
    await stop();
    throw error;
  }
  return { registry, tokenServer, stop };
}
