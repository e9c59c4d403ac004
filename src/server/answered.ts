import type { ExecutionResult, GraphQLError } from 'graphql';
import { isAsyncIterable } from 'graphql-yoga';

/** What an answer held, over all its parts. */
export interface Answered {
  errors: readonly GraphQLError[];
  /** Whether any data came: a query that failed as a whole has none. */
  hasData: boolean;
  /** Whether the answer was whole: false for one in parts that ended before its last (the client left, or execution failed). */
  complete: boolean;
}

/** Whether a part of an answer to @defer or @stream is its last. */
export function isLastPart(part: unknown): boolean {
  return typeof part === 'object' && part !== null && (part as { hasNext?: unknown }).hasNext === false;
}

/** A part of an answer to @defer or @stream after the first: its fields and errors are in `incremental`. */
interface IncrementalPart extends ExecutionResult {
  incremental?: ReadonlyArray<{ errors?: readonly GraphQLError[] }>;
}

interface PartHooks {
  onNext(payload: { result: ExecutionResult }): void;
  onEnd(): void;
}

/**
 * Calls `report` once with what the answer held, for the plugins that account for an operation
 * when it ends (its log line, its metrics, its audit): at once for an answer in one part, after
 * the last part (or when the client leaves) for one in several (@defer, @stream). The return
 * value is what onExecuteDone returns, so that those hooks see each part.
 */
export function whenAnswered(
  result: ExecutionResult | AsyncIterable<ExecutionResult>,
  report: (answer: Answered) => void,
): PartHooks | undefined {
  if (!isAsyncIterable(result)) {
    report({ errors: result.errors ?? [], hasData: result.data !== undefined && result.data !== null, complete: true });
    return undefined;
  }
  const errors: GraphQLError[] = [];
  let hasData = false;
  let complete = false;
  return {
    onNext({ result: part }) {
      if (isLastPart(part)) complete = true;
      if (part.data !== undefined && part.data !== null) hasData = true;
      errors.push(...(part.errors ?? []));
      for (const item of (part as IncrementalPart).incremental ?? []) errors.push(...(item.errors ?? []));
    },
    onEnd: () => report({ errors, hasData, complete }),
  };
}
