/**
 * Paged list responses (catalog, tags): the RFC 8288 Link header that names the next page,
 * e.g. `</v2/_catalog?last=b&n=2>; rel="next"`, and the list field of each page.
 */
import { redactUrl } from './errors.js';
import { isRecord } from '../util/isRecord.js';
import { jsonBody, protocolError } from './responses.js';
import type { TransportResponse } from './transport.js';

/** Bound on one page of a catalog or tag list (a registry may send every tag in one page). */
export const LIST_PAGE_MAX_BYTES = 32 * 1024 * 1024;

/** `<target>` and its `; key=value` parameters (quoted values may hold ',' and ';'): one link of a header. */
const LINK = /<([^>]*)>((?:\s*;\s*(?:[^;,"]|"[^"]*")*)*)/g;
const PARAMETER = /;\s*([^=;,\s]+)\s*=\s*(?:"([^"]*)"|([^;,\s]*))/g;

/** The target of the rel="next" link among Link header values, as written (maybe relative). */
export function nextLink(header: string | string[] | undefined): string | undefined {
  const values = header === undefined ? [] : [header].flat();
  for (const value of values) {
    for (const [, target = '', parameters = ''] of value.matchAll(LINK)) {
      for (const [, key = '', quoted, bare] of parameters.matchAll(PARAMETER)) {
        const relations = (quoted ?? bare ?? '').toLowerCase().split(/\s+/);
        if (key.toLowerCase() === 'rel' && relations.includes('next')) return target;
      }
    }
  }
  return undefined;
}

/** Resolves relative links when only their query is read, so any base will do. */
const ANY_BASE = 'http://registry.invalid/';

/** The `last` query parameter of a link, relative or absolute. */
export function lastFromLink(link: string): string | undefined {
  if (!URL.canParse(link, ANY_BASE)) return undefined;
  return new URL(link, ANY_BASE).searchParams.get('last') ?? undefined;
}

/**
 * The path and query of the next page, resolved against the page that named it. A link to
 * another origin is refused rather than followed: a page is never fetched from elsewhere.
 */
export function nextPagePath(response: TransportResponse, registryOrigin: string): string | undefined {
  const link = nextLink(response.headers.link);
  if (link === undefined) return undefined;
  const next = URL.canParse(link, response.url) ? new URL(link, response.url) : undefined;
  if (next?.origin !== registryOrigin) {
    const where = next ? redactUrl(next.href) : 'an unparsable URL';
    throw protocolError(response, `Link header names a next page outside the registry: ${where}`);
  }
  return next.pathname + next.search;
}

/** A page's list of names; a null or missing list (a registry's way of saying none) is []. */
export function listField(response: TransportResponse, field: 'repositories' | 'tags'): string[] {
  const document = jsonBody(response);
  if (!isRecord(document)) throw protocolError(response, `expected a JSON object with "${field}"`);
  const list = document[field] ?? [];
  if (!Array.isArray(list) || !list.every((entry) => typeof entry === 'string')) {
    throw protocolError(response, `"${field}" is not a list of names`);
  }
  return list;
}
