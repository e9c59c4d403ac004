/**
 * Bounds on request bodies: server.maxRequestBytes for GraphQL requests, and for multipart
 * requests (uploads) the largest blob plus that. In place of yoga's single bound, which would
 * refuse every upload larger than a query; the Content-Length is checked first, and a body sent
 * without one (chunked) is cut off at the bound as it is read.
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface RequestBodyLimits {
  maxBytes: number;
  maxMultipartBytes: number;
}

function tooLarge(limit: number): GraphQLError {
  return new GraphQLError(`the request body is larger than ${limit} bytes`, {
    extensions: { code: 'BAD_USER_INPUT', http: { status: 413 } },
  });
}

export function useRequestBodyLimits({ maxBytes, maxMultipartBytes }: RequestBodyLimits): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const multipart = request.headers.get('content-type')?.toLowerCase().startsWith('multipart/form-data') ?? false;
      const limit = multipart ? maxMultipartBytes : maxBytes;
      const declared = request.headers.get('content-length');
      if (declared !== null && (!/^\d+$/.test(declared) || Number(declared) > limit)) {
        throw /^\d+$/.test(declared)
          ? tooLarge(limit)
          : new GraphQLError('the Content-Length header is not a number', {
              extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
            });
      }
      if (!requestParser || !request.body) return;
      setRequestParser((parsed) => requestParser(bounded(parsed, limit, fetchAPI)));
    },
  };
}

/** The request with a body that fails once more than `limit` bytes have been read. */
function bounded(request: Request, limit: number, fetchAPI: { Request: typeof Request; ReadableStream: typeof ReadableStream }): Request {
  const reader = request.body!.getReader();
  let read = 0;
  const body = new fetchAPI.ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      read += value.byteLength;
      if (read > limit) {
        controller.error(tooLarge(limit));
        await reader.cancel();
        return;
      }
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new fetchAPI.Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body,
    duplex: 'half',
  } as RequestInit);
}
