import { createHash } from 'node:crypto';
import {
  Kind,
  getNamedType,
  getOperationAST,
  isAbstractType,
  isCompositeType,
  typeFromAST,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLType,
  type SelectionSetNode,
} from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { contentWhenOf, declaresContent, isContentField } from '../schema/httpCache.js';
import { fieldArguments, operationVariables } from './operationValues.js';

/** How long a client or a cache may keep an answer. */
type Keeping = 'immutable' | 'revalidate' | 'no-store';

const A_YEAR_IN_SECONDS = 31_536_000;
/** The answer depends on the response format asked for and on who asks. */
const VARY = 'Accept, Authorization';

/**
 * HTTP caching of GraphQL answers. A GET query whose answer follows only from content addressed
 * by digest (a manifest by digest without its tags; declared beside the types in src/schema/)
 * may be kept for a year (`immutable`); any other successful GET answer may be kept but must be
 * revalidated (`no-cache`), which its ETag makes cheap: `If-None-Match` with it is answered 304.
 * Answers with errors, and POSTs, are `no-store`. Answers to requests with credentials are
 * `private`: no shared cache keeps them.
 */
export function useHttpCaching(graphqlEndpoint: string): Plugin {
  const decisions = new WeakMap<Request, { keeping: Keeping; etag: string }>();
  return {
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      if (!request || request.method !== 'GET') return;
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'query') return;
      const immutable = followsFromContent(args.schema, args.document, args.operationName ?? undefined, args.variableValues ?? {});
      return {
        onExecuteDone({ result }) {
          if (isAsyncIterable(result)) return;
          // A digest the registry does not have (any more) answers null: that may change.
          const allFound = Object.values(result.data ?? {}).every((value) => value !== null);
          const keeping = result.errors?.length ? 'no-store' : immutable && allFound ? 'immutable' : 'revalidate';
          // Of the data alone: extensions (the calls this request cost) differ between equal answers.
          const etag = `"${createHash('sha256')
            .update(JSON.stringify(result.data ?? null))
            .digest('base64url')}"`;
          decisions.set(request, { keeping, etag });
        },
      };
    },
    onResponse({ request, response, setResponse }) {
      if (new URL(request.url).pathname !== graphqlEndpoint || response.headers.get('content-type')?.includes('text/html')) return;
      if (response.headers.get('content-type')?.includes('text/event-stream')) return;
      const decided = decisions.get(request);
      if (decided === undefined || decided.keeping === 'no-store' || response.status !== 200) {
        response.headers.set('cache-control', 'no-store');
        return;
      }
      const scope = request.headers.has('authorization') ? 'private' : 'public';
      const cacheControl = decided.keeping === 'immutable' ? `${scope}, max-age=${A_YEAR_IN_SECONDS}, immutable` : `${scope}, no-cache`;
      response.headers.set('cache-control', cacheControl);
      response.headers.set('etag', decided.etag);
      response.headers.append('vary', VARY);
      if (matches(request.headers.get('if-none-match'), decided.etag)) {
        const headers = new Headers(response.headers);
        headers.delete('content-type');
        headers.delete('content-length');
        setResponse(new Response(null, { status: 304, headers }));
      }
    },
  };
}

/** Whether a fragment on `condition` (none: the enclosing type) selects anything on `objectType`. */
function appliesTo(schema: GraphQLSchema, condition: GraphQLType | undefined, objectType: GraphQLObjectType): boolean {
  if (condition === undefined) return true;
  if (!isCompositeType(condition)) return false;
  return isAbstractType(condition) ? schema.isSubType(condition, objectType) : condition.name === objectType.name;
}

function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) return false;
  return ifNoneMatch
    .split(',')
    .map((candidate) => candidate.trim().replace(/^W\//, ''))
    .some((candidate) => candidate === '*' || candidate === etag);
}

/** Whether every field the operation selects follows from content addressed by digest. */
export function followsFromContent(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  rawVariables: Readonly<Record<string, unknown>>,
): boolean {
  const operation = getOperationAST(document, operationName);
  const root = operation && schema.getRootType(operation.operation);
  const variables = operation && operationVariables(schema, operation, rawVariables);
  if (!operation || !root || !variables) return false;
  const fragments = new Map(
    document.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );

  const selectionOn = (selectionSet: SelectionSetNode, type: GraphQLCompositeType, isRoot: boolean, seen: ReadonlySet<string>): boolean => {
    // Of an abstract type, only the types of content can be the answer of a field named by content
    // (node(id:) with a manifest's id is a manifest, never a tag).
    const objectTypes: readonly GraphQLObjectType[] = isAbstractType(type)
      ? schema.getPossibleTypes(type).filter((possible) => declaresContent(possible.extensions))
      : [type as GraphQLObjectType];
    return objectTypes.every((objectType) =>
      selectionSet.selections.every((selection) => {
        if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (!appliesTo(schema, selection.typeCondition && typeFromAST(schema, selection.typeCondition), objectType)) return true;
          return selectionOn(selection.selectionSet, objectType, isRoot, seen);
        }
        if (selection.kind === Kind.FRAGMENT_SPREAD) {
          const fragment = fragments.get(selection.name.value);
          if (!fragment || seen.has(fragment.name.value)) return true;
          if (!appliesTo(schema, typeFromAST(schema, fragment.typeCondition), objectType)) return true;
          return selectionOn(fragment.selectionSet, objectType, isRoot, new Set([...seen, fragment.name.value]));
        }
        if (selection.name.value === '__typename') return true;
        const field = objectType.getFields()[selection.name.value];
        if (!field) return true;
        const named = isRoot
          ? contentWhenOf(field.extensions)?.(fieldArguments(field, selection, variables) ?? {}) === true
          : isContentField(objectType.extensions, field.name);
        if (!named) return false;
        const child = getNamedType(field.type);
        return !selection.selectionSet || !isCompositeType(child) || selectionOn(selection.selectionSet, child, false, seen);
      }),
    );
  };
  return selectionOn(operation.selectionSet, root, true, new Set());
}
