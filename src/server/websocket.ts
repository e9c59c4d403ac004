/**
 * GraphQL over WebSocket (the graphql-ws protocol, what Apollo's GraphQLWsLink and urql use) at
 * the GraphQL endpoint of a listening server, executed by the same yoga app (its plugins, scope
 * checks and context) as GraphQL over HTTP. The bearer token comes in the connection's
 * `connectionParams.authorization` (browsers cannot set headers on a WebSocket) or in the
 * upgrade request's Authorization header.
 */
import type { Server } from 'node:http';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { isRecord } from '../util/isRecord.js';
import type { GatewayApp } from './app.js';

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
}

/** Serves graphql-ws on `server` at the app's GraphQL endpoint; the returned function stops it. */
export function serveGraphqlWs(server: Server, app: GatewayApp, maxMessageBytes: number): () => Promise<void> {
  const sockets = new WebSocketServer({ server, path: app.yoga.graphqlEndpoint, maxPayload: maxMessageBytes });
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args as ExecutionArgs) as never,
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args as ExecutionArgs) as never,
      onSubscribe: async (context, _id, params) => {
        const sent = isRecord(context.connectionParams) ? context.connectionParams.authorization : undefined;
        const authorization = typeof sent === 'string' ? sent : context.extra.request.headers.authorization;
        const request = new Request(new URL(app.yoga.graphqlEndpoint, 'http://websocket.invalid'), {
          method: 'POST',
          headers: authorization ? { authorization } : {},
        });
        const { schema, execute, subscribe, contextFactory, parse, validate } = app.yoga.getEnveloped({ request, params });
        let document: ReturnType<typeof parse>;
        try {
          document = parse(params.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError('the query does not parse')];
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        return {
          schema,
          document,
          operationName: params.operationName,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe } satisfies EnvelopedRoot,
        };
      },
    },
    sockets,
  );
  return async () => {
    await disposable.dispose();
    await new Promise<void>((resolve) => sockets.close(() => resolve()));
  };
}
