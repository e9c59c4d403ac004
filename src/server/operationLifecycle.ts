import { getOperationAST, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../schema/context.js';
import { isLastPart } from './answered.js';

/**
 * Ties each GraphQL operation to its upstream calls (src/model/operation.ts): a query or a
 * subscription ends when the client goes away, so nothing more is asked of the registry for it;
 * a mutation finishes what it started whatever the client does. When the answer is complete,
 * whatever the operation still has in flight upstream is aborted, and the answer carries
 * `extensions.cost: {estimated, actual, budget}` (an answer in parts, its last part). Listed
 * first among the plugins, so that an operation refused before execution still carries its cost.
 */
export function useOperationLifecycle(budget: number): Plugin<GatewayContext & { request?: Request }> {
  return {
    onExecute({ args }) {
      const context = args.contextValue;
      const kind = getOperationAST(args.document, args.operationName)?.operation;
      if (kind !== 'mutation' && context.request) context.operation.endWhen(context.request.signal);
      const finishedWithCost = <T extends ExecutionResult>(answer: T): T => {
        context.operation.finish();
        return { ...answer, extensions: { ...answer.extensions, cost: context.operation.cost } };
      };
      return {
        onExecuteDone({ result, setResult }) {
          if (!isAsyncIterable(result)) {
            setResult(finishedWithCost(result));
            return undefined;
          }
          // In parts (@defer, @stream): the last one carries the cost, and a client that leaves ends the
          // operation too. For a mutation that is after its writes: root fields cannot be deferred, so
          // they are all done in the first part.
          return {
            onNext({ result: part, setResult: setPart }) {
              if (isLastPart(part)) setPart(finishedWithCost(part));
            },
            onEnd: () => context.operation.finish(),
          };
        },
      };
    },
    // Answers that never reached execution (a query that does not parse or validate) cost nothing upstream.
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || isAsyncIterable(result) || result.extensions?.cost !== undefined) return;
      setResult({ ...result, extensions: { ...result.extensions, cost: { estimated: 0, actual: 0, budget } } });
    },
  };
}
