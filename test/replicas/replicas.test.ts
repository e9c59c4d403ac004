/**
 * Three gateway processes sharing Debian's redis-server, in front of one real registry that
 * sends its notifications to replica C only: what A read, B does not read again; an event posted
 * to C reaches a subscriber on A, once; Redis stopped in the middle leaves every answer intact,
 * and sharing resumes when it is back.
 */
import { print } from 'graphql';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSampleManifest } from '../../fixtures/content/oracles.js';
import { sampleContent } from '../../fixtures/content/sampleContent.js';
import { findFreePort } from '../../fixtures/ports.js';
import type { LocalRegistry } from '../../fixtures/registry/localRegistry.js';
import { DashboardDocument } from '../../src/client/index.js';
import { computeDigest } from '../../src/registry/digest.js';
import type { RegistryClient } from '../../src/registry/client.js';
import type { ImageManifestDocument } from '../../src/registry/types.js';
import { testClient } from '../support/client.js';
import { NOTIFICATION_SECRET } from '../support/notifyingRegistry.js';
import { type RedisServer, startRedisServer } from '../../fixtures/redis.js';
import { type StartedProcess, startGatewayProcess } from '../support/processes.js';
import { startSeededRegistry } from '../support/registry.js';
import { subscribeSse } from '../support/subscriptions.js';

const api = sampleContent().find(({ name }) => name === 'team/api')!;
const v1Document = findSampleManifest(api, 'v1')!.document as ImageManifestDocument;

let redis: RedisServer;
let registry: LocalRegistry;
let direct: RegistryClient;
let a: StartedProcess;
let b: StartedProcess;
let c: StartedProcess;

beforeAll(async () => {
  redis = await startRedisServer();
  const registryPort = await findFreePort();
  const config = {
    registries: [{ name: 'local', url: `http://127.0.0.1:${registryPort}`, notifications: { token: NOTIFICATION_SECRET } }],
    redis: { url: redis.url },
  };
  [a, b, c] = (await Promise.all([0, 1, 2].map(async () => startGatewayProcess(config, await findFreePort())))) as [
    StartedProcess,
    StartedProcess,
    StartedProcess,
  ];
  registry = await startSeededRegistry({
    port: registryPort,
    notifications: { url: `${c.url}/notifications/local`, headers: { Authorization: `Bearer ${NOTIFICATION_SECRET}` } },
  });
  direct = testClient(registry.url);
}, 120_000);

afterAll(async () => {
  await direct?.close();
  await Promise.all([a, b, c].map((gateway) => gateway?.stop()));
  await registry?.stop();
  await redis?.stop();
});

async function query(gateway: StartedProcess, source: string, variables: Record<string, unknown> = {}): Promise<any> {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: source, variables }),
  });
  return response.json();
}

/** regql_upstream_requests_total of the replica, summed by kind (manifest, blob, tags, ...). */
async function upstreamByKind(gateway: StartedProcess): Promise<Record<string, number>> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const [, kind, value] of text.matchAll(/^regql_upstream_requests_total\{[^}]*kind="([^"]+)"[^}]*\} (\d+)$/gm)) {
    counts[kind!] = (counts[kind!] ?? 0) + Number(value);
  }
  return counts;
}

function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).flatMap(([kind, count]) => (count - (before[kind] ?? 0) > 0 ? [[kind, count - (before[kind] ?? 0)]] : [])),
  );
}

async function metric(gateway: StartedProcess, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const DASHBOARD = print(DashboardDocument);

describe('three replicas sharing Redis', () => {
  it('the dashboard cold on A, then on B: B reads nothing A read (no manifest, config or tag list from the registry)', async () => {
    const beforeA = await upstreamByKind(a);
    const onA = await query(a, DASHBOARD);
    expect(onA.errors).toBeUndefined();
    const calledByA = delta(await upstreamByKind(a), beforeA);
    expect(calledByA.manifest).toBeGreaterThan(10);
    expect(calledByA.blob).toBeGreaterThan(0);

    const beforeB = await upstreamByKind(b);
    const onB = await query(b, DASHBOARD);
    expect(onB.data.registry.repositories).toEqual(onA.data.registry.repositories);
    const calledByB = delta(await upstreamByKind(b), beforeB);
    // Only what is not shared: the registry's ping and the catalog page.
    expect(calledByB).toEqual({ ping: 1, catalog: 1 });
  });

  it('an event posted to C reaches a subscriber on A once', async () => {
    const subscription = await subscribeSse<{ registryEvents: { action: string; tag: string | null } }>(
      a.url,
      'subscription { registryEvents(repository: "team/api") { action tag } }',
    );
    try {
      await eventually('the subscription is open', async () => (await metric(a, 'regql_redis_up')) === 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const source = await direct.manifestGet('team/api', 'v1');
      await direct.manifestPut('team/api', 'replicated', source.bytes, source.mediaType);
      const [event] = await subscription.next(1);
      expect(event).toEqual({ registryEvents: { action: 'PUSH', tag: 'replicated' } });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(subscription.received.filter(({ registryEvents }) => registryEvents.tag === 'replicated')).toHaveLength(1);
    } finally {
      await subscription.stop();
    }
    // C received it, A and B did not: they had it through Redis.
    expect(c.output.some((line) => line.includes('notification batch'))).toBe(true);
    expect(a.output.some((line) => line.includes('notification batch'))).toBe(false);
  });

  it('content in Redis that does not hash to its key is a miss: the replica reads the registry instead', async () => {
    const digest = findSampleManifest(api, 'v2')!.digest;
    const poisoner = new Redis(redis.url);
    await poisoner.set(
      `regql:v1:manifest:local:team/api:${digest}`,
      Buffer.from('application/vnd.oci.image.manifest.v1+json\u0000{"schemaVersion":2}'),
    );
    await poisoner.quit();
    // C has read nothing itself yet: without Redis's answer it must ask the registry.
    const beforeC = await upstreamByKind(c);
    const result = await query(c, `{ manifest(reference: "team/api@${digest}") { digest mediaType } }`);
    expect(result.data.manifest.digest).toBe(digest);
    expect(delta(await upstreamByKind(c), beforeC)).toEqual({ manifest: 1 });
  });

  it('Redis stopped: answers stay whole, a warning and the metric say so; back, sharing resumes', async () => {
    await redis.stop();
    await eventually('A notices', async () => (await metric(a, 'regql_redis_up')) === 0);
    const withoutRedis = await query(a, DASHBOARD);
    expect(withoutRedis.errors).toBeUndefined();
    expect(withoutRedis.data.registry.repositories.edges.length).toBeGreaterThan(0);
    expect(a.output.some((line) => line.includes('redis unavailable'))).toBe(true);

    redis = await startRedisServer(redis.port);
    await eventually(
      'A and B reconnect',
      async () => (await metric(a, 'regql_redis_up')) === 1 && (await metric(b, 'regql_redis_up')) === 1,
    );
    // New content (a manifest A has never seen): read on A, shared again, so B asks the registry nothing for it.
    const text = JSON.stringify({ ...v1Document, annotations: { 'org.example.replica': 'after the outage' } });
    const digest = computeDigest(Buffer.from(text));
    await direct.manifestPut('team/api', digest, Buffer.from(text), v1Document.mediaType!);
    const manifestQuery = `{ manifest(reference: "team/api@${digest}") { digest ... on ImageManifest { image { created } } } }`;
    expect((await query(a, manifestQuery)).data.manifest.digest).toBe(digest);
    const beforeB = await upstreamByKind(b);
    expect((await query(b, manifestQuery)).data.manifest.digest).toBe(digest);
    expect(delta(await upstreamByKind(b), beforeB)).toEqual({});
  });
});
