/**
 * A token server of the kind Docker Hub, GHCR and Harbor run, for a registry started with
 * `auth: token`: it checks HTTP Basic credentials, grants each user only what it may do, and
 * answers with an ES256-signed JWT whose x5c header carries a self-signed certificate that the
 * registry trusts through its rootcertbundle. Listens on 127.0.0.1 on a free port.
 */
import { execFile } from 'node:child_process';
import { X509Certificate, createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface RequestedAccess {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenServerUser {
  password: string;
  /** The actions of a requested scope this user gets (a subset of access.actions). */
  grant(access: RequestedAccess): string[];
}

export interface TokenServerOptions {
  service: string;
  users: Record<string, TokenServerUser>;
  /** What a request without credentials gets; default nothing (a token with no access). */
  anonymous?: (access: RequestedAccess) => string[];
  /** expires_in of the answers; default 300. */
  expiresInSeconds?: number;
}

export interface TokenRequestRecord {
  /** undefined: anonymous. */
  user: string | undefined;
  scopes: string[];
  status: number;
  /** The token issued, for tests that look for it where it must not be. */
  token?: string;
}

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  /** PEM file of the signing certificate: the registry's rootcertbundle. */
  certificatePath: string;
  /** Every token request, in order. */
  readonly requests: TokenRequestRecord[];
  /** The next count tokens are expired for the registry (exp in the past) while expires_in says they are fresh. */
  issueExpired(count: number): void;
  /** expires_in of later answers. */
  setExpiresIn(seconds: number): void;
  stop(): Promise<void>;
}

const ISSUER = 'regql-test-token-issuer';
/** Further back than the registry's 60 s leeway on exp. */
const EXPIRED_SECONDS_AGO = 300;

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const dir = await mkdtemp(join(tmpdir(), 'regql-token-'));
  const { key, certificateDer, certificatePath } = await makeSigningCertificate(dir);
  const requests: TokenRequestRecord[] = [];
  let expiredToIssue = 0;
  let expiresIn = options.expiresInSeconds ?? 300;

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://token.invalid');
    const scopes = url.searchParams.getAll('scope');
    const answer = (status: number, body: unknown, token?: string) => {
      requests.push({ user: basicUser(request.headers.authorization), scopes, status, ...(token ? { token } : {}) });
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (url.pathname !== '/token' || url.searchParams.get('service') !== options.service) {
      answer(400, { errors: [{ code: 'BAD_REQUEST', message: 'unknown service' }] });
      return;
    }
    const login = parseBasic(request.headers.authorization);
    const user = login ? options.users[login.username] : undefined;
    if (login && user?.password !== login.password) {
      answer(401, { errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] });
      return;
    }
    const grant = user ? (access: RequestedAccess) => user.grant(access) : (options.anonymous ?? (() => []));
    const access = scopes.flatMap((scope) => {
      const requested = parseRequestedScope(scope);
      if (!requested) return [];
      const actions = grant(requested).filter((action) => requested.actions.includes(action));
      return actions.length > 0 ? [{ ...requested, actions }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const expired = expiredToIssue > 0;
    if (expired) expiredToIssue--;
    const issuedAt = expired ? now - EXPIRED_SECONDS_AGO - 60 : now;
    const token = signJwt(key, certificateDer, {
      iss: ISSUER,
      sub: login?.username ?? '',
      aud: options.service,
      exp: expired ? now - EXPIRED_SECONDS_AGO : now + Math.max(expiresIn, 300),
      nbf: issuedAt,
      iat: issuedAt,
      jti: randomUUID(),
      access,
    });
    answer(200, { token, access_token: token, expires_in: expiresIn, issued_at: new Date(now * 1000).toISOString() }, token);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service: options.service,
    issuer: ISSUER,
    certificatePath,
    requests,
    issueExpired: (count) => {
      expiredToIssue = count;
    },
    setExpiresIn: (seconds) => {
      expiresIn = seconds;
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A P-256 key and a self-signed certificate for it, made by the openssl CLI (node:crypto makes no certificates). */
async function makeSigningCertificate(dir: string): Promise<{ key: KeyObject; certificateDer: Buffer; certificatePath: string }> {
  const keyPath = join(dir, 'key.pem');
  const certificatePath = join(dir, 'cert.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    certificatePath,
    '-subj',
    `/CN=${ISSUER}`,
    '-days',
    '2',
  ]);
  const key = createPrivateKey(await readFile(keyPath));
  const certificateDer = new X509Certificate(await readFile(certificatePath)).raw;
  return { key, certificateDer, certificatePath };
}

/** A compact JWS, ES256 with the raw r||s signature JWS wants; x5c lets distribution 2.8 find the key. */
function signJwt(key: KeyObject, certificateDer: Buffer, claims: Record<string, unknown>): string {
  const header = { typ: 'JWT', alg: 'ES256', x5c: [certificateDer.toString('base64')] };
  const encode = (part: unknown) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode(header)}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

function parseBasic(header: string | undefined): { username: string; password: string } | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function basicUser(header: string | undefined): string | undefined {
  return parseBasic(header)?.username;
}

/** `type:name:actions`, the name possibly holding ':' itself. */
function parseRequestedScope(scope: string): RequestedAccess | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',') };
}
