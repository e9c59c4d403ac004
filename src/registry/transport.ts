/**
 * HTTP exchanges with one registry: a keep-alive pool whose size bounds the requests in flight,
 * timeouts, bounded body reads, redirects for blob downloads, authentication as the registry's
 * challenges ask (see auth/authenticator.ts), one onRequest event per request; every failure is a
 * RegistryError (responses.ts reads the registry's error bodies).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, Pool, type Dispatcher } from 'undici';
import { whenAborted } from './abortListeners.js';
import { RegistryError, describeRequest, redactPath, rephrased } from './errors.js';
import { responseError } from './responses.js';
import { Authenticator, type Authorization } from './auth/authenticator.js';
import type { Credentials } from './auth/credentials.js';
import { requestScopes } from './auth/scope.js';
import { systemClock } from './clock.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelay } from './retry.js';
import { Slots } from './slots.js';
import type { CallContext, Clock, RequestKind, UpstreamRequestEvent } from './types.js';

export interface TransportOptions {
  /** The registry's configured name, reported in events. */
  registry: string;
  /** Base URL of the registry; only its origin is used. */
  url: string;
  /** Connections of the pool, which is the bound on requests in flight. */
  concurrency: number;
  timeoutMs: number;
  /** Dispatches every request instead of an own pool (tests inject a MockAgent); not closed by close(). */
  dispatcher?: Dispatcher;
  onRequest?: (event: UpstreamRequestEvent) => void;
  /** Sent when the registry asks (Basic), or to its token server (Bearer); without them, tokens are asked for anonymously. */
  credentials?: Credentials;
  /** When failed requests are tried again; default DEFAULT_RETRY_POLICY. */
  retry?: RetryPolicy;
  /** Default: the system clock. */
  clock?: Clock;
  /** Jitter source in [0, 1); default Math.random. */
  random?: () => number;
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface TransportRequest {
  kind: RequestKind;
  method: HttpMethod;
  /** A path on the registry (/v2/...), or a URL the registry handed out (Location, Link), resolved against the registry. */
  target: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Read a successful response's body, refusing (TOO_LARGE) one longer than this; without it the body is discarded. */
  maxBodyBytes?: number;
  /** Statuses besides 2xx that are answers rather than errors (ping's 401). */
  acceptStatuses?: readonly number[];
  /** Follow up to MAX_REDIRECTS redirects, as blob downloads need when storage serves them. */
  followRedirects?: boolean;
  /**
   * Retry transient failures of a request that changes the registry, because repeating it is
   * harmless (deleting a placeholder by digest). GET and HEAD are always retried.
   */
  repeatable?: boolean;
}

/** What sends requests to one registry: the transport, or a view of it bound to one caller's operation. */
export interface RequestSender {
  readonly origin: string;
  send(request: TransportRequest): Promise<TransportResponse>;
}

export interface TransportResponse {
  method: HttpMethod;
  /** The URL that answered (after redirects). */
  url: string;
  status: number;
  headers: IncomingHttpHeaders;
  /** Empty unless the request asked for the body with maxBodyBytes. */
  body: Buffer;
  /** For an accepted 401: why the registry refuses, as the error the request would otherwise fail with. */
  refusal?: RegistryError;
}

/** A 401 from the registry itself, which authentication may answer. */
interface Challenged {
  challenged: RegistryError;
  response: TransportResponse;
}

export const MAX_REDIRECTS = 3;
/** How much of an error response is read to find the registry's error codes. */
const ERROR_BODY_LIMIT = 64 * 1024;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Bound on a token server's answer (tokens of some clouds run to several KiB). */
const TOKEN_RESPONSE_MAX_BYTES = 1024 * 1024;

export class Transport implements RequestSender {
  readonly origin: string;
  private readonly registry: string;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly onRequest: ((event: UpstreamRequestEvent) => void) | undefined;
  private readonly registryDispatcher: Dispatcher;
  private readonly injectedDispatcher: Dispatcher | undefined;
  private readonly concurrency: number;
  /** For redirect and upload targets on another origin (blob storage); created on first use. */
  private foreignAgent: Agent | undefined;
  private readonly authenticator: Authenticator;
  /** Requests in flight at once; the pools have as many connections, so they never queue themselves. */
  private readonly slots: Slots;

  constructor(options: TransportOptions) {
    const base = new URL(options.url);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new Error(`registry ${options.registry}: url must be http or https, got ${base.protocol}`);
    }
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`registry ${options.registry}: concurrency must be a positive integer`);
    }
    this.origin = base.origin;
    this.registry = options.registry;
    this.timeoutMs = options.timeoutMs;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.concurrency = options.concurrency;
    this.slots = new Slots(options.concurrency);
    this.onRequest = options.onRequest;
    this.injectedDispatcher = options.dispatcher;
    this.registryDispatcher =
      options.dispatcher ??
      new Pool(this.origin, {
        connections: options.concurrency,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        connect: { timeout: options.timeoutMs },
      });
    this.authenticator = new Authenticator({
      registryUrl: this.origin,
      credentials: options.credentials,
      fetchToken: (url, headers, context) => this.fetchToken(url, headers, context),
    });
  }

  /**
   * Sends a request (and its redirects when asked), returning the final accepted response. A 401
   * from the registry is answered once: with the credentials, or a token for the scopes the
   * request needs (derived from its method and path), then the request is sent again. Transient
   * failures of requests that may be repeated are retried (retry.ts). `context` binds the request
   * to a caller's operation: its cancellation and its count of requests.
   */
  async send(request: TransportRequest, context: CallContext = {}): Promise<TransportResponse> {
    const url = new URL(request.target, this.origin);
    // Only the registry's own URLs authenticate; storage URLs it hands out carry their own signature.
    const ownOrigin = url.origin === this.origin;
    const scopes = ownOrigin ? requestScopes(request.method, url) : [];
    let authorization = ownOrigin ? await this.authenticator.authorize(scopes, context) : undefined;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.withRetries(request, context, () => this.follow(request, url, authorization, context));
      if (!('challenged' in outcome)) return outcome;
      const challenge = outcome.response.headers['www-authenticate'];
      const retryWith = attempt === 1 ? await this.authenticator.answer(challenge, scopes, authorization, context) : undefined;
      if (retryWith === undefined) {
        const refusal = this.authenticator.refusal(outcome.challenged, challenge, scopes, authorization);
        if (request.acceptStatuses?.includes(401)) return { ...outcome.response, refusal };
        throw refusal;
      }
      authorization = retryWith;
    }
  }

  /** Runs attempt until it succeeds or fails in a way, or as often, that retrying cannot help. */
  private async withRetries<T>(request: TransportRequest, context: CallContext, attempt: () => Promise<T>): Promise<T> {
    const repeatable = request.method === 'GET' || request.method === 'HEAD' || request.repeatable === true;
    let waited = 0;
    let maybeApplied = false;
    for (let number = 1; ; number++) {
      try {
        return await attempt();
      } catch (error) {
        if (!repeatable || !(error instanceof RegistryError)) throw error;
        // An earlier attempt that got no answer may have been carried out, whatever the last one got.
        maybeApplied ||= error.maybeApplied;
        const delay = retryDelay(error, number, waited, this.retry, this.random);
        if (delay === undefined) throw maybeApplied && !error.maybeApplied ? rephrased(error, error.message, { maybeApplied }) : error;
        waited += delay;
        await this.clock.sleep(delay, context.signal);
      }
    }
  }

  /** The request and its redirects; the Authorization goes only to the registry's own origin. */
  private async follow(
    request: TransportRequest,
    target: URL,
    authorization: Authorization | undefined,
    context: CallContext,
  ): Promise<TransportResponse | Challenged> {
    let url = target;
    for (let redirects = 0; ; redirects++) {
      const outcome = await this.exchange(request, url, authorization, context);
      if (!('redirectTo' in outcome)) return outcome;
      if (redirects === MAX_REDIRECTS) {
        throw new RegistryError({
          kind: 'PROTOCOL',
          message: `${describeRequest(request.method, url.href)}: more than ${MAX_REDIRECTS} redirects`,
          method: request.method,
          url: url.href,
          status: outcome.status,
        });
      }
      url = outcome.redirectTo;
    }
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.slots.inUse;
  }

  async close(): Promise<void> {
    const owned = [this.foreignAgent, this.injectedDispatcher ? undefined : this.registryDispatcher];
    await Promise.all(owned.map((dispatcher) => dispatcher?.close()));
  }

  /**
   * GET from the token server, outside authentication: its own credentials are in headers. A
   * token may serve other operations waiting for the same scopes, so only the requesting
   * operation's count applies to it, not its cancellation.
   */
  private async fetchToken(url: URL, headers: Record<string, string>, context: CallContext): Promise<TransportResponse> {
    const request: TransportRequest = {
      kind: 'token',
      method: 'GET',
      target: url.href,
      headers,
      maxBodyBytes: TOKEN_RESPONSE_MAX_BYTES,
    };
    const counted: CallContext = { beforeRequest: context.beforeRequest };
    // Without followRedirects and as kind 'token', every answer but a 2xx is thrown as an error.
    return (await this.withRetries(request, counted, () => this.exchange(request, url, undefined, counted))) as TransportResponse;
  }

  /**
   * One HTTP request and its response body within the attempt's deadline (timeoutMs, headers and
   * body together), reported to onRequest whatever the outcome.
   */
  private async exchange(
    request: TransportRequest,
    url: URL,
    authorization: Authorization | undefined,
    context: CallContext,
  ): Promise<TransportResponse | Challenged | { status: number; redirectTo: URL }> {
    // A cancelled operation starts nothing, and a refused request (the operation's budget) is not sent.
    if (context.signal?.aborted) throw cancellation(context.signal);
    context.beforeRequest?.({ kind: request.kind, method: request.method });
    // The deadline starts with the slot: waiting behind other requests is not the registry's time.
    const release = await this.slots.acquire(context.signal).catch((error: unknown) => {
      throw context.signal?.aborted ? cancellation(context.signal) : error;
    });
    const started = performance.now();
    // URL computes its origin anew on each read.
    const origin = url.origin;
    const ownOrigin = origin === this.origin;
    const deadline = new Deadline(this.timeoutMs, context.signal);
    const signal = deadline.signal;
    let status = 0;
    try {
      const response = await this.dispatcherFor(ownOrigin).request({
        origin,
        path: url.pathname + url.search,
        method: request.method,
        headers: authorization && ownOrigin ? { ...request.headers, authorization: authorization.header } : request.headers,
        body: request.body,
        signal,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        // undici closes the connection after a HEAD unless told otherwise (for servers that send
        // a body anyway; registries do not): each tag check would pay a new TCP and TLS handshake.
        ...(request.method === 'HEAD' && { reset: false }),
      });
      status = response.statusCode;
      const { body, headers } = response;

      const location = headers.location;
      if (request.followRedirects && REDIRECT_STATUSES.has(status) && typeof location === 'string') {
        await body.dump();
        return { status, redirectTo: this.redirectTarget(request.method, url, location) };
      }
      // A 401 from the registry itself is a challenge, for send() to answer, even where 401 is accepted.
      const challenge = status === 401 && ownOrigin && request.kind !== 'token';
      if (!challenge && ((status >= 200 && status < 300) || request.acceptStatuses?.includes(status))) {
        const bytes =
          request.maxBodyBytes === undefined
            ? await discard(body)
            : await this.readBounded(request.method, url, response, request.maxBodyBytes);
        return { method: request.method, url: url.href, status, headers, body: bytes };
      }
      const errorBody = await readUpTo(body, ERROR_BODY_LIMIT);
      const error = responseError({ method: request.method, url: url.href, status, body: errorBody, headers }, this.clock.now());
      if (!challenge) throw error;
      return { challenged: error, response: { method: request.method, url: url.href, status, headers, body: Buffer.alloc(0) } };
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      if (context.signal?.aborted) throw cancellation(context.signal);
      // Anything else is the connection failing: refused, reset, or no complete answer in time.
      throw this.networkError(request.method, url, error, deadline.passed);
    } finally {
      deadline.clear();
      release();
      this.onRequest?.(new RequestEvent(this.registry, request, url.href, status, performance.now() - started));
    }
  }

  private dispatcherFor(ownOrigin: boolean): Dispatcher {
    if (ownOrigin || this.injectedDispatcher) return this.registryDispatcher;
    this.foreignAgent ??= new Agent({
      connections: this.concurrency,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: { timeout: this.timeoutMs },
    });
    return this.foreignAgent;
  }

  private redirectTarget(method: HttpMethod, from: URL, location: string): URL {
    const target = URL.canParse(location, from.href) ? new URL(location, from) : undefined;
    if (target?.protocol !== 'http:' && target?.protocol !== 'https:') {
      throw new RegistryError({
        kind: 'PROTOCOL',
        message: `${describeRequest(method, from.href)}: redirect to an unusable location`,
        method,
        url: from.href,
      });
    }
    return target;
  }

  /** The body, refused as TOO_LARGE by its Content-Length up front or once it grows past the bound. */
  private async readBounded(
    method: HttpMethod,
    url: URL,
    { headers, body, statusCode }: Dispatcher.ResponseData,
    maxBytes: number,
  ): Promise<Buffer> {
    const tooLarge = (size: string): RegistryError =>
      new RegistryError({
        kind: 'TOO_LARGE',
        message: `${describeRequest(method, url.href)}: response of ${size} exceeds the limit of ${maxBytes} bytes`,
        method,
        url: url.href,
        status: statusCode,
      });
    const declared = Number(headers['content-length']);
    if (declared > maxBytes) {
      await body.dump();
      throw tooLarge(`${declared} bytes`);
    }
    const chunks: Buffer[] = [];
    let length = 0;
    // Leaving the loop early (throw, break) destroys the body, which drops its connection.
    for await (const chunk of body) {
      length += (chunk as Buffer).length;
      if (length > maxBytes) throw tooLarge(`more than ${maxBytes} bytes`);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks, length);
  }

  private networkError(method: HttpMethod, url: URL, cause: unknown, deadlinePassed: boolean): RegistryError {
    const timedOut = deadlinePassed || isUndiciTimeout(cause);
    const detail = timedOut
      ? `no complete answer within ${this.timeoutMs} ms`
      : `request failed: ${cause instanceof Error ? cause.message : String(cause)}`;
    return new RegistryError({
      kind: 'UNAVAILABLE',
      message: `${describeRequest(method, url.href)}: ${detail}`,
      method,
      url: url.href,
      timedOut,
      maybeApplied: !isConnectFailure(cause),
      cause,
    });
  }
}

/** Failures to connect at all: the request was never sent. */
const CONNECT_FAILURE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function isConnectFailure(cause: unknown): boolean {
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONNECT_FAILURE_CODES.has(code);
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function isUndiciTimeout(cause: unknown): boolean {
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TIMEOUT_CODES.has(code);
}

/** What a request of a cancelled operation fails with: the signal's reason when the caller gave one. */
function cancellation(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new Error('the operation was cancelled');
}

async function discard(body: Dispatcher.ResponseData['body']): Promise<Buffer> {
  await body.dump();
  return Buffer.alloc(0);
}

/** At most limit bytes of the body; the rest is dropped with the connection (see readBounded). */
async function readUpTo(body: Dispatcher.ResponseData['body'], limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
    if (length >= limit) break;
  }
  return Buffer.concat(chunks, length).subarray(0, limit);
}

/**
 * The attempt's deadline (headers and body together) joined with the caller's cancellation: one
 * timer and one callback (abortListeners.ts), cleared when the attempt ends. (AbortSignal.timeout
 * and AbortSignal.any cost a timer and a dependent signal each, per request, collected only by
 * the garbage collector.)
 */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly stopListening: (() => void) | undefined;
  passed = false;

  constructor(timeoutMs: number, caller: AbortSignal | undefined) {
    this.timer = setTimeout(() => {
      this.passed = true;
      this.controller.abort(new DOMException('the attempt took longer than its deadline', 'TimeoutError'));
    }, timeoutMs);
    if (caller?.aborted) this.controller.abort(caller.reason);
    else if (caller) this.stopListening = whenAborted(caller, () => this.controller.abort(caller.reason));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  clear(): void {
    clearTimeout(this.timer);
    this.stopListening?.();
  }
}

/**
 * What onRequest reports. The redacted path is worked out only when read (most events are only
 * counted); a class rather than an object literal with a getter, which would cost a closure and
 * an accessor per request.
 */
class RequestEvent implements UpstreamRequestEvent {
  readonly kind: RequestKind;
  readonly method: string;
  readonly #href: string;
  #path: string | undefined;

  constructor(
    readonly registry: string,
    request: TransportRequest,
    href: string,
    readonly status: number,
    readonly durationMs: number,
  ) {
    this.kind = request.kind;
    this.method = request.method;
    this.#href = href;
  }

  get path(): string {
    return (this.#path ??= redactPath(this.#href));
  }

  /** As logged: the redacted path with the rest (a getter on the prototype is not serialised by itself). */
  toJSON(): UpstreamRequestEvent {
    const { registry, kind, method, path, status, durationMs } = this;
    return { registry, kind, method, path, status, durationMs };
  }
}
