/**
 * The one error type the registry client throws. It carries what a caller needs to decide
 * (kind, HTTP status, the registry's own error codes) and nothing it must not show: the URL
 * is redacted (no userinfo, no query values such as tokens) before it is stored.
 */
import type { InvalidReferenceError } from './reference.js';

export type RegistryErrorKind =
  /** 404: unknown repository, manifest, blob or tag. */
  | 'NOT_FOUND'
  /** 401: credentials missing or refused. */
  | 'UNAUTHORIZED'
  /** 403: authenticated but not allowed. */
  | 'DENIED'
  /** 429 or TOOMANYREQUESTS. */
  | 'RATE_LIMITED'
  /** Network failure, timeout, 5xx: the registry could not answer. */
  | 'UNAVAILABLE'
  /** 405, or an operation the registry does not offer (deletion disabled, read-only mode). */
  | 'UNSUPPORTED'
  /** The bytes do not hash to the digest they were asked by. */
  | 'DIGEST_MISMATCH'
  /** A response larger than the configured bound. */
  | 'TOO_LARGE'
  /** 400: the registry refused the request as invalid (NAME_INVALID, TAG_INVALID, ...). */
  | 'INVALID'
  /** A response the client cannot make sense of (bad JSON, unknown manifest type, other status). */
  | 'PROTOCOL'
  /** Data from the registry that breaks the distribution grammar (a tag name like "../x", a malformed digest). */
  | 'MALFORMED';

/** One entry of the distribution spec's `{"errors": [...]}` body. */
export interface RegistryErrorCode {
  code: string;
  message?: string;
  detail?: unknown;
}

export interface RegistryErrorInit {
  kind: RegistryErrorKind;
  message: string;
  method?: string;
  /** Will be redacted before it is stored. */
  url?: string;
  status?: number;
  registryErrors?: RegistryErrorCode[];
  /** How long the registry asked to wait before trying again (Retry-After), in milliseconds. */
  retryAfterMs?: number;
  /** The request got no complete answer within its deadline. */
  timedOut?: boolean;
  /**
   * Whether the registry may have carried the request out although it failed: it was sent and no
   * answer came back (to this attempt or an earlier one). false when the registry answered with a
   * refusal, or when no connection could be made, so a write it carried did not happen.
   */
  maybeApplied?: boolean;
  cause?: unknown;
}

export class RegistryError extends Error {
  readonly kind: RegistryErrorKind;
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly status: number | undefined;
  readonly registryErrors: RegistryErrorCode[];
  readonly retryAfterMs: number | undefined;
  readonly timedOut: boolean;
  readonly maybeApplied: boolean;

  constructor(init: RegistryErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'RegistryError';
    this.kind = init.kind;
    this.method = init.method;
    this.url = init.url === undefined ? undefined : redactUrl(init.url);
    this.status = init.status;
    this.registryErrors = init.registryErrors ?? [];
    this.retryAfterMs = init.retryAfterMs;
    this.timedOut = init.timedOut ?? false;
    this.maybeApplied = init.maybeApplied ?? false;
  }
}

export function isRegistryError(error: unknown, kind?: RegistryErrorKind): error is RegistryError {
  return error instanceof RegistryError && (kind === undefined || error.kind === kind);
}

/** The same failure with some of its facts changed: told differently (with context or advice), or of another kind. */
export function rephrased(error: RegistryError, message: string, changes: Partial<RegistryErrorInit> = {}): RegistryError {
  return new RegistryError({
    kind: error.kind,
    message,
    method: error.method,
    url: error.url,
    status: error.status,
    registryErrors: error.registryErrors,
    retryAfterMs: error.retryAfterMs,
    timedOut: error.timedOut,
    maybeApplied: error.maybeApplied,
    cause: error.cause,
    ...changes,
  });
}

/** Drops userinfo and the values of query parameters, which may carry credentials or tokens. */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '<invalid url>';
  }
  url.username = '';
  url.password = '';
  for (const key of [...url.searchParams.keys()]) {
    if (!SAFE_QUERY_KEYS.has(key)) url.searchParams.set(key, 'REDACTED');
  }
  return url.toString();
}

/** The redacted path and query of a URL: how events and messages name a request. */
export function redactPath(raw: string): string {
  const redacted = redactUrl(raw);
  if (!URL.canParse(redacted)) return redacted;
  const url = new URL(redacted);
  return url.pathname + url.search;
}

/** `METHOD /path?query`, redacted: the prefix of every message about a request. */
export function describeRequest(method: string, url: string): string {
  return `${method} ${redactPath(url)}`;
}

/** Pagination parameters carry no secrets and help when reading an error. */
const SAFE_QUERY_KEYS = new Set(['n', 'last']);

/** For lookups where "the registry does not know it" is an answer (null), not a failure. */
export async function nullIfNotFound<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (isRegistryError(error, 'NOT_FOUND')) return null;
    throw error;
  }
}

/** A name or digest the registry handed out (in a list or a document) that breaks the grammar: the registry's fault. */
export function malformedRegistryData(error: InvalidReferenceError): RegistryError {
  return new RegistryError({ kind: 'MALFORMED', message: `the registry gave an invalid ${error.part} ${error.quoted}: ${error.reason}` });
}
