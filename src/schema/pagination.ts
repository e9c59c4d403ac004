import { userInputError } from './errors.js';

/**
 * Cursors are opaque to clients: a kind prefix (so a cursor of one connection is refused by
 * another) and the position's key, base64url-encoded.
 */
export function encodeCursor(kind: string, key: string): string {
  return Buffer.from(`${kind}:${key}`, 'utf8').toString('base64url');
}

export function decodeCursor(kind: string, cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith(`${kind}:`)) throw userInputError('invalid cursor: pass an endCursor this connection returned');
  return decoded.slice(kind.length + 1);
}

export function pageSizeArg(first: number | null | undefined, defaultSize: number, maxSize: number): number {
  if (first === null || first === undefined) return defaultSize;
  if (!Number.isInteger(first) || first < 1 || first > maxSize) {
    throw userInputError(`first must be between 1 and ${maxSize}, got ${first}`);
  }
  return first;
}
