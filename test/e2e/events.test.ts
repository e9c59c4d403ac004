/**
 * Debian's docker-registry (distribution 2.8) sending its notifications to a gateway under
 * test: events reach subscribers over SSE and WebSocket, the gateway's kept reads follow them,
 * and a repeated dashboard costs nothing upstream.
 */
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkImages } from '../../fixtures/content/sampleContent.js';
import type { LocalRegistry } from '../../fixtures/registry/localRegistry.js';
import type { RegistryClient } from '../../src/registry/client.js';
import type { RunningServer } from '../../src/server/listen.js';
import { DashboardDocument } from '../../src/client/index.js';
import { testClient } from '../support/client.js';
import { NOTIFICATION_SECRET, startGatewayWithNotifyingRegistry } from '../support/notifyingRegistry.js';
import { subscribeSse, subscribeWs, type Subscription } from '../support/subscriptions.js';

const REPOSITORY = 'live/app';
const SUBSCRIPTION = `subscription { registryEvents(repository: "${REPOSITORY}") { action registry repository tag digest mediaType } }`;

interface EventPayload {
  registryEvents: {
    action: string;
    registry: string;
    repository: string;
    tag: string | null;
    digest: string | null;
    mediaType: string | null;
  };
}

let registry: LocalRegistry;
let gateway: RunningServer;
let direct: RegistryClient;
const [image, second] = bulkImages(2).images;
const { blobs } = bulkImages(2);

beforeAll(async () => {
  ({ gateway, registry } = await startGatewayWithNotifyingRegistry());
  direct = testClient(registry.url);
  for (const blob of blobs) await direct.blobUpload(REPOSITORY, blob);
});

afterAll(async () => {
  await direct?.close();
  await gateway?.close();
  await registry?.stop();
});

/** The sum of regql_upstream_requests_total: the requests the registry received from the gateway. */
async function upstreamRequests(): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('regql_upstream_requests_total{'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function query<T = any>(source: string, variables?: Record<string, unknown>): Promise<{ data: T; errors?: unknown[] }> {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: source, variables }),
  });
  return (await response.json()) as { data: T; errors?: unknown[] };
}

const tagsOf = async () =>
  (await query<any>(`{ repository(name: "${REPOSITORY}") { tags { edges { node { name digest } } } } }`)).data.repository?.tags.edges.map(
    ({ node }: any) => `${node.name} ${node.digest}`,
  ) ?? null;

describe('registry events', () => {
  let sse: Subscription<EventPayload>;
  let ws: Subscription<EventPayload>;

  beforeAll(async () => {
    sse = await subscribeSse<EventPayload>(gateway.url, SUBSCRIPTION);
    ws = subscribeWs<EventPayload>(gateway.url, SUBSCRIPTION);
    // graphql-ws subscribes asynchronously: wait until the bus has both subscribers.
    for (let waited = 0; gateway.app.events.subscriberCount < 2 && waited < 5000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  afterAll(async () => {
    await sse?.stop();
    await ws?.stop();
  });

  it('deliver a push made straight to the registry to SSE and WebSocket subscribers, and the next query sees it', async () => {
    expect(await tagsOf()).toBeNull();
    await direct.manifestPut(REPOSITORY, 'v1', image!.bytes, image!.mediaType);
    const expected = {
      action: 'PUSH',
      registry: 'local',
      repository: REPOSITORY,
      tag: 'v1',
      digest: image!.digest,
      mediaType: image!.mediaType,
    };
    expect((await sse.next(1))[0]!.registryEvents).toEqual(expected);
    expect((await ws.next(1))[0]!.registryEvents).toEqual(expected);
    expect(await tagsOf()).toEqual([`v1 ${image!.digest}`]);
  });

  it('answer a repeated dashboard with no upstream call, and show a push in the first query after its event', async () => {
    const dashboard = print(DashboardDocument);
    expect((await query(dashboard)).errors).toBeUndefined();
    const before = await upstreamRequests();
    const repeated = await query(dashboard);
    expect(repeated.errors).toBeUndefined();
    expect(await upstreamRequests()).toBe(before);

    await direct.manifestPut(REPOSITORY, 'v2', second!.bytes, second!.mediaType);
    expect((await sse.next(2))[1]!.registryEvents).toMatchObject({ action: 'PUSH', tag: 'v2' });
    expect(await tagsOf()).toEqual([`v1 ${image!.digest}`, `v2 ${second!.digest}`]);
  });

  it('deliver a delete by digest as DELETE events, the digest and each removed tag as the registry reports them', async () => {
    await direct.manifestDelete(REPOSITORY, image!.digest);
    const deletes = (await sse.next(4)).slice(2).map(({ registryEvents }) => registryEvents);
    const common = { action: 'DELETE', registry: 'local', repository: REPOSITORY, mediaType: null };
    expect(deletes).toEqual(
      expect.arrayContaining([
        { ...common, tag: null, digest: image!.digest },
        { ...common, tag: 'v1', digest: null },
      ]),
    );
    expect(deletes).toHaveLength(2);
    expect((await ws.next(4)).slice(2).map(({ registryEvents }) => registryEvents)).toEqual(deletes);
    expect(await tagsOf()).toEqual([`v2 ${second!.digest}`]);
  });
});

describe('POST /notifications/<registry>', () => {
  const post = (
    path: string,
    body: unknown,
    authorization = `Bearer ${NOTIFICATION_SECRET}`,
    contentType = 'application/vnd.docker.distribution.events.v1+json',
  ) =>
    fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType, authorization },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const envelope = {
    events: [
      {
        id: 'e-1',
        action: 'push',
        timestamp: new Date().toISOString(),
        target: { repository: 'x/y', tag: 't', digest: image!.digest, mediaType: image!.mediaType },
      },
    ],
  };

  const eventsReceived = async () =>
    (await (await fetch(`${gateway.url}/metrics`)).text())
      .split('\n')
      .filter((line) => line.startsWith('regql_events_received_total{'))
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);

  it('refuses a wrong secret (401), an unknown registry (404) and what is not an envelope (400), processing nothing', async () => {
    const before = await eventsReceived();
    expect((await post('/notifications/local', envelope, 'Bearer not-the-secret-at-all-000')).status).toBe(401);
    expect((await post('/notifications/local', envelope, '')).status).toBe(401);
    expect((await post('/notifications/elsewhere', envelope)).status).toBe(404);
    expect((await post('/notifications/local', '{"events": [{"action": "push"}]}')).status).toBe(400);
    expect((await post('/notifications/local', 'not json')).status).toBe(400);
    expect(await eventsReceived()).toBe(before);
  });

  it('processes a redelivered event once', async () => {
    const first = await (await post('/notifications/local', envelope)).json();
    const again = await (await post('/notifications/local', envelope)).json();
    expect(first).toEqual({ accepted: 1, ignored: 0, duplicates: 0 });
    expect(again).toEqual({ accepted: 0, ignored: 0, duplicates: 1 });
  });

  it("takes distribution 3's v2 envelopes and refuses other media types (415)", async () => {
    const v2 = { events: [{ ...envelope.events[0]!, id: 'e-v2', target: { ...envelope.events[0]!.target, tag: 'from-v3' } }] };
    const before = await eventsReceived();
    const refused = await post('/notifications/local', v2, undefined, 'text/plain');
    expect(refused.status).toBe(415);
    expect(await eventsReceived()).toBe(before);
    const accepted = await post('/notifications/local', v2, undefined, 'application/vnd.docker.distribution.events.v2+json');
    expect(await accepted.json()).toEqual({ accepted: 1, ignored: 0, duplicates: 0 });
    expect(await eventsReceived()).toBe(before + 1);
  });
});
