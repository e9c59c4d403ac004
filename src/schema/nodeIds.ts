import { userInputError } from './errors.js';

/**
 * The local part of a global id: the identifying fields as a JSON array. The relay plugin
 * prefixes the type name and base64-encodes the whole, so clients see an opaque string.
 */
export function encodeLocalId(...parts: string[]): string {
  return JSON.stringify(parts);
}

export function decodeLocalId(id: string, count: number): string[] {
  let parts: unknown;
  try {
    parts = JSON.parse(id);
  } catch {
    parts = undefined;
  }
  if (!Array.isArray(parts) || parts.length !== count || !parts.every((part) => typeof part === 'string')) {
    throw userInputError('malformed node id');
  }
  return parts as string[];
}
