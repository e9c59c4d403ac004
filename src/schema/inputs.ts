import { assertDigest, assertRepositoryName, assertTag, assertTagOrDigest, parseReference } from '../registry/reference.js';
import type { GatewayContext } from '../loaders/context.js';
import type { RegistryEntry } from '../registrySet.js';
import { notFoundError } from './errors.js';

/**
 * The distribution grammar an argument follows. Arguments marked with `grammar(...)` are
 * checked for the whole operation before execution starts (see useArgumentGrammar), so a
 * malformed name is the client's error (BAD_USER_INPUT) and costs no upstream call, even when
 * it sits below a field that would call the registry first.
 */
export type ArgumentGrammar = 'repository' | 'tag' | 'digest' | 'tagOrDigest' | 'imageReference';

const CHECKS: Record<ArgumentGrammar, (value: string) => unknown> = {
  repository: assertRepositoryName,
  tag: assertTag,
  digest: assertDigest,
  tagOrDigest: assertTagOrDigest,
  imageReference: parseReference,
};

/** Options for an argument (or input field) that follows the grammar. */
export function grammar(kind: ArgumentGrammar) {
  return { extensions: { grammar: kind } };
}

/** The grammar an argument's extensions declare, if any. */
export function grammarOf(extensions: Readonly<Record<string, unknown>> | null | undefined): ArgumentGrammar | undefined {
  const kind = extensions?.grammar;
  return typeof kind === 'string' && kind in CHECKS ? (kind as ArgumentGrammar) : undefined;
}

/** Throws InvalidReferenceError (BAD_USER_INPUT) when value does not follow the grammar. */
export function checkGrammar(kind: ArgumentGrammar, value: string): void {
  CHECKS[kind](value);
}

export function registryArg(context: GatewayContext, name: string | null | undefined): RegistryEntry {
  const entry = context.registries.find(name);
  if (!entry) throw notFoundError(`no registry named ${JSON.stringify((name ?? '').slice(0, 80))} is configured`);
  return entry;
}
