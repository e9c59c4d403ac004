/**
 * The transport's challenge-driven authentication, against MockAgent registries and token
 * servers that play the exchanges a real registry would (test/auth/ runs the real ones); here are
 * the cases a real registry does not produce on demand: another origin for the token server and
 * blob storage, token server failures, an https registry naming an http realm.
 */
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Credentials } from '../../../src/registry/auth/credentials.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { computeDigest } from '../../../src/registry/digest.js';
import type { UpstreamRequestEvent } from '../../../src/registry/types.js';

const ORIGIN = 'http://registry.test';
const AUTH = 'http://auth.test';
const STORAGE = 'http://storage.test';
const PASSWORD = 'p4ssw0rd-secret';
const BASIC = `Basic ${Buffer.from(`ci:${PASSWORD}`).toString('base64')}`;
const BEARER_CHALLENGE = `Bearer realm="${AUTH}/token",service="registry.test"`;
const BLOB = Buffer.from('layer bytes');
const BLOB_DIGEST = computeDigest(BLOB);

let agent: MockAgent;
let events: UpstreamRequestEvent[];
let clients: RegistryClient[];

function newClient(options: { credentials?: boolean; url?: string } = {}): RegistryClient {
  const client = new RegistryClient({
    name: 'mock',
    url: options.url ?? ORIGIN,
    concurrency: 8,
    timeoutMs: 1_000,
    maxManifestBytes: 1_024,
    maxBlobBytes: 1_024,
    onRequest: (event) => events.push(event),
    dispatcher: agent,
    credentials: options.credentials === false ? undefined : new Credentials('ci', PASSWORD, 'the test'),
  });
  clients.push(client);
  return client;
}

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  events = [];
  clients = [];
});

afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await agent.close();
});

const headerOf = (headers: unknown, name: string): string | undefined => (headers as Record<string, string> | undefined)?.[name];
/** The error a call fails with; the test fails when it succeeds. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}
const summary = () => events.map((event) => `${event.method} ${event.kind} ${event.status}`);

/** A registry path that answers 200 to requests carrying accepted, else 401 with challenge. */
function protectedPath(
  path: string | ((path: string) => boolean),
  accepted: (authorization: string | undefined) => boolean,
  challenge: string,
  body: object = { name: 'a', tags: ['1'] },
) {
  agent
    .get(ORIGIN)
    .intercept({ path, method: () => true })
    .reply(({ headers }) => {
      const authorization = headerOf(headers, 'authorization');
      return accepted(authorization)
        ? { statusCode: 200, data: JSON.stringify(body) }
        : {
            statusCode: 401,
            data: JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }),
            responseOptions: { headers: { 'www-authenticate': challenge } },
          };
    })
    .persist();
}

interface IssuedTokenRequest {
  scopes: string[];
  authorization: string | undefined;
}

/** A token server on another origin that hands out token-<n>, recording each request. */
function tokenServer(
  answer: (n: number) => { statusCode: number; data: object } = (n) => ({
    statusCode: 200,
    data: { token: `token-${n}`, expires_in: 300 },
  }),
) {
  const requests: IssuedTokenRequest[] = [];
  agent
    .get(AUTH)
    .intercept({ path: (path) => path.startsWith('/token?') })
    .reply(({ path, headers }) => {
      const query = new URL(path, AUTH).searchParams;
      expect(query.get('service')).toBe('registry.test');
      requests.push({ scopes: query.getAll('scope'), authorization: headerOf(headers, 'authorization') });
      const { statusCode, data } = answer(requests.length);
      return { statusCode, data: JSON.stringify(data) };
    })
    .persist();
  return requests;
}

describe('Basic challenges', () => {
  it('answers with the credentials, then sends them up front', async () => {
    protectedPath('/v2/a/tags/list', (authorization) => authorization === BASIC, 'Basic realm="Registry Realm"');
    const client = newClient();
    expect(await client.tagsList('a')).toEqual(['1']);
    expect(await client.tagsList('a')).toEqual(['1']);
    expect(summary()).toEqual(['GET tags 401', 'GET tags 200', 'GET tags 200']);
  });

  it('does not retry credentials already refused, and says they were refused', async () => {
    protectedPath('/v2/a/tags/list', () => false, 'Basic realm="Registry Realm"');
    const client = newClient();
    const error = await rejection(client.tagsList('a'));
    expect(error).toMatchObject({ kind: 'UNAUTHORIZED', status: 401 });
    expect(error.message).toBe(
      'GET /v2/a/tags/list: 401 UNAUTHORIZED authentication required (the registry refused the credentials from the test)',
    );
    await expect(client.tagsList('a')).rejects.toMatchObject({ kind: 'UNAUTHORIZED' });
    expect(summary()).toEqual(['GET tags 401', 'GET tags 401', 'GET tags 401']);
  });

  it('without credentials: one request, and the reason', async () => {
    protectedPath('/v2/a/tags/list', () => false, 'Basic realm="Registry Realm"');
    await expect(newClient({ credentials: false }).tagsList('a')).rejects.toMatchObject({
      kind: 'UNAUTHORIZED',
      message: expect.stringContaining('the registry requires credentials and none are configured for it'),
    });
    expect(summary()).toEqual(['GET tags 401']);
  });

  it('ping reports the refusal as an answer', async () => {
    protectedPath('/v2/', () => false, 'Basic realm="Registry Realm"', {});
    const result = await newClient().ping();
    expect(result).toMatchObject({ status: 401, refusal: { kind: 'UNAUTHORIZED' } });
  });
});

describe('Bearer challenges', () => {
  it('gets a token for the request scope with the credentials, retries, then reuses the token', async () => {
    protectedPath(
      '/v2/a/tags/list',
      (authorization) => authorization === 'Bearer token-1',
      `${BEARER_CHALLENGE},scope="repository:a:pull"`,
    );
    const tokens = tokenServer();
    const client = newClient();
    expect(await client.tagsList('a')).toEqual(['1']);
    expect(await client.tagsList('a')).toEqual(['1']);
    expect(tokens).toEqual([{ scopes: ['repository:a:pull'], authorization: BASIC }]);
    expect(summary()).toEqual(['GET tags 401', 'GET token 200', 'GET tags 200', 'GET tags 200']);
  });

  it('asks anonymously without credentials', async () => {
    protectedPath('/v2/a/tags/list', (authorization) => authorization === 'Bearer token-1', BEARER_CHALLENGE);
    const tokens = tokenServer();
    expect(await newClient({ credentials: false }).tagsList('a')).toEqual(['1']);
    expect(tokens).toEqual([{ scopes: ['repository:a:pull'], authorization: undefined }]);
  });

  it('asks once per scope when 100 requests need a token at the same moment', async () => {
    protectedPath(
      (path) => /^\/v2\/(a|b)\/tags\/list$/.test(path),
      (authorization) => authorization?.startsWith('Bearer ') ?? false,
      BEARER_CHALLENGE,
    );
    const tokens = tokenServer();
    const client = newClient();
    const lists = await Promise.all(Array.from({ length: 100 }, (_, index) => client.tagsList(index % 2 === 0 ? 'a' : 'b')));
    expect(lists).toHaveLength(100);
    expect(tokens.map((request) => request.scopes).sort()).toEqual([['repository:a:pull'], ['repository:b:pull']]);
  });

  it('once challenged, fetches the token before a request for a new scope instead of meeting a 401', async () => {
    protectedPath('/v2/', (authorization) => authorization?.startsWith('Bearer ') ?? false, BEARER_CHALLENGE, {});
    protectedPath('/v2/_catalog?n=10', (authorization) => authorization === 'Bearer token-2', BEARER_CHALLENGE, { repositories: ['a'] });
    const tokens = tokenServer();
    const client = newClient();
    expect((await client.ping()).status).toBe(200);
    expect(await client.catalogPage({ n: 10 })).toEqual({ repositories: ['a'], nextLast: undefined });
    expect(tokens.map((request) => request.scopes)).toEqual([[], ['registry:catalog:*']]);
    expect(summary()).toEqual(['GET ping 401', 'GET token 200', 'GET ping 200', 'GET token 200', 'GET catalog 200']);
  });

  it('renews a cached token the registry no longer accepts', async () => {
    let accepted = 'Bearer token-1';
    protectedPath('/v2/a/tags/list', (authorization) => authorization === accepted, `${BEARER_CHALLENGE},error="invalid_token"`);
    const tokens = tokenServer();
    const client = newClient();
    expect(await client.tagsList('a')).toEqual(['1']);
    // The registry stops accepting token-1 before the token server said it would expire.
    accepted = 'Bearer token-2';
    events.length = 0;
    expect(await client.tagsList('a')).toEqual(['1']);
    expect(tokens).toHaveLength(2);
    expect(summary()).toEqual(['GET tags 401', 'GET token 200', 'GET tags 200']);
  });

  it('gives up when the fresh token is refused too', async () => {
    protectedPath('/v2/a/tags/list', () => false, `${BEARER_CHALLENGE},error="invalid_token"`);
    tokenServer();
    await expect(newClient().tagsList('a')).rejects.toMatchObject({
      kind: 'UNAUTHORIZED',
      message: expect.stringContaining('the registry did not accept the token from its token server'),
    });
    expect(summary()).toEqual(['GET tags 401', 'GET token 200', 'GET tags 401']);
  });

  it('adds what the challenge asks for to the derived scopes', async () => {
    protectedPath(
      '/v2/a/tags/list',
      (authorization) => authorization === 'Bearer token-1',
      `${BEARER_CHALLENGE},scope="repository:a:pull repository:shared:pull"`,
    );
    const tokens = tokenServer();
    await newClient().tagsList('a');
    expect(tokens[0]!.scopes).toEqual(['repository:a:pull', 'repository:shared:pull']);
  });

  it('is DENIED when a fresh token lacks the scope, without asking the token server again', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/v2/', method: 'GET' })
      .reply(401, {}, { headers: { 'www-authenticate': BEARER_CHALLENGE } });
    agent.get(ORIGIN).intercept({ path: '/v2/', method: 'GET' }).reply(200, {});
    protectedPath(
      `/v2/a/manifests/${BLOB_DIGEST}`,
      () => false,
      `${BEARER_CHALLENGE},scope="repository:a:delete",error="insufficient_scope"`,
    );
    const tokens = tokenServer();
    const client = newClient();
    await client.ping();
    const error = await rejection(client.manifestDelete('a', BLOB_DIGEST));
    expect(error).toMatchObject({ kind: 'DENIED', status: 401 });
    expect(error.message).toContain('the token server did not grant repository:a:delete to the configured user');
    expect(tokens.map((request) => request.scopes)).toEqual([[], ['repository:a:delete']]);
  });

  it('maps token server refusals: 401 is UNAUTHORIZED, 403 DENIED, and never shows the credentials', async () => {
    protectedPath('/v2/a/tags/list', () => false, BEARER_CHALLENGE);
    tokenServer((n) => (n === 1 ? { statusCode: 401, data: { details: 'bad login' } } : { statusCode: 403, data: {} }));
    const client = newClient();
    const unauthorized = await rejection(client.tagsList('a'));
    expect(unauthorized).toMatchObject({ kind: 'UNAUTHORIZED', status: 401 });
    expect(unauthorized.message).toMatch(
      /^token request with the credentials from the test failed: GET \/token\?service=REDACTED&scope=REDACTED: 401/,
    );
    await expect(client.tagsList('a')).rejects.toMatchObject({ kind: 'DENIED', status: 403 });
    for (const shown of [unauthorized.message, JSON.stringify(unauthorized), JSON.stringify(events)]) {
      expect(shown).not.toContain(PASSWORD);
      expect(shown).not.toContain(BASIC.slice('Basic '.length));
    }
  });

  it('refuses an answer without a token as a protocol error', async () => {
    protectedPath('/v2/a/tags/list', () => false, BEARER_CHALLENGE);
    tokenServer(() => ({ statusCode: 200, data: { expires_in: 300 } }));
    await expect(newClient().tagsList('a')).rejects.toMatchObject({
      kind: 'PROTOCOL',
      message: expect.stringContaining('without "token"'),
    });
  });

  it('does not send credentials to a plain-HTTP realm of an https registry', async () => {
    const origin = 'https://secure.test';
    agent
      .get(origin)
      .intercept({ path: '/v2/a/tags/list' })
      .reply(401, {}, { headers: { 'www-authenticate': BEARER_CHALLENGE } });
    const tokens = tokenServer();
    await expect(newClient({ url: origin }).tagsList('a')).rejects.toMatchObject({
      kind: 'PROTOCOL',
      message: expect.stringContaining('without TLS'),
    });
    expect(tokens).toEqual([]);
  });
});

describe('other origins', () => {
  it('a redirect to blob storage carries no Authorization', async () => {
    protectedPath('/v2/', (authorization) => authorization === BASIC, 'Basic realm="r"', {});
    agent
      .get(ORIGIN)
      .intercept({ path: `/v2/a/blobs/${BLOB_DIGEST}`, headers: { authorization: BASIC } })
      .reply(307, '', { headers: { location: `${STORAGE}/blob?signature=s3cr3t` } });
    agent
      .get(STORAGE)
      .intercept({ path: '/blob?signature=s3cr3t' })
      .reply(({ headers }) => ({ statusCode: headerOf(headers, 'authorization') === undefined ? 200 : 400, data: BLOB }));
    const client = newClient();
    await client.ping();
    expect(await client.blobGet('a', BLOB_DIGEST)).toEqual(BLOB);
    expect(events.at(-1)).toMatchObject({ kind: 'blob', status: 200, path: '/blob?signature=REDACTED' });
  });
});
