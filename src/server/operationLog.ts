import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { GatewayContext } from '../schema/context.js';
import { toClientError } from '../schema/errors.js';
import { whenAnswered } from './answered.js';
import { requestIdOf } from './requestId.js';

/**
 * One log line per GraphQL operation: its request id, name and kind, how long it took, the
 * upstream calls it made, and the codes of its errors. Listed before the plugins that may refuse
 * an operation, so that refused ones are logged too.
 */
export function useOperationLog(logger: Logger): Plugin<GatewayContext & { request?: Request }> {
  return {
    onExecute({ args }) {
      const started = performance.now();
      const operation = getOperationAST(args.document, args.operationName);
      return {
        onExecuteDone: ({ result }) =>
          whenAnswered(result, ({ errors, complete }) => {
            const codes = [...new Set(errors.map((error) => (toClientError(error) ?? error).extensions?.code ?? 'INTERNAL_SERVER_ERROR'))];
            logger.info(
              {
                requestId: requestIdOf(args.contextValue.request),
                operation: operation?.name?.value ?? null,
                kind: operation?.operation ?? null,
                durationMs: Math.round(performance.now() - started),
                upstreamCalls: args.contextValue.operation.cost.actual,
                ...(codes.length > 0 && { errorCodes: codes }),
                // An answer in parts that ended before its last: the client left, or execution failed.
                ...(!complete && { incomplete: true }),
              },
              'graphql operation',
            );
          }),
      };
    },
  };
}
