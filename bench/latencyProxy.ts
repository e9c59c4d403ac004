/**
 * Makes a local registry behave like a remote one: every request waits a fixed time before it
 * is forwarded, as a network round trip would. Counts requests by kind and the most in flight
 * at once, which is what a remote registry feels of a client.
 */
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyCounts {
  /** Requests by "METHOD kind", e.g. "GET manifest by tag". */
  byKind: Record<string, number>;
  total: number;
  peakInFlight: number;
}

/** What the proxy does with a request: forward it, answer 503 itself, or hold it without ever answering. */
export type ProxyFault = 'forward' | 'unavailable' | 'stall';

export interface LatencyProxy {
  url: string;
  /** The counts since the previous call, which starts counting afresh. */
  takeCounts(): ProxyCounts;
  /** Decides each later request's fate from its kind, its number (from 1, over the proxy's life) and its path. */
  setFault(fault: (kind: string, sequence: number, path: string) => ProxyFault): void;
  close(): Promise<void>;
}

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** The kind of a registry request, from its path. */
export function requestKind(method: string, path: string): string {
  const pathname = decodeURIComponent(path.split('?')[0]!);
  let kind: string;
  if (/^\/v2\/?$/.test(pathname)) kind = 'ping';
  else if (pathname === '/v2/_catalog') kind = 'catalog';
  else if (/^\/v2\/.+\/tags\/list$/.test(pathname)) kind = 'tags';
  else if (/^\/v2\/.+\/manifests\/[^/]+$/.test(pathname))
    kind = DIGEST.test(pathname.split('/').at(-1)!) ? 'manifest by digest' : 'manifest by tag';
  else if (/^\/v2\/.+\/blobs\/[^/]+$/.test(pathname)) kind = 'blob';
  else kind = 'other';
  return `${method} ${kind}`;
}

export async function startLatencyProxy(target: string, latencyMs: number): Promise<LatencyProxy> {
  const upstream = new URL(target);
  // Keep-alive without a cap: the proxy must never be what limits concurrency.
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  let counts: Record<string, number> = {};
  let total = 0;
  let inFlight = 0;
  let peakInFlight = 0;
  let sequence = 0;
  let fault: (kind: string, sequence: number, path: string) => ProxyFault = () => 'forward';

  const forward = (incoming: IncomingMessage, response: ServerResponse) => {
    const outgoing = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
        agent,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    outgoing.on('error', (error) => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`proxy: ${error.message}`);
    });
    incoming.pipe(outgoing);
  };

  const server: Server = createServer((incoming, response) => {
    const kind = requestKind(incoming.method ?? 'GET', incoming.url ?? '/');
    counts[kind] = (counts[kind] ?? 0) + 1;
    total++;
    inFlight++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    response.on('close', () => inFlight--);
    const fate = fault(kind, ++sequence, incoming.url ?? '/');
    if (fate === 'stall') return;
    setTimeout(() => {
      if (fate === 'forward') forward(incoming, response);
      else
        response
          .writeHead(503, { 'content-type': 'application/json' })
          .end('{"errors":[{"code":"UNAVAILABLE","message":"proxy: not now"}]}');
    }, latencyMs);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    takeCounts() {
      const taken = { byKind: counts, total, peakInFlight };
      counts = {};
      total = 0;
      peakInFlight = inFlight;
      return taken;
    },
    setFault(next) {
      fault = next;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      agent.destroy();
    },
  };
}
