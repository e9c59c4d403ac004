import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/index.js';
import { createGatewayApp, type GatewayApp } from './app.js';
import { serveGraphqlWs } from './websocket.js';

export interface RunningServer {
  /** http://HOST:PORT, the GraphQL endpoint being /graphql. */
  url: string;
  app: GatewayApp;
  /** Stops accepting connections, waits for requests in flight, then closes upstream pools. */
  close(): Promise<void>;
}

export async function startServer(options: {
  config: GatewayConfig;
  port?: number;
  host?: string;
  logger?: Logger;
}): Promise<RunningServer> {
  const { config, logger } = options;
  const app = createGatewayApp({ config, logger });
  const server = createServer(app.yoga);
  const stopWebSockets = serveGraphqlWs(server, app, config.server.maxRequestBytes);
  const host = options.host ?? config.server.host;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? config.server.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${urlHost}:${port}`,
    app,
    close: async () => {
      // Subscriptions would keep their connections open for ever: they end first.
      app.events.close();
      await stopWebSockets();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await app.close();
    },
  };
}
