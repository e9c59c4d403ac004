/**
 * Pages of a list in the Relay connection shape: page sizes with their bounds, and cursors,
 * which are opaque to clients: a kind prefix (so a cursor of one list is refused by another)
 * and the position's key, base64url-encoded.
 */
import { badInput } from './errors.js';

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** Arguments every page takes. */
export interface PageRequest {
  first?: number | null;
  after?: string | null;
  prefix?: string | null;
}

export function encodeCursor(kind: string, key: string): string {
  return Buffer.from(`${kind}:${key}`, 'utf8').toString('base64url');
}

export function decodeCursor(kind: string, cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith(`${kind}:`)) throw badInput('invalid cursor: pass an endCursor this connection returned');
  return decoded.slice(kind.length + 1);
}

export function pageSize(first: number | null | undefined, defaultSize: number, maxSize: number): number {
  if (first === null || first === undefined) return defaultSize;
  if (!Number.isInteger(first) || first < 1 || first > maxSize) {
    throw badInput(`first must be between 1 and ${maxSize}, got ${first}`);
  }
  return first;
}

/** A connection over keys already in order; `start` is the index of the first key of the page. */
export function connectionOf<T>(
  cursorKind: string,
  keys: readonly string[],
  node: (key: string) => T,
  { hasNextPage, hasPreviousPage }: { hasNextPage: boolean; hasPreviousPage: boolean },
): Connection<T> {
  const edges = keys.map((key): Edge<T> => new LazyCursorEdge(cursorKind, key, node(key)));
  return {
    edges,
    pageInfo: { hasNextPage, hasPreviousPage, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

/** Most queries ask for the page's end cursor only: an edge encodes its own when asked. */
class LazyCursorEdge<T> implements Edge<T> {
  constructor(
    private readonly cursorKind: string,
    private readonly key: string,
    readonly node: T,
  ) {}

  get cursor(): string {
    return encodeCursor(this.cursorKind, this.key);
  }
}
