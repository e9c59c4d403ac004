/**
 * A proxy of the tests' own in front of a real registry, to interrupt a write at a chosen point
 * as a registry that dies would, or to slow one answer down: the registry does the work, the
 * proxy decides what the gateway sees of it. `down()` stops listening (connections are refused, as to a stopped registry),
 * `up()` listens again on the same port.
 */
import { createServer, request as forwardRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * forward: as is; dropAnswer: forward, let the registry act, then cut the connection without
 * answering; { delayMs }: forward the answer that much later (a slow registry).
 */
export type ProxyAction = 'forward' | 'dropAnswer' | { delayMs: number };

export interface SeenRequest {
  method: string;
  path: string;
  body: Buffer;
}

export interface FaultProxy {
  url: string;
  seen: SeenRequest[];
  /** Decides each request's fate; runs after the body is read. */
  decide: (request: SeenRequest) => ProxyAction;
  /** Called once the registry's answer to a request was forwarded (or dropped). */
  afterAnswer: (request: SeenRequest) => void;
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  let port = 0;
  let server: Server | undefined;

  const proxy: FaultProxy = {
    url: '',
    seen: [],
    decide: () => 'forward',
    afterAnswer: () => {},
    down: async () => {
      if (!server) return;
      const closing = server;
      server = undefined;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
    up: async () => {
      if (server) return;
      server = createServer((request, response) => void handle(request, response));
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', () => resolve()));
      port = (server.address() as AddressInfo).port;
      proxy.url = `http://127.0.0.1:${port}`;
    },
    stop: () => proxy.down(),
  };

  async function handle(request: IncomingMessage, response: import('node:http').ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const seen: SeenRequest = { method: request.method ?? 'GET', path: request.url ?? '/', body: Buffer.concat(chunks) };
    proxy.seen.push(seen);
    const action = proxy.decide(seen);
    const headers = { ...request.headers, host: upstream.host };
    const outgoing = forwardRequest(
      { host: upstream.hostname, port: upstream.port, method: seen.method, path: seen.path, headers },
      (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => body.push(chunk));
        answer.on('end', () => {
          const reply = () => {
            if (action === 'dropAnswer') request.socket.destroy();
            else {
              response.writeHead(answer.statusCode ?? 502, answer.headers);
              response.end(Buffer.concat(body));
            }
            proxy.afterAnswer(seen);
          };
          if (typeof action === 'object') setTimeout(reply, action.delayMs);
          else reply();
        });
      },
    );
    outgoing.on('error', () => request.socket.destroy());
    outgoing.end(seen.body);
  }

  await proxy.up();
  return proxy;
}
