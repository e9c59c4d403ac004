import type { Plugin } from 'graphql-yoga';

/**
 * GraphQL over Server-Sent Events is served in graphql-sse's distinct connections mode (a POST
 * with `Accept: text/event-stream` per operation, on the GraphQL endpoint itself). Its single
 * connection mode is not: it reserves a stream with a PUT, opens it with a GET and sends each
 * operation with a POST, all three of which must reach the same process, so behind a load
 * balancer of several replicas it needs sticky routing, and each reservation is state held
 * until its stream closes. graphql-ws gives one connection for many operations without either.
 * The PUT is refused with a message that says so, not a bare 405.
 */
export function useSseSingleConnectionRefusal(graphqlEndpoint: string): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (request.method !== 'PUT' || url.pathname !== graphqlEndpoint) return;
      const message =
        "graphql-sse's single connection mode is not offered: use its distinct connections mode (singleConnection: false, the default) or graphql-ws";
      endResponse(
        Response.json({ errors: [{ message, extensions: { code: 'UNSUPPORTED' } }] }, { status: 405, headers: { allow: 'GET, POST' } }),
      );
    },
  };
}
