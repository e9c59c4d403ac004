/**
 * Persisted queries: an operation sent as the SHA-256 of its text
 * (`extensions.persistedQuery: {version: 1, sha256Hash}`, Apollo's protocol, which urql and
 * graphql-request follow too), over POST, GET and graphql-ws alike.
 *
 * - automatic (the default): a hash the gateway does not know is answered
 *   PERSISTED_QUERY_NOT_FOUND (HTTP 200, so no cache keeps it); the client then sends the hash
 *   with the text, which is kept once it proves to be the text's hash and a valid operation.
 * - trusted: only the operations the project ships (schema/operations, hashed by codegen into
 *   src/client/generated/persisted-documents.json) and configured ones run, by hash or by text;
 *   anything else is PERSISTED_QUERY_NOT_IN_LIST.
 * - off: a hash alone is PERSISTED_QUERY_NOT_SUPPORTED, which makes Apollo stop sending hashes.
 *
 * Written here rather than taken from @graphql-yoga/plugin-apq: its last release wants
 * @graphql-tools/utils 10 beside graphql-codegen's 11, and graphql-ws must follow the same rules.
 */
import { GraphQLError } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import shippedDocuments from '../client/generated/persisted-documents.json' with { type: 'json' };
import type { PersistedQueriesConfig } from '../config/index.js';
import { documentHash, documentKey, trustedDocumentsOf } from '../config/trustedDocuments.js';
import { isRecord } from '../util/isRecord.js';

/** Where automatic persisted queries keep operation texts by hash; in memory here, shared by replicas elsewhere. */
export interface PersistedQueryStore {
  get(hash: string): Promise<string | undefined>;
  set(hash: string, text: string): Promise<void>;
}

export function inMemoryPersistedQueryStore(maxBytes: number): PersistedQueryStore {
  const texts =
    maxBytes > 0 ? new LRUCache<string, string>({ maxSize: maxBytes, sizeCalculation: (text) => Math.max(1, text.length) }) : undefined;
  return {
    get: async (hash) => texts?.get(hash),
    set: async (hash, text) => void texts?.set(hash, text),
  };
}

/** What persisted queries read of a request's parameters (GraphQL over HTTP's and graphql-ws's alike). */
interface RequestParams {
  query?: string | null | undefined;
  extensions?: Readonly<Record<string, unknown>> | null | undefined;
}

/** The parameters to execute, and the hash under which to keep their text once it validates. */
export interface ResolvedParams<Params extends RequestParams = GraphQLParams> {
  params: Params;
  keepAs?: string;
}

export class PersistedQueries {
  private readonly trusted: ReadonlyMap<string, string>;

  constructor(
    private readonly config: PersistedQueriesConfig,
    private readonly store: PersistedQueryStore = inMemoryPersistedQueryStore(config.maxStoredBytes),
  ) {
    this.trusted = new Map([...trustedDocumentsOf(shippedDocuments, 'the shipped operations'), ...config.documents]);
  }

  /** The text of a request that names its operation by hash, or a refusal (a GraphQLError with its code). */
  async resolve<Params extends RequestParams>(params: Params): Promise<ResolvedParams<Params>> {
    const { mode } = this.config;
    const hash = persistedHashOf(params.extensions);
    const text = params.query;
    if (mode === 'off') {
      if (hash !== undefined && !text) throw refusal('PERSISTED_QUERY_NOT_SUPPORTED', 'PersistedQueryNotSupported');
      return { params };
    }
    if (hash === undefined) {
      // No text either: yoga answers that a query is missing.
      if (mode === 'trusted' && text && !this.trusted.has(documentHash(text))) throw notInList();
      return { params };
    }
    if (!text) {
      const stored = mode === 'automatic' && !this.trusted.has(hash) ? await this.store.get(hash) : undefined;
      // A shared store is trusted no more than a client: the text must be the hash's.
      const known = this.trusted.get(hash) ?? (stored !== undefined && documentHash(stored) === hash ? stored : undefined);
      if (known === undefined) throw mode === 'trusted' ? notInList() : refusal('PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound');
      return { params: { ...params, query: known } };
    }
    if (documentHash(text) !== hash) {
      throw refusal('BAD_USER_INPUT', 'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query text', 400);
    }
    if (this.trusted.has(hash)) return { params };
    if (mode === 'trusted') throw notInList();
    return { params, keepAs: hash };
  }

  /** Keeps the text of a request resolved with `keepAs`, once it has proved a valid operation. */
  async keep({ params, keepAs }: ResolvedParams<RequestParams>): Promise<void> {
    if (keepAs !== undefined && params.query) await this.store.set(keepAs, params.query);
  }
}

/** The hash of `extensions.persistedQuery`: undefined when there is none, a refusal when it is malformed. */
function persistedHashOf(extensions: RequestParams['extensions']): string | undefined {
  const persisted: unknown = extensions?.persistedQuery;
  if (persisted === undefined || persisted === null) return undefined;
  const hash =
    isRecord(persisted) && persisted.version === 1 && typeof persisted.sha256Hash === 'string'
      ? documentKey(persisted.sha256Hash)
      : undefined;
  if (hash === undefined) {
    throw refusal('BAD_USER_INPUT', 'extensions.persistedQuery must be {"version": 1, "sha256Hash": "<64 hex digits>"}', 400);
  }
  return hash;
}

function notInList(): GraphQLError {
  return refusal('PERSISTED_QUERY_NOT_IN_LIST', 'only trusted documents run on this gateway (server.persistedQueries.mode: trusted)', 400);
}

/** The message is Apollo's spelling where clients match on it (PersistedQueryNotFound). */
function refusal(code: string, message: string, status = 200): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}

/** The HTTP side: resolves each request's persisted query before it is parsed, keeps it once valid. */
export function usePersistedQueries(persisted: PersistedQueries): Plugin {
  const resolvedOf = new WeakMap<Request, ResolvedParams>();
  return {
    async onParams({ params, request, setParams }) {
      const resolved = await persisted.resolve(params);
      if (resolved.keepAs !== undefined) resolvedOf.set(request, resolved);
      setParams(resolved.params);
    },
    onValidate({ context }) {
      const request = (context as { request?: Request }).request;
      const resolved = request && resolvedOf.get(request);
      if (!resolved) return;
      return ({ valid }) => {
        // A text not kept is sent again by the client when told PERSISTED_QUERY_NOT_FOUND.
        if (valid) persisted.keep(resolved).catch(() => undefined);
      };
    },
  };
}
