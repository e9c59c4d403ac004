import { type DocumentNode, Kind, visit } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';

/** The media types an answer in parts is sent as (yoga's multipart and SSE result processors). */
const ANSWER_IN_PARTS_MEDIA_TYPES = ['multipart/mixed', 'text/event-stream'];
const INCREMENTAL_DIRECTIVES = new Set(['defer', 'stream']);

/**
 * A client that takes none of the media types an answer in parts comes in (curl with
 * `Accept: application/json`, say) gets @defer and @stream ignored, as the incremental delivery
 * proposal lets a server do: the operation runs without them and answers in one part, the same
 * answer as without the directives. Without this, yoga answered 406 after the query had run and
 * never read its parts, so the operation was not finished, logged or measured. A subscription
 * has no last part: one that no processor can send is closed at once (yoga answers 406), or its
 * listener would stay behind.
 */
export function useWholeAnswersForPlainClients(): Plugin {
  const withoutDirectives = new WeakMap<DocumentNode, DocumentNode>();
  return {
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request } | undefined)?.request;
      if (!request || takesAnswersInParts(request.headers.get('accept'))) return;
      let document = withoutDirectives.get(args.document);
      if (!document) {
        document = withoutIncrementalDirectives(args.document);
        withoutDirectives.set(args.document, document);
      }
      // Seen by the plugins after this one, and executed.
      args.document = document;
    },
    onResultProcess({ result, resultProcessor }) {
      if (resultProcessor || !isAsyncIterable(result)) return undefined;
      return result[Symbol.asyncIterator]()
        .return?.()
        .then(
          () => undefined,
          () => undefined,
        );
    },
  };
}

/** Whether an answer in parts may be sent to a request with this Accept header; none means anything, as for yoga. */
export function takesAnswersInParts(accept: string | null): boolean {
  return (accept ?? '*/*').split(',').some((entry) => {
    const [range = '', ...parameters] = entry
      .toLowerCase()
      .split(';')
      .map((part) => part.trim());
    // As yoga's result processors: only UTF-8.
    if (parameters.some((parameter) => parameter.startsWith('charset=') && parameter !== 'charset=utf-8')) return false;
    const [type, subtype] = range.split('/');
    return ANSWER_IN_PARTS_MEDIA_TYPES.some((mediaType) => {
      const [partsType, partsSubtype] = mediaType.split('/');
      return (type === '*' || type === partsType) && (subtype === '*' || subtype === partsSubtype);
    });
  });
}

/** The document without its @defer and @stream directives: deferred fragments inline, streamed lists whole. */
export function withoutIncrementalDirectives(document: DocumentNode): DocumentNode {
  return visit(document, {
    [Kind.DIRECTIVE]: (directive) => (INCREMENTAL_DIRECTIVES.has(directive.name.value) ? null : undefined),
  });
}
