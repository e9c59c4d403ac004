/**
 * The gateway against a real registry (distribution 2.8) with `auth: token`, trusting a token
 * server of the test's own that grants each user only what it may do: admin everything, reader
 * pull and the catalog.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { sampleContent } from '../../fixtures/content/sampleContent.js';
import { computeDigest } from '../../src/registry/digest.js';
import { MediaType } from '../../src/registry/mediaTypes.js';
import type { RegistryClient } from '../../src/registry/client.js';
import type { UpstreamRequestEvent } from '../../src/registry/types.js';
import { registryErrorCode } from '../../src/model/errors.js';
import { DashboardDocument } from '../../src/client/index.js';
import { type TokenAuthRegistry, authClient, startTokenAuthRegistry } from '../support/authRegistry.js';
import { capturedLogs, dashboardWithoutLatency, queryApp } from '../support/authGateway.js';
import { countByKind, createTestGateway } from '../support/gateway.js';
import { parseConfig } from '../../src/config/index.js';
import type { TokenRequestRecord } from '../support/tokenServer.js';

const ADMIN = { username: 'admin', password: 'admin-pw-51c0e' };
const READER = { username: 'reader', password: 'reader-pw-0d9a4' };
/** May pull, but not read the catalog, like a user of GHCR or Docker Hub. */
const PULLER = { username: 'puller', password: 'puller-pw-e31f8' };

let auth: TokenAuthRegistry;
let url: string;
let clients: RegistryClient[] = [];

beforeAll(async () => {
  auth = await startTokenAuthRegistry(
    {
      service: 'regql-test-registry',
      users: {
        admin: { password: ADMIN.password, grant: (access) => access.actions },
        reader: {
          password: READER.password,
          grant: (access) => (access.type === 'registry' ? access.actions : access.actions.filter((action) => action === 'pull')),
        },
        puller: {
          password: PULLER.password,
          grant: (access) => (access.type === 'repository' ? access.actions.filter((action) => action === 'pull') : []),
        },
      },
    },
    ADMIN,
  );
  url = auth.registry.url;
});
afterAll(() => auth?.stop());

beforeEach(() => {
  auth.tokenServer.setExpiresIn(300);
  auth.tokenServer.issueExpired(0);
  return async () => {
    await Promise.all(clients.map((client) => client.close()));
    clients = [];
  };
});

/** A client logging in as login, its upstream requests recorded into events. */
function clientAs(login: { username: string; password: string }, events: UpstreamRequestEvent[] = []): RegistryClient {
  const client = authClient(url, { ...login, onRequest: (event) => events.push(event) });
  clients.push(client);
  return client;
}

/** Token requests made from now on. */
function tokenRequestsSince(): () => TokenRequestRecord[] {
  const start = auth.tokenServer.requests.length;
  return () => auth.tokenServer.requests.slice(start);
}

function gatewayAs(login: { username: string; password: string }) {
  return createTestGateway({ registryUrl: url, config: { registries: [{ name: 'local', url, auth: login }] } });
}

describe('a registry with token login', () => {
  it('answers the dashboard query as a registry without login does, asking for each token once', async () => {
    const reference = createTestGateway({ registryUrl: inject('registryUrl') });
    const gateway = gatewayAs(READER);
    const tokenRequests = tokenRequestsSince();
    try {
      const expected = await reference.execute(DashboardDocument, { repositories: 100, tags: 100 });
      const first = await gateway.execute(DashboardDocument, { repositories: 100, tags: 100 });
      expect(first.errors).toBeUndefined();
      expect(dashboardWithoutLatency(first)).toEqual(dashboardWithoutLatency(expected));

      // One token per scope: /v2/ (none), the catalog, and each repository's pull.
      const repositories = first.data!.registry.repositories!.edges.map(({ node }) => node.name);
      const scopes = tokenRequests().map((request) => request.scopes.join(' '));
      expect(scopes.sort()).toEqual(['', 'registry:catalog:*', ...repositories.map((name) => `repository:${name}:pull`)].sort());
      expect(tokenRequests().every((request) => request.user === 'reader' && request.status === 200)).toBe(true);
      expect(countByKind(gateway.takeUpstream())['GET token']).toBe(scopes.length);

      // The tokens are reused by the next query: no token request, no 401.
      const again = await gateway.execute(DashboardDocument, { repositories: 100, tags: 100 });
      expect(again.errors).toBeUndefined();
      const upstream = gateway.takeUpstream();
      expect(countByKind(upstream)['GET token']).toBeUndefined();
      expect(upstream.filter((event) => event.status === 401)).toEqual([]);
      expect(tokenRequests()).toHaveLength(scopes.length);

      const { data } = await gateway.query('{ registry { status { reachable authenticated error errorCode } } }');
      expect(data.registry.status).toEqual({ reachable: true, authenticated: true, error: null, errorCode: null });
    } finally {
      await Promise.all([reference.close(), gateway.close()]);
    }
  });

  it('keeps issued tokens out of answers and logs', async () => {
    const logs = capturedLogs();
    const tokenRequests = tokenRequestsSince();
    const config = parseConfig({ registries: [{ name: 'local', url, auth: READER }] });
    const response = await queryApp(
      config,
      '{ registry { repositories(first: 2) { edges { node { name tags(first: 1) { edges { node { digest } } } } } } } }',
      logs.logger,
    );
    expect(response.errors).toBeUndefined();
    const issued = tokenRequests().map((request) => request.token!);
    expect(issued.length).toBeGreaterThan(0);
    for (const token of issued) {
      expect(JSON.stringify(response)).not.toContain(token);
      expect(logs.text()).not.toContain(token);
    }
  });

  it('asks for one token when 100 requests need it at the same moment', async () => {
    const tokenRequests = tokenRequestsSince();
    const client = clientAs(READER);
    const heads = await Promise.all(Array.from({ length: 100 }, () => client.manifestHead('library/alpine', '3.19')));
    expect(new Set(heads.map((head) => head.digest)).size).toBe(1);
    expect(tokenRequests().map((request) => request.scopes)).toEqual([['repository:library/alpine:pull']]);
  });

  it('bad credentials: UPSTREAM_UNAUTHORIZED in the status and on queries; no token or password in answers or logs', async () => {
    const logs = capturedLogs();
    const wrong = { username: 'reader', password: 'not-the-password-42' };
    const config = parseConfig({ registries: [{ name: 'local', url, auth: wrong }] });
    const response = await queryApp(
      config,
      '{ registry { status { authenticated errorCode error } repositories(first: 2) { edges { node { name } } } } }',
      logs.logger,
    );
    expect(response.data.registry.status).toMatchObject({ authenticated: false, errorCode: 'UPSTREAM_UNAUTHORIZED' });
    expect(response.data.registry.status.error).toMatch(
      /^token request with the credentials from the configuration failed: GET \/token\?service=REDACTED: 401 UNAUTHORIZED invalid username or password$/,
    );
    expect(response.errors).toMatchObject([{ extensions: { code: 'UPSTREAM_UNAUTHORIZED' }, path: ['registry', 'repositories'] }]);
    for (const shown of [JSON.stringify(response), logs.text()]) {
      expect(shown).not.toContain(wrong.password);
      expect(shown).not.toContain(Buffer.from(`reader:${wrong.password}`).toString('base64'));
    }
  });

  it('a user without delete rights gets UPSTREAM_DENIED on delete; one who has them deletes', async () => {
    const admin = clientAs(ADMIN);
    const { digest } = await pushSmallImage(admin, 'scratch/deletable', 'v1');

    const readerEvents: UpstreamRequestEvent[] = [];
    const reader = clientAs(READER, readerEvents);
    const tokenRequests = tokenRequestsSince();
    const refused = await reader.manifestDelete('scratch/deletable', digest).then(
      () => undefined,
      (error: unknown) => error as Error & { kind: 'DENIED' },
    );
    expect(refused).toMatchObject({ kind: 'DENIED', status: 401 });
    expect(registryErrorCode(refused!.kind)).toBe('UPSTREAM_DENIED');
    expect(refused!.message).toContain('the token server did not grant repository:scratch/deletable:delete to the configured user');
    expect(tokenRequests().map((request) => request.scopes)).toEqual([['repository:scratch/deletable:delete']]);
    expect((await reader.manifestHead('scratch/deletable', 'v1')).digest).toBe(digest);

    await admin.manifestDelete('scratch/deletable', digest);
    await expect(reader.manifestHead('scratch/deletable', 'v1')).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });

  it('writes and cross-repository mounts get the scopes they need up front, once the registry has challenged', async () => {
    const events: UpstreamRequestEvent[] = [];
    const admin = clientAs(ADMIN, events);
    await admin.ping();
    const tokenRequests = tokenRequestsSince();
    events.length = 0;
    const { configDigest } = await pushSmallImage(admin, 'scratch/source', 'v1');
    expect(await admin.blobMount('scratch/target', configDigest, 'scratch/source')).toEqual({ mounted: true });
    expect(events.filter((event) => event.status === 401)).toEqual([]);
    expect(tokenRequests().map((request) => request.scopes.sort())).toEqual([
      ['repository:scratch/source:pull,push'],
      ['repository:scratch/source:pull', 'repository:scratch/target:pull,push'],
    ]);
  });

  it('without catalog rights: UPSTREAM_DENIED for the catalog, and a configured repository list instead', async () => {
    const denied = gatewayAs(PULLER);
    const listed = createTestGateway({
      registryUrl: url,
      config: { registries: [{ name: 'local', url, auth: PULLER, repositories: ['team/app', 'library/alpine', 'charts/web'] }] },
    });
    const query = `query ($after: String, $prefix: String) {
      registry {
        status { authenticated errorCode }
        repositories(first: 2, after: $after, prefix: $prefix) { edges { node { name tagCount } } pageInfo { hasNextPage endCursor } }
      }
    }`;
    try {
      const refused = await denied.query(query);
      expect(refused.data.registry.status).toEqual({ authenticated: true, errorCode: null });
      expect(refused.errors).toMatchObject([{ extensions: { code: 'UPSTREAM_DENIED' }, path: ['registry', 'repositories'] }]);
      expect(refused.errors![0]!.message).toContain('did not grant registry:catalog:*');

      const first = await listed.query(query);
      expect(first.errors).toBeUndefined();
      const names = (result: typeof first) => result.data.registry.repositories.edges.map(({ node }: any) => [node.name, node.tagCount]);
      const tagCount = (name: string) =>
        sampleContent()
          .find((repository) => repository.name === name)!
          .manifests.flatMap((m) => m.tags).length;
      expect(names(first)).toEqual([
        ['charts/web', tagCount('charts/web')],
        ['library/alpine', tagCount('library/alpine')],
      ]);
      expect(first.data.registry.repositories.pageInfo.hasNextPage).toBe(true);
      const second = await listed.query(query, { after: first.data.registry.repositories.pageInfo.endCursor });
      expect(names(second)).toEqual([['team/app', tagCount('team/app')]]);
      expect(second.data.registry.repositories.pageInfo.hasNextPage).toBe(false);
      const prefixed = await listed.query(query, { prefix: 'team/' });
      expect(names(prefixed)).toEqual([['team/app', tagCount('team/app')]]);
      expect(countByKind(listed.takeUpstream())['GET catalog']).toBeUndefined();
    } finally {
      await Promise.all([denied.close(), listed.close()]);
    }
  });

  it('renews a token once its expires_in has passed', async () => {
    auth.tokenServer.setExpiresIn(1);
    const tokenRequests = tokenRequestsSince();
    const client = clientAs(READER);
    expect(await client.tagsList('team/app')).toContain('1.0.0');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await client.tagsList('team/app')).toContain('1.0.0');
    expect(tokenRequests().map((request) => request.scopes)).toEqual([['repository:team/app:pull'], ['repository:team/app:pull']]);
  });

  it('renews a token the registry finds expired before expires_in said', async () => {
    const events: UpstreamRequestEvent[] = [];
    const client = clientAs(READER, events);
    await client.ping();
    auth.tokenServer.issueExpired(1);
    const tokenRequests = tokenRequestsSince();
    events.length = 0;
    expect(await client.tagsList('team/api')).toContain('latest');
    expect(tokenRequests().map((request) => request.scopes)).toEqual([['repository:team/api:pull'], ['repository:team/api:pull']]);
    expect(events.map((event) => `${event.method} ${event.kind} ${event.status}`)).toEqual([
      'GET token 200',
      'GET tags 401',
      'GET token 200',
      'GET tags 200',
    ]);
  });
});

/** Pushes a one-config, no-layer image: the smallest manifest the registry accepts. */
async function pushSmallImage(client: RegistryClient, repository: string, tag: string): Promise<{ digest: string; configDigest: string }> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const configDigest = await client.blobUpload(repository, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: configDigest, size: config.length },
      layers: [],
    }),
  );
  const digest = await client.manifestPut(repository, tag, manifest, MediaType.ociManifest);
  expect(digest).toBe(computeDigest(manifest));
  return { digest, configDigest };
}
