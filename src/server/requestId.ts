import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';

/** An id a caller may set itself: what load balancers and tracing send, nothing that could forge a log line. */
const CALLER_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const ids = new WeakMap<Request, string>();

/**
 * `x-request-id`: taken from the request when it has a usable one (a proxy's, a client's), made
 * otherwise, returned on the response and written in the request's log lines.
 */
export function useRequestId(): Plugin {
  return {
    onRequest({ request }) {
      const sent = request.headers.get('x-request-id');
      ids.set(request, sent !== null && CALLER_ID.test(sent) ? sent : randomUUID());
    },
    onResponse({ request, response }) {
      const id = ids.get(request);
      if (id) response.headers.set('x-request-id', id);
    },
  };
}

/** The request's id (useRequestId), or a new one for a request that came another way (a WebSocket message). */
export function requestIdOf(request: Request | undefined): string {
  return (request && ids.get(request)) ?? randomUUID();
}
