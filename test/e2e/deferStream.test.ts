/**
 * @defer and @stream: the parts of an answer that are known go out while a slow manifest is still
 * on its way, against the real registry behind a proxy that holds back one manifest's answer.
 */
import pino from 'pino';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { findSampleManifest } from '../../fixtures/content/oracles.js';
import { sampleContent } from '../../fixtures/content/sampleContent.js';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy.js';
import { createTestGateway, type TestGateway } from '../support/gateway.js';

const SLOW_MS = 1500;
const app = sampleContent().find(({ name }) => name === 'team/app')!;
/** The amd64 image of 2.0.0: an index child, fetched by digest for totalSize. */
const slowDigest = (findSampleManifest(app, '2.0.0')!.document as { manifests: Array<{ digest: string }> }).manifests[0]!.digest;

let proxy: FaultProxy;
let gateway: TestGateway;
/** Parts at most one per 3 s: longer than the slow manifest takes. */
let pacedGateway: TestGateway;
/** What the gateway logs. */
const logLines: Array<Record<string, any>> = [];
/** Whether the proxy has let the slow manifest's answer through yet. */
let slowAnswered = false;

beforeAll(async () => {
  proxy = await startFaultProxy(inject('registryUrl'));
  proxy.decide = ({ method, path }) => (method === 'GET' && path.endsWith(`/manifests/${slowDigest}`) ? { delayMs: SLOW_MS } : 'forward');
  proxy.afterAnswer = ({ path }) => {
    if (path.endsWith(`/manifests/${slowDigest}`)) slowAnswered = true;
  };
  gateway = createTestGateway({
    registryUrl: proxy.url,
    logger: pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line)) }),
  });
  pacedGateway = createTestGateway({ registryUrl: proxy.url, config: { server: { incrementalPartIntervalMs: 3000 } } });
});
afterAll(async () => {
  await gateway?.close();
  await pacedGateway?.close();
  await proxy?.stop();
});

/** The parts of a multipart/mixed answer, each with whether the slow manifest had been answered when it arrived. */
async function parts(query: string, from = gateway): Promise<Array<{ afterSlow: boolean; body: any }>> {
  slowAnswered = false;
  const response = await from.app.yoga.fetch('http://127.0.0.1/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
    body: JSON.stringify({ query }),
  });
  expect(response.headers.get('content-type')).toMatch(/^multipart\/mixed/);
  const received: Array<{ afterSlow: boolean; body: any }> = [];
  let buffered = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += Buffer.from(chunk).toString('utf8');
    for (let end = buffered.indexOf('\r\n---'); end >= 0; end = buffered.indexOf('\r\n---')) {
      const part = buffered.slice(0, end);
      buffered = buffered.slice(end + 5);
      const json = part.slice(part.indexOf('{'));
      if (json.startsWith('{')) received.push({ afterSlow: slowAnswered, body: JSON.parse(json) });
    }
  }
  return received;
}

it('the tags go out at once; the deferred sizes follow, the slow one last', async () => {
  const received = await parts(
    `{ repository(name: "team/app") { tags(first: 10) { edges { node { name manifest { digest ... @defer { totalSize } } } } } } }`,
  );
  const [first, ...rest] = received;
  expect(first!.body.data.repository.tags.edges.map(({ node }: any) => node.name)).toContain('2.0.0');
  expect(first!.afterSlow).toBe(false);
  const sizes = rest.flatMap(({ body }) => body.incremental ?? []);
  expect(sizes.length).toBe(first!.body.data.repository.tags.edges.length);
  expect(rest.at(-1)!.afterSlow).toBe(true);
  expect(rest.at(-1)!.body.hasNext).toBe(false);
});

it('a part carries every fragment completed since the one before, parts at most one per server.incrementalPartIntervalMs', async () => {
  const query = `{ repository(name: "team/app") { tags(first: 10) { edges { node { name manifest { digest ... @defer { totalSize } } } } } } }`;
  const [first, ...rest] = await parts(query, pacedGateway);
  expect(first!.afterSlow).toBe(false);
  // Asked for 3 s after the first, the second part has them all, the slow one included.
  expect(rest).toHaveLength(1);
  expect(rest[0]!.body.hasNext).toBe(false);
  expect(rest[0]!.body.incremental.map(({ data }: any) => typeof data.totalSize)).toEqual(
    first!.body.data.repository.tags.edges.map(() => 'number'),
  );
});

it('an answer in parts is accounted for when it ends: its cost in the last part, its log line and its metrics', async () => {
  gateway.takeUpstream();
  const received = await parts(
    `query DeferredSizes { repository(name: "team/app") { tags(first: 10) { edges { node { name manifest { digest ... @defer { totalSize } } } } } } }`,
  );
  const made = gateway.takeUpstream().length;
  expect(made).toBeGreaterThan(0);
  expect(received.slice(0, -1).map(({ body }) => body.extensions?.cost)).toEqual(received.slice(0, -1).map(() => undefined));
  expect(received.at(-1)!.body.extensions.cost).toEqual({ estimated: expect.any(Number), actual: made, budget: 100_000 });
  const logged = logLines.filter((line) => line.msg === 'graphql operation' && line.operation === 'DeferredSizes');
  expect(logged).toEqual([expect.objectContaining({ kind: 'query', upstreamCalls: made })]);
  const metrics = await (await gateway.app.yoga.fetch('http://127.0.0.1/metrics')).text();
  expect(metrics).toMatch(/regql_graphql_operations_total\{operation="DeferredSizes",outcome="ok"\} 1/);
});

it('an answer in parts that the client leaves is logged and counted as incomplete, once', async () => {
  // A gateway of its own, whose cache does not hold the slow manifest yet: the answer cannot end before the client leaves.
  const lines: Array<Record<string, any>> = [];
  const leaving = createTestGateway({
    registryUrl: proxy.url,
    logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) }),
  });
  try {
    slowAnswered = false;
    const response = await leaving.app.yoga.fetch('http://127.0.0.1/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
      body: JSON.stringify({
        query: `query LeftEarly { repository(name: "team/app") { tags(first: 10) { edges { node { name manifest { ... @defer { totalSize } } } } } } }`,
      }),
    });
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    await expect
      .poll(() => lines.filter((line) => line.msg === 'graphql operation'))
      .toEqual([expect.objectContaining({ operation: 'LeftEarly', incomplete: true })]);
    expect(slowAnswered).toBe(false);
    const metrics = await (await leaving.app.yoga.fetch('http://127.0.0.1/metrics')).text();
    expect(metrics).toMatch(/regql_graphql_operations_total\{operation="LeftEarly",outcome="partial"\} 1/);
  } finally {
    await leaving.close();
  }
});

it('@stream sends the tags one by one after the first', async () => {
  const received = await parts(`{ repository(name: "team/app") { tags(first: 3) { edges @stream(initialCount: 1) { node { name } } } } }`);
  expect(received[0]!.body.data.repository.tags.edges).toHaveLength(1);
  expect(
    received
      .slice(1)
      .flatMap(({ body }) => body.incremental ?? [])
      .map(({ items }: any) => items[0].node.name),
  ).toHaveLength(2);
});

it('a client that takes only application/json gets @defer and @stream ignored: the answer without them, in one part', async () => {
  // A list asked for outside and inside a deferred fragment: the answer has each tag once, with both fields.
  const deferred = `query Ignored {
    repository(name: "team/app") {
      tags(first: 10) { edges { node { name manifest { digest ... @defer { totalSize } } } } }
      ... @defer { tags(first: 10) { edges { node { digest } } } }
      streamed: tags(first: 3) { edges @stream(initialCount: 1) { node { name } } }
    }
  }`;
  const plain = `{
    repository(name: "team/app") {
      tags(first: 10) { edges { node { name manifest { digest totalSize } } } }
      ... { tags(first: 10) { edges { node { digest } } } }
      streamed: tags(first: 3) { edges { node { name } } }
    }
  }`;
  const ask = (query: string) =>
    gateway.app.yoga.fetch('http://127.0.0.1/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query }),
    });
  logLines.length = 0;
  gateway.takeUpstream();
  const response = await ask(deferred);
  const made = gateway.takeUpstream().length;
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const whole = await response.json();
  expect(whole.hasNext).toBeUndefined();
  expect(whole.errors).toBeUndefined();
  expect(whole.extensions.cost).toEqual({ estimated: expect.any(Number), actual: made, budget: 100_000 });
  const expected = (await (await ask(plain)).json()).data;
  expect(expected.repository.tags.edges.length).toBeGreaterThan(1);
  expect(whole.data).toEqual(expected);
  expect(logLines.filter((line) => line.operation === 'Ignored')).toEqual([expect.not.objectContaining({ incomplete: expect.anything() })]);
});

it('a subscription sent by a client that takes only application/json is refused (406) and leaves no subscriber behind', async () => {
  const response = await gateway.app.yoga.fetch('http://127.0.0.1/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: 'subscription { registryEvents { action tag } }' }),
  });
  expect(response.status).toBe(406);
  expect(response.headers.get('accept')).toMatch(/text\/event-stream/);
  expect(gateway.app.events.subscriberCount).toBe(0);
});
