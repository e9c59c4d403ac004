import { GraphQLError, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** The header yoga's own CSRF prevention plugin asks for. */
const CSRF_HEADER = 'x-graphql-yoga-csrf';
/** Content types a cross-site form can POST without the browser asking the server first (no CORS preflight). */
const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * CSRF prevention for mutations. A browser sends a cross-site request unasked only when it is
 * "simple": a GET, or a POST of form or text content. Yoga refuses mutations over GET; this
 * refuses them in a simple POST too, unless the request carries the custom header, which only
 * a same-origin page or a non-browser client can set. Queries are left alone, so that
 * `GET /graphql?query=` and GraphiQL keep working without the header.
 */
export function useMutationCsrfPrevention(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
      const request = (args.contextValue as { request?: Request }).request;
      if (!request || wasPreflighted(request)) return;
      setResultAndStopExecution({
        errors: [
          new GraphQLError(
            `mutations must be sent as application/json (or carry the ${CSRF_HEADER} header): ` +
              'a form or text body could come from another site (CSRF)',
            { extensions: { code: 'FORBIDDEN' } },
          ),
        ],
      });
    },
  };
}

function wasPreflighted(request: Request): boolean {
  if (request.headers.has(CSRF_HEADER)) return true;
  const contentType = request.headers.get('content-type')?.toLowerCase() ?? '';
  return contentType !== '' && !SIMPLE_CONTENT_TYPES.some((simple) => contentType.startsWith(simple));
}
