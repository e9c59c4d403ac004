/**
 * Reading the registry's responses: the mapping of an unaccepted status (and the registry's
 * `{"errors": [...]}` body) to a RegistryError, and the helpers that read headers and JSON
 * bodies, failing with PROTOCOL when the registry sends what the client cannot make sense of.
 */
import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import { isRecord } from '../util/isRecord.js';
import { RegistryError, type RegistryErrorCode, type RegistryErrorKind, describeRequest } from './errors.js';
import { parseRetryAfter } from './retry.js';
import type { TransportResponse } from './transport.js';

const EXCERPT_LENGTH = 200;

const KIND_BY_STATUS: Readonly<Record<number, RegistryErrorKind>> = {
  400: 'INVALID',
  401: 'UNAUTHORIZED',
  403: 'DENIED',
  404: 'NOT_FOUND',
  405: 'UNSUPPORTED',
  429: 'RATE_LIMITED',
};

/** Error codes that say more about what happened than the status they come with. */
const KIND_BY_CODE: Readonly<Record<string, RegistryErrorKind>> = {
  TOOMANYREQUESTS: 'RATE_LIMITED',
  DENIED: 'DENIED',
  UNAUTHORIZED: 'UNAUTHORIZED',
  UNSUPPORTED: 'UNSUPPORTED',
};

export interface ErrorResponse {
  method: string;
  url: string;
  status: number;
  body: Buffer;
  headers?: IncomingHttpHeaders;
}

/** The RegistryError for a response with an unaccepted status. */
export function responseError({ method, url, status, body, headers = {} }: ErrorResponse, now: number = Date.now()): RegistryError {
  const registryErrors = parseErrorBody(body);
  const codeKind = registryErrors.map((entry) => KIND_BY_CODE[entry.code]).find((kind) => kind !== undefined);
  const statusKind = KIND_BY_STATUS[status] ?? (status >= 500 && status < 600 ? 'UNAVAILABLE' : 'PROTOCOL');
  const detail =
    registryErrors.length > 0
      ? registryErrors.map((entry) => [entry.code, entry.message].filter(Boolean).join(' ')).join('; ')
      : excerpt(body.toString('utf8')) || STATUS_CODES[status] || 'unexpected status';
  return new RegistryError({
    kind: codeKind ?? statusKind,
    message: `${describeRequest(method, url)}: ${status} ${detail}`,
    method,
    url,
    status,
    registryErrors,
    retryAfterMs: parseRetryAfter(headerValue(headers, 'retry-after'), now),
  });
}

/** The entries of a distribution `{"errors": [...]}` body; [] for any other body. */
export function parseErrorBody(body: Buffer): RegistryErrorCode[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return [];
  }
  const errors = isRecord(parsed) ? parsed.errors : undefined;
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((entry: unknown): RegistryErrorCode[] => {
    const { code, message, detail } = (entry ?? {}) as Record<string, unknown>;
    if (typeof code !== 'string') return [];
    const parsedEntry: RegistryErrorCode = { code };
    if (typeof message === 'string') parsedEntry.message = message;
    if (detail !== undefined) parsedEntry.detail = detail;
    return [parsedEntry];
  });
}

/** A plain-text body (a proxy's page, "read-only mode") squeezed into one short line. */
export function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= EXCERPT_LENGTH ? line : `${line.slice(0, EXCERPT_LENGTH - 1)}…`;
}

/** A PROTOCOL error about a response the client cannot make sense of. */
export function protocolError(response: Pick<TransportResponse, 'method' | 'url' | 'status'>, detail: string): RegistryError {
  return new RegistryError({
    kind: 'PROTOCOL',
    message: `${describeRequest(response.method, response.url)}: ${detail}`,
    method: response.method,
    url: response.url,
    status: response.status,
  });
}

/** The parsed JSON body; PROTOCOL when it is not JSON. */
export function jsonBody(response: TransportResponse): unknown {
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch {
    throw protocolError(response, `response is not JSON: ${excerpt(response.body.toString('utf8'))}`);
  }
}

/** The Content-Length header as a byte count; PROTOCOL when it is missing or malformed. */
export function contentLength(response: TransportResponse): number {
  const value = headerValue(response.headers, 'content-length');
  if (value === undefined || !/^\d+$/.test(value)) {
    throw protocolError(response, `no usable Content-Length header (${JSON.stringify(value ?? null)})`);
  }
  return Number(value);
}

/** The first value of a response header. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
