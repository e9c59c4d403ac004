/**
 * GraphQL over WebSocket (the graphql-ws protocol, what Apollo's GraphQLWsLink and urql use) at
 * the GraphQL endpoint of a listening server, executed by the same yoga app (its plugins, scope
 * checks and context) as GraphQL over HTTP. The bearer token comes in the connection's
 * `connectionParams.authorization` (browsers cannot set headers on a WebSocket) or in the
 * upgrade request's Authorization header.
 */
import type { Server } from 'node:http';
import type { ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { isRecord } from '../util/isRecord.js';
import type { GatewayApp } from './app.js';
import { executeEnveloped, prepareOperation, subscribeEnveloped } from './enveloped.js';

/** Serves graphql-ws on `server` at the app's GraphQL endpoint; the returned function stops it. */
export function serveGraphqlWs(server: Server, app: GatewayApp, maxMessageBytes: number): () => Promise<void> {
  const sockets = new WebSocketServer({ server, path: app.yoga.graphqlEndpoint, maxPayload: maxMessageBytes });
  const disposable = useServer(
    {
      execute: (args) => executeEnveloped(args as ExecutionArgs) as never,
      subscribe: (args) => subscribeEnveloped(args as ExecutionArgs) as never,
      onSubscribe: async (context, _id, params) => {
        const sent = isRecord(context.connectionParams) ? context.connectionParams.authorization : undefined;
        const authorization = typeof sent === 'string' ? sent : context.extra.request.headers.authorization;
        const request = new Request(new URL(app.yoga.graphqlEndpoint, 'http://websocket.invalid'), {
          method: 'POST',
          headers: authorization ? { authorization } : {},
        });
        return prepareOperation(app, request, params);
      },
    },
    sockets,
  );
  return async () => {
    await disposable.dispose();
    await new Promise<void>((resolve) => sockets.close(() => resolve()));
  };
}
