import { badInput } from '../model/errors.js';
import { type ArgumentGrammar, checkGrammar } from '../model/grammar.js';

/**
 * The local part of a global id: the identifying fields as a JSON array. The relay plugin
 * prefixes the type name and base64-encodes the whole, so clients see an opaque string.
 */
export function encodeLocalId(...parts: string[]): string {
  return JSON.stringify(parts);
}

/**
 * The parts of a local id, the first being a registry name and each further one checked
 * against its grammar: an id is client input like any argument.
 */
export function decodeLocalId(id: string, ...grammars: ArgumentGrammar[]): string[] {
  let parts: unknown;
  try {
    parts = JSON.parse(id);
  } catch {
    parts = undefined;
  }
  if (!Array.isArray(parts) || parts.length !== grammars.length + 1 || !parts.every((part) => typeof part === 'string')) {
    throw badInput('malformed node id');
  }
  grammars.forEach((kind, index) => checkGrammar(kind, parts[index + 1] as string));
  return parts as string[];
}
