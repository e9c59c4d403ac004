/**
 * Talks to the gateway with the typed documents of regql/client, each by its hash: a query is a
 * GET of the hash alone (the gateway knows the shipped operations in every persisted-query mode,
 * and HTTP caches may keep the answer), a mutation a POST of the hash. Should the gateway not
 * know the hash (persisted queries off), the text goes along once.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import shippedDocuments from '../../../src/client/generated/persisted-documents.json';
import { incrementalAnswers } from './incremental';
import { authorizationHeader } from './token';

const ENDPOINT = new URL('graphql', document.baseURI).pathname;

/** A failed request, with the gateway's extensions.code (NETWORK when the gateway did not answer). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly path?: readonly (string | number)[],
  ) {
    super(message);
  }
}

interface GraphqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string };
}

interface GraphqlResponse<Result> {
  data?: Result | null;
  errors?: GraphqlError[];
}

/** A hashed document of regql/client: codegen put its SHA-256 in __meta__.hash. */
type Hashed = { __meta__?: { hash?: string } };

export function hashOf(document: TypedDocumentNode<unknown, never> | object): string {
  const hash = (document as Hashed).__meta__?.hash;
  if (!hash) throw new Error('not a document of regql/client');
  return hash;
}

export function textOf(hash: string): string {
  return (shippedDocuments as Record<string, string>)[hash]!;
}

/** The operation of a shipped document: its kind and name (its fragments may come first in the text). */
function operationOf(hash: string): { kind: string; name: string | undefined } {
  const match = /(?:^|[\s}])(query|mutation|subscription)\b\s*(\w+)?/.exec(textOf(hash));
  return { kind: match?.[1] ?? 'query', name: match?.[2] };
}

export interface Answer<Result> {
  data: Result | null;
  /** Errors of fields that failed while the rest of the answer stands. */
  fieldErrors: ApiError[];
}

async function* send<Result>(
  hash: string,
  variables: object,
  method: 'GET' | 'POST',
  withText: boolean,
): AsyncGenerator<GraphqlResponse<Result>> {
  const persistedQuery = { version: 1, sha256Hash: hash.replace(/^sha256:/, '') };
  const params = {
    operationName: operationOf(hash).name,
    variables,
    extensions: { persistedQuery },
    ...(withText ? { query: textOf(hash) } : {}),
  };
  // multipart/mixed: the parts of an answer with @defer as they come.
  const headers = { accept: 'multipart/mixed, application/graphql-response+json, application/json', ...authorizationHeader() };
  let response: Response;
  try {
    if (method === 'GET') {
      const url = new URL(ENDPOINT, document.baseURI);
      for (const [key, value] of Object.entries(params)) {
        if (value !== undefined) url.searchParams.set(key, typeof value === 'string' ? value : JSON.stringify(value));
      }
      response = await fetch(url, { headers });
    } else {
      response = await fetch(ENDPOINT, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(params),
      });
    }
  } catch {
    throw new ApiError('NETWORK', 'The gateway did not answer.');
  }
  if (response.headers.get('content-type')?.startsWith('multipart/mixed')) {
    try {
      yield* incrementalAnswers(response) as AsyncGenerator<GraphqlResponse<Result>>;
    } catch {
      throw new ApiError('NETWORK', 'The answer broke off.');
    }
    return;
  }
  const body = (await response.json().catch(() => null)) as GraphqlResponse<Result> | null;
  if (!body) throw new ApiError('NETWORK', `The gateway answered ${response.status} without a GraphQL response.`);
  yield body;
}

const NOT_PERSISTED = new Set(['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED']);

/**
 * Runs a document of regql/client: the answer, and again each time more of it has come (@defer);
 * throws ApiError when there is no data at all. Should the gateway not know the hash, the text goes along once.
 */
export async function* answers<Result, Variables extends object>(
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
): AsyncGenerator<Answer<Result>> {
  const hash = hashOf(document);
  const method = operationOf(hash).kind === 'mutation' ? 'POST' : 'GET';
  let answered = false;
  for await (const body of send<Result>(hash, variables, method, false)) {
    // The gateway does not know the hash (persisted queries off): ask again with the text.
    if (!answered && body.errors?.some((error) => NOT_PERSISTED.has(error.extensions?.code ?? ''))) break;
    answered = true;
    yield answerOf(body);
  }
  if (answered) return;
  for await (const body of send<Result>(hash, variables, 'POST', true)) yield answerOf(body);
}

/** The whole answer of a document (a mutation, say): its last part. */
export async function execute<Result, Variables extends object>(
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
): Promise<Answer<Result>> {
  let last: Answer<Result> | undefined;
  for await (const answer of answers(document, variables)) last = answer;
  return last!;
}

function answerOf<Result>(body: GraphqlResponse<Result>): Answer<Result> {
  const errors = (body.errors ?? []).map((error) => new ApiError(error.extensions?.code ?? 'ERROR', error.message, error.path));
  if (body.data === undefined || body.data === null) throw errors[0] ?? new ApiError('ERROR', 'The gateway answered without data.');
  return { data: body.data, fieldErrors: errors };
}
