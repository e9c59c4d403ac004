/**
 * The distribution grammar an argument follows (src/registry/reference.ts): checked for the
 * whole operation before it runs, so a malformed name is the client's error and costs no
 * upstream call. A value that breaks its grammar throws InvalidReferenceError (BAD_USER_INPUT).
 */
import { assertDigest, assertRepositoryName, assertTag, assertTagOrDigest, parseReference } from '../registry/reference.js';

export type ArgumentGrammar = 'repository' | 'tag' | 'digest' | 'tagOrDigest' | 'imageReference';

const CHECKS: Record<ArgumentGrammar, (value: string) => unknown> = {
  repository: assertRepositoryName,
  tag: assertTag,
  digest: assertDigest,
  tagOrDigest: assertTagOrDigest,
  imageReference: parseReference,
};

export function isArgumentGrammar(kind: unknown): kind is ArgumentGrammar {
  return typeof kind === 'string' && kind in CHECKS;
}

export function checkGrammar(kind: ArgumentGrammar, value: string): void {
  CHECKS[kind](value);
}
