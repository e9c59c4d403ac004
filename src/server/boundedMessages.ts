import { GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';

/** Characters of an error message an answer carries; the longest message the gateway writes itself is well under it. */
export const MAX_MESSAGE_LENGTH = 500;

/**
 * Cuts every error message short: graphql-js quotes a variable's or argument's whole value when it
 * does not coerce, and the registry's own messages come from its error bodies, so without a
 * bound an answer (and the work of building it) would grow with what a client or a registry sends.
 */
export function useBoundedErrorMessages(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || isAsyncIterable(result) || !result.errors?.some((error) => error.message.length > MAX_MESSAGE_LENGTH)) {
        return;
      }
      const errors = result.errors.map((error) =>
        error.message.length <= MAX_MESSAGE_LENGTH
          ? error
          : new GraphQLError(`${error.message.slice(0, MAX_MESSAGE_LENGTH)}… (message cut short)`, {
              nodes: error.nodes,
              source: error.source,
              positions: error.positions,
              path: error.path,
              originalError: error.originalError,
              extensions: error.extensions,
            }),
      );
      setResult({ ...result, errors });
    },
  };
}
