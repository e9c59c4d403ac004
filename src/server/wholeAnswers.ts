import { mergeIncrementalResult } from '@graphql-tools/utils';
import type { ExecutionResult } from 'graphql';
import { isAsyncIterable, processRegularResult, type Plugin } from 'graphql-yoga';

/** The media types of an answer in one part, in yoga's order of preference. */
const WHOLE_ANSWER_MEDIA_TYPES = ['application/graphql-response+json', 'application/json'];

/**
 * An answer in parts for a client that takes none of the media types parts come in (multipart/mixed,
 * text/event-stream), such as curl with `Accept: application/json`: the parts of a @defer or @stream
 * query are gathered into one answer, as the incremental delivery proposal lets a server ignore
 * @defer. A subscription, which has no last part, is closed and refused with yoga's 406. Without
 * this, yoga answered 406 after the query had run and never read its parts: the operation was not
 * finished, logged or measured, and a subscription's listener stayed behind.
 */
export function useWholeAnswersForPlainClients(): Plugin {
  const subscriptions = new WeakSet<Request>();
  return {
    onSubscribe({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      if (request) subscriptions.add(request);
    },
    onResultProcess({ request, result, resultProcessor, setResult, setResultProcessor }) {
      // yoga sets a processor when the client takes the answer in parts (or the answer is in one part).
      if (resultProcessor || !isAsyncIterable(result)) return undefined;
      const mediaType = wholeAnswerMediaType(request.headers.get('accept'));
      if (subscriptions.has(request) || mediaType === undefined)
        return result[Symbol.asyncIterator]()
          .return?.()
          .then(() => undefined);
      return gathered(result).then((whole) => {
        setResult(whole);
        setResultProcessor(processRegularResult, mediaType);
      });
    },
  };
}

/** The first media type of `accept`, in the client's order, that an answer in one part can be sent as. */
export function wholeAnswerMediaType(accept: string | null): string | undefined {
  for (const entry of (accept ?? '').toLowerCase().split(',')) {
    const [range = '', ...parameters] = entry.split(';').map((part) => part.trim());
    // As yoga's own result processors: only UTF-8.
    if (parameters.some((parameter) => parameter.startsWith('charset=') && parameter !== 'charset=utf-8')) continue;
    const [type, subtype] = range.split('/');
    const match = WHOLE_ANSWER_MEDIA_TYPES.find((candidate) => {
      const [candidateType, candidateSubtype] = candidate.split('/');
      return (type === '*' || type === candidateType) && (subtype === '*' || subtype === candidateSubtype);
    });
    if (match) return match;
  }
  return undefined;
}

/** Every part merged into the first: the deferred fragments and streamed items at their paths, the errors and extensions of all. */
async function gathered(parts: AsyncIterable<ExecutionResult>): Promise<ExecutionResult> {
  let whole: ExecutionResult | undefined;
  for await (const part of parts) {
    if (whole === undefined) {
      const { hasNext: _hasNext, ...first } = part as ExecutionResult & { hasNext?: boolean };
      whole = { ...first, ...(first.errors && { errors: [...first.errors] }) };
    } else {
      mergeIncrementalResult({ incrementalResult: part, executionResult: whole });
    }
  }
  return whole ?? {};
}
