/**
 * Runs the CNCF Distribution reference registry (Debian's `docker-registry` package, 2.8) as a
 * child process on 127.0.0.1, for the demo and the tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';

export interface LocalRegistryOptions {
  /** storage.delete.enabled; default true. */
  deleteEnabled?: boolean;
  /** storage.maintenance.readonly.enabled: every push and delete is refused; default false. */
  readOnly?: boolean;
  /** Default: a free port. */
  port?: number;
  /** Storage root; kept on stop(). Default: a directory inside the temp dir, removed on stop(). */
  dataDir?: string;
  /** Only errors in the registry's log, no access log; default true. */
  quiet?: boolean;
  /** Require a login: HTTP Basic against an htpasswd file (bcrypt), or tokens from a token server. */
  auth?: LocalRegistryAuth;
}

export type LocalRegistryAuth =
  | { htpasswd: { path: string } }
  | {
      token: {
        /** The token server's URL, sent to clients in the challenge. */
        realm: string;
        /** Must be the tokens' `aud`. */
        service: string;
        /** Must be the tokens' `iss`. */
        issuer: string;
        /** PEM certificates; a token's x5c chain must lead to one of them. */
        rootCertBundle: string;
      };
    };

/** The registry's `auth` config section. */
function authSection(auth: LocalRegistryAuth | undefined): Record<string, unknown> {
  if (auth === undefined) return {};
  if ('htpasswd' in auth) return { auth: { htpasswd: { realm: 'regql-local', path: auth.htpasswd.path } } };
  const { realm, service, issuer, rootCertBundle } = auth.token;
  return { auth: { token: { realm, service, issuer, rootcertbundle: rootCertBundle } } };
}

export interface LocalRegistry {
  /** e.g. http://127.0.0.1:40123 (no /v2 suffix). */
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
/**
 * Set on every response through the config's http.headers, so the readiness check can tell our
 * registry from another server that holds the port (the registry then exits, but maybe later).
 */
const INSTANCE_HEADER = 'X-Regql-Registry-Instance';
const BINARY_NAME = 'docker-registry';
/** Where Debian installs it, for a PATH that lacks /usr/bin. */
const DEBIAN_BINARY_PATH = '/usr/bin/docker-registry';
const READY_TIMEOUT_MS = 10_000;
const READY_POLL_INTERVAL_MS = 50;
const STOP_GRACE_MS = 5_000;
/** Enough of the registry's stderr to explain why it died. */
const STDERR_TAIL_BYTES = 16 * 1024;
/** With a port we picked ourselves, another process may take it before the registry binds it. */
const ATTEMPTS_ON_PORT_RACE = 3;

export class RegistryBinaryMissingError extends Error {
  override name = 'RegistryBinaryMissingError';
  constructor() {
    super(
      `The registry binary "${BINARY_NAME}" (CNCF Distribution) is not installed. ` +
        `Install it with "apt-get install -y docker-registry" (as root), or run ` +
        `"docker run -p 5000:5000 registry:2" and point REGISTRY_URL at it (http://127.0.0.1:5000).`,
    );
  }
}

/** The path of the `docker-registry` executable, or undefined when it is not installed. */
export function findRegistryBinary(): string | undefined {
  const candidates = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, BINARY_NAME));
  candidates.push(DEBIAN_BINARY_PATH);
  return candidates.find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The registry binary's path; installs Debian's package first when it is missing and this
 * process is root (as on the project's machines), else throws RegistryBinaryMissingError.
 */
export async function ensureRegistryInstalled(): Promise<string> {
  const found = findRegistryBinary();
  if (found) return found;
  if (process.getuid?.() !== 0) throw new RegistryBinaryMissingError();
  console.error(`${BINARY_NAME} is missing; installing Debian's package...`);
  await runInherited('apt-get', ['update']);
  await runInherited('apt-get', ['install', '-y', BINARY_NAME]);
  const installed = findRegistryBinary();
  if (!installed) throw new RegistryBinaryMissingError();
  return installed;
}

function runInherited(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

/** Whether nothing listens on 127.0.0.1:port. */
export async function isPortFree(port: number): Promise<boolean> {
  try {
    await bindAndRelease(port);
    return true;
  } catch {
    return false;
  }
}

/** A port the OS considers free right now on 127.0.0.1. */
export function findFreePort(): Promise<number> {
  return bindAndRelease(0);
}

function bindAndRelease(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host: HOST, exclusive: true }, () => {
      const address = server.address();
      const boundPort = typeof address === 'object' && address !== null ? address.port : port;
      server.close(() => resolve(boundPort));
    });
  });
}

export async function startLocalRegistry(options: LocalRegistryOptions = {}): Promise<LocalRegistry> {
  const binary = findRegistryBinary();
  if (!binary) throw new RegistryBinaryMissingError();
  const attempts = options.port === undefined ? ATTEMPTS_ON_PORT_RACE : 1;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await findFreePort());
    try {
      return await startOnPort(binary, port, options);
    } catch (error) {
      const lostPortRace = error instanceof RegistryStartError && error.stderr.includes('address already in use');
      if (!lostPortRace || attempt >= attempts) throw error;
    }
  }
}

class RegistryStartError extends Error {
  override name = 'RegistryStartError';
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(stderr.trim() === '' ? message : `${message}\n--- registry stderr ---\n${stderr.trim()}`);
  }
}

async function startOnPort(binary: string, port: number, options: LocalRegistryOptions): Promise<LocalRegistry> {
  const quiet = options.quiet ?? true;
  // Always a config of our own: Debian's /etc/docker/registry/config.yml turns on htpasswd auth.
  const tempDir = await mkdtemp(join(tmpdir(), 'regql-registry-'));
  const dataDir = options.dataDir ?? join(tempDir, 'data');
  const configPath = join(tempDir, 'config.yml');
  const instanceId = randomUUID();
  await writeFile(
    configPath,
    stringifyYaml({
      version: '0.1',
      log: { level: quiet ? 'error' : 'info', accesslog: { disabled: quiet } },
      storage: {
        filesystem: { rootdirectory: dataDir },
        delete: { enabled: options.deleteEnabled ?? true },
        maintenance: { readonly: { enabled: options.readOnly ?? false } },
      },
      // A secret of our own only keeps the "no HTTP secret" warning out of the log.
      http: { addr: `${HOST}:${port}`, secret: instanceId, headers: { [INSTANCE_HEADER]: [instanceId] } },
      ...authSection(options.auth),
    }),
  );

  const child = spawn(binary, ['serve', configPath], {
    stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'pipe'],
    env: environmentWithoutRegistryOverrides(),
  });
  let stderrTail = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    if (!quiet) process.stderr.write(chunk);
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
  });
  // A test runner that dies without calling stop() must not leave a registry behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const url = `http://${HOST}:${port}`;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      await terminate(child);
      await rm(tempDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    await waitUntilReady(url, instanceId, options.auth !== undefined, child, () => stderrTail);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, dataDir, stop };
}

/** The registry lets REGISTRY_* variables override its config file; ours must be the only source. */
function environmentWithoutRegistryOverrides(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('REGISTRY_')));
}

async function waitUntilReady(url: string, instanceId: string, withAuth: boolean, child: ChildProcess, stderr: () => string): Promise<void> {
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) =>
      reject(new RegistryStartError(`docker-registry exited before it was ready (${signal ?? `exit code ${code}`})`, stderr())),
    );
    child.once('error', (error) => reject(new RegistryStartError(`docker-registry could not start: ${error.message}`, stderr())));
  });
  // The race below settles on whichever comes first; the loser must not surface as unhandled.
  exited.catch(() => {});

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const answered = await Promise.race([answersBaseEndpoint(url, instanceId, withAuth), exited]);
    if (answered) return;
    await Promise.race([delay(READY_POLL_INTERVAL_MS), exited]);
  }
  throw new RegistryStartError(`docker-registry did not answer GET ${url}/v2/ within ${READY_TIMEOUT_MS} ms`, stderr());
}

/** Ready when /v2/ answers as it should: 200, or 401 when a login is required. */
async function answersBaseEndpoint(url: string, instanceId: string, withAuth: boolean): Promise<boolean> {
  try {
    const response = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.status === (withAuth ? 401 : 200) && response.headers.get(INSTANCE_HEADER) === instanceId;
  } catch {
    return false;
  }
}

async function terminate(child: ChildProcess): Promise<void> {
  const neverStarted = child.pid === undefined;
  if (neverStarted || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
