/**
 * HTTP exchanges with one registry: a keep-alive pool whose size bounds the requests in flight,
 * timeouts, bounded body reads, redirects for blob downloads, authentication as the registry's
 * challenges ask (see auth/authenticator.ts), one onRequest event per request; every failure is a
 * RegistryError (responses.ts reads the registry's error bodies).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, Pool, type Dispatcher } from 'undici';
import { RegistryError, describeRequest, redactPath } from './errors.js';
import { responseError } from './responses.js';
import { Authenticator, type Authorization } from './auth/authenticator.js';
import type { Credentials } from './auth/credentials.js';
import { requestScopes } from './auth/scope.js';
import type { RequestKind, UpstreamRequestEvent } from './types.js';

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

export class Transport {
  readonly origin: string;
  private readonly registry: string;
  private readonly timeoutMs: number;
  private readonly onRequest: ((event: UpstreamRequestEvent) => void) | undefined;
  private readonly registryDispatcher: Dispatcher;
  private readonly injectedDispatcher: Dispatcher | undefined;
  private readonly concurrency: number;
  /** For redirect and upload targets on another origin (blob storage); created on first use. */
  private foreignAgent: Agent | undefined;
  private readonly authenticator: Authenticator;

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
    this.concurrency = options.concurrency;
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
      fetchToken: (url, headers) => this.fetchToken(url, headers),
    });
  }

  /**
   * Sends a request (and its redirects when asked), returning the final accepted response. A 401
   * from the registry is answered once: with the credentials, or a token for the scopes the
   * request needs (derived from its method and path), then the request is sent again.
   */
  async send(request: TransportRequest): Promise<TransportResponse> {
    const url = new URL(request.target, this.origin);
    // Only the registry's own URLs authenticate; storage URLs it hands out carry their own signature.
    const scopes = url.origin === this.origin ? requestScopes(request.method, url) : [];
    let authorization = url.origin === this.origin ? await this.authenticator.authorize(scopes) : undefined;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.follow(request, url, authorization);
      if (!('challenged' in outcome)) return outcome;
      const challenge = outcome.response.headers['www-authenticate'];
      const retryWith = attempt === 1 ? await this.authenticator.answer(challenge, scopes, authorization) : undefined;
      if (retryWith === undefined) {
        const refusal = this.authenticator.refusal(outcome.challenged, challenge, scopes, authorization);
        if (request.acceptStatuses?.includes(401)) return { ...outcome.response, refusal };
        throw refusal;
      }
      authorization = retryWith;
    }
  }

  /** The request and its redirects; the Authorization goes only to the registry's own origin. */
  private async follow(
    request: TransportRequest,
    target: URL,
    authorization: Authorization | undefined,
  ): Promise<TransportResponse | Challenged> {
    let url = target;
    for (let redirects = 0; ; redirects++) {
      const outcome = await this.exchange(request, url, authorization);
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

  async close(): Promise<void> {
    const owned = [this.foreignAgent, this.injectedDispatcher ? undefined : this.registryDispatcher];
    await Promise.all(owned.map((dispatcher) => dispatcher?.close()));
  }

  /** GET from the token server, outside authentication: its own credentials are in headers. */
  private async fetchToken(url: URL, headers: Record<string, string>): Promise<TransportResponse> {
    const request: TransportRequest = {
      kind: 'token',
      method: 'GET',
      target: url.href,
      headers,
      maxBodyBytes: TOKEN_RESPONSE_MAX_BYTES,
    };
    // Without followRedirects and as kind 'token', every answer but a 2xx is thrown as an error.
    return (await this.exchange(request, url, undefined)) as TransportResponse;
  }

  /** One HTTP request and its response body, reported to onRequest whatever the outcome. */
  private async exchange(
    request: TransportRequest,
    url: URL,
    authorization: Authorization | undefined,
  ): Promise<TransportResponse | Challenged | { status: number; redirectTo: URL }> {
    const started = performance.now();
    const ownOrigin = url.origin === this.origin;
    let status = 0;
    try {
      const response = await this.dispatcherFor(url).request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: request.method,
        headers: authorization && ownOrigin ? { ...request.headers, authorization: authorization.header } : request.headers,
        body: request.body,
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
      const error = responseError({ method: request.method, url: url.href, status, body: errorBody });
      if (!challenge) throw error;
      return { challenged: error, response: { method: request.method, url: url.href, status, headers, body: Buffer.alloc(0) } };
    } catch (error) {
      // Anything but our own verdicts is the connection failing: refused, reset, timed out.
      throw error instanceof RegistryError ? error : this.networkError(request.method, url, error);
    } finally {
      this.onRequest?.({
        registry: this.registry,
        kind: request.kind,
        method: request.method,
        path: redactPath(url.href),
        status,
        durationMs: performance.now() - started,
      });
    }
  }

  private dispatcherFor(url: URL): Dispatcher {
    if (url.origin === this.origin || this.injectedDispatcher) return this.registryDispatcher;
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

  private networkError(method: HttpMethod, url: URL, cause: unknown): RegistryError {
    return new RegistryError({
      kind: 'UNAVAILABLE',
      message: `${describeRequest(method, url.href)}: ${networkFailure(cause, this.timeoutMs)}`,
      method,
      url: url.href,
      cause,
    });
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function networkFailure(cause: unknown, timeoutMs: number): string {
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return `no answer within ${timeoutMs} ms`;
  const detail = cause instanceof Error ? cause.message : String(cause);
  return `request failed: ${detail}`;
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
