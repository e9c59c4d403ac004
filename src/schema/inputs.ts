import { type ArgumentGrammar, isArgumentGrammar } from '../model/grammar.js';

/**
 * Options for an argument (or input field) that follows a distribution grammar. Arguments marked
 * with `grammar(...)` are checked for the whole operation before execution starts (see
 * src/server/argumentGrammar.ts), so a malformed name is the client's error (BAD_USER_INPUT) and
 * costs no upstream call, even when it sits below a field that would call the registry first.
 */
export function grammar(kind: ArgumentGrammar) {
  return { extensions: { grammar: kind } };
}

/** The grammar an argument's extensions declare, if any. */
export function grammarOf(extensions: Readonly<Record<string, unknown>> | null | undefined): ArgumentGrammar | undefined {
  const kind = extensions?.grammar;
  return isArgumentGrammar(kind) ? kind : undefined;
}

/**
 * A string argument that is a document rather than a name (putManifest's document): exempt from
 * the length bound of other strings, bounded by the request size and the workflow's own limit.
 */
export function longText() {
  return { extensions: { longText: true } };
}

export function isLongText(extensions: Readonly<Record<string, unknown>> | null | undefined): boolean {
  return extensions?.longText === true;
}
