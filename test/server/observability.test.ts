/** What an operator sees: /metrics, the request id, and the log lines of operations and upstream failures. */
import { print } from 'graphql';
import pino from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parseConfig, type GatewayConfigInput } from '../../src/config/index.js';
import type { UpstreamRequestEvent } from '../../src/registry/types.js';
import { createGatewayApp } from '../../src/server/app.js';
import { DashboardDocument } from '../../src/client/index.js';

const registryUrl = inject('registryUrl');
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

function gatewayWith(overrides: Partial<GatewayConfigInput> = {}) {
  const lines: Array<Record<string, any>> = [];
  const upstream: UpstreamRequestEvent[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const app = createGatewayApp({
    config: parseConfig({ registries: [{ name: 'local', url: registryUrl }], ...overrides }),
    logger,
    onUpstreamRequest: (event) => upstream.push(event),
  });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    app.yoga.fetch('http://127.0.0.1/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  return { app, lines, upstream, post };
}

const sumOf = (text: string, metric: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`) || line.startsWith(`${metric} `))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);

describe('/metrics', () => {
  const gateway = gatewayWith();
  afterAll(() => gateway.app.close());

  it('counts every upstream request, labelled, and the operations, caches and process', async () => {
    expect((await gateway.post({ query: print(DashboardDocument), operationName: 'Dashboard' })).status).toBe(200);
    expect((await gateway.post({ query: print(DashboardDocument), operationName: 'Dashboard' })).status).toBe(200);
    const response = await gateway.app.yoga.fetch('http://127.0.0.1/metrics');
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(sumOf(text, 'regql_upstream_requests_total')).toBe(gateway.upstream.length);
    expect(text).toMatch(/regql_upstream_requests_total\{registry="local",kind="manifest",status="200"\} \d+/);
    expect(text).toMatch(/regql_upstream_request_duration_seconds_bucket\{le="0.005",registry="local",kind="tags"\} \d+/);
    expect(text).toMatch(/regql_upstream_in_flight\{registry="local"\} 0/);
    expect(text).toMatch(/regql_graphql_operations_total\{operation="Dashboard",outcome="ok"\} 2/);
    expect(text).toMatch(/regql_graphql_operation_duration_seconds_count\{operation="Dashboard"\} 2/);
    expect(sumOf(text, 'regql_cache_hits_total')).toBeGreaterThan(0);
    expect(sumOf(text, 'regql_cache_misses_total')).toBeGreaterThan(0);
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('answers only requests bearing server.metrics.token when one is set', async () => {
    const guarded = gatewayWith({ server: { metrics: { token: METRICS_TOKEN } } });
    try {
      expect((await guarded.app.yoga.fetch('http://127.0.0.1/metrics')).status).toBe(401);
      const allowed = await guarded.app.yoga.fetch('http://127.0.0.1/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).not.toContain(METRICS_TOKEN);
    } finally {
      await guarded.app.close();
    }
  });
});

describe('x-request-id and the log', () => {
  const gateway = gatewayWith();
  afterAll(() => gateway.app.close());

  it('takes a usable x-request-id, makes one otherwise, returns it, and logs one line per operation with it', async () => {
    const given = await gateway.post({ query: '{ registry { name } }' }, { 'x-request-id': 'trace-42.a' });
    expect(given.headers.get('x-request-id')).toBe('trace-42.a');
    const forged = await gateway.post({ query: 'query Named { registry { status { reachable } } }' }, { 'x-request-id': 'a\nb' });
    const made = forged.headers.get('x-request-id')!;
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    const operations = gateway.lines.filter((line) => line.msg === 'graphql operation');
    expect(operations).toEqual([
      expect.objectContaining({
        requestId: 'trace-42.a',
        operation: null,
        kind: 'query',
        upstreamCalls: 0,
        durationMs: expect.any(Number),
      }),
      expect.objectContaining({ requestId: made, operation: 'Named', kind: 'query', upstreamCalls: 1 }),
    ]);
  });

  it('logs the error codes of an operation, and each upstream failure', async () => {
    const down = gatewayWith({ registries: [{ name: 'down', url: 'http://127.0.0.1:9', retry: { attempts: 1 } }] });
    try {
      await down.post({ query: '{ registry { repositories { edges { cursor } } } }' });
      expect(down.lines.find((line) => line.msg === 'graphql operation')).toMatchObject({
        errorCodes: ['UPSTREAM_UNAVAILABLE'],
        upstreamCalls: 1,
      });
      expect(down.lines.find((line) => line.msg === 'upstream request failed')).toMatchObject({
        level: 40,
        upstream: { registry: 'down', kind: 'catalog', method: 'GET', path: expect.stringMatching(/^\/v2\/_catalog\b/), status: 0 },
      });
    } finally {
      await down.app.close();
    }
  });
});

describe('subscriptions with access.requireReadToken', () => {
  const READ_TOKEN = 'read-token-0123456789abcdef';
  const SECRET = 'notify-secret-0123456789abcdef';
  const gateway = gatewayWith({
    registries: [{ name: 'local', url: registryUrl, notifications: { token: SECRET } }],
    access: { tokens: [{ name: 'reader', scopes: ['read'], token: READ_TOKEN }], requireReadToken: true },
  });
  afterAll(() => gateway.app.close());

  const subscribe = (headers: Record<string, string>) =>
    gateway.post({ query: 'subscription { registryEvents { action tag } }' }, { accept: 'text/event-stream', ...headers });

  it('need the read scope', async () => {
    const refused = await (await subscribe({})).text();
    expect(refused).toContain('UNAUTHENTICATED');
    const allowed = await subscribe({ authorization: `Bearer ${READ_TOKEN}` });
    const reader = allowed.body!.getReader();
    while (gateway.app.events.subscriberCount === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const notified = await gateway.app.yoga.fetch('http://127.0.0.1/notifications/local', {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        events: [
          { id: 'n1', action: 'push', target: { repository: 'a/b', tag: 'v9', mediaType: 'application/vnd.oci.image.manifest.v1+json' } },
        ],
      }),
    });
    expect(notified.status).toBe(200);
    let text = '';
    while (!text.includes('v9')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('"action":"PUSH"');
    await reader.cancel();
  });
});
