import { isDigest, isValidDigest, isValidRepositoryName, isValidTag } from '../registry/reference.js';
import type { GatewayContext } from '../loaders/context.js';
import type { RegistryEntry } from '../registrySet.js';
import { notFoundError, userInputError } from './errors.js';

/**
 * Arguments are checked against the distribution grammar here, before any upstream call: a
 * malformed name is the client's mistake and must not cost a request to the registry.
 */
export function repositoryNameArg(name: string): string {
  if (!isValidRepositoryName(name)) {
    throw userInputError(
      `invalid repository name "${truncate(name)}": lowercase path components of [a-z0-9] separated by ".", "_", "__" or "-", joined by "/", at most 255 characters`,
    );
  }
  return name;
}

export function tagArg(tag: string): string {
  if (!isValidTag(tag)) {
    throw userInputError(`invalid tag "${truncate(tag)}": up to 128 characters of [A-Za-z0-9_.-], not starting with "." or "-"`);
  }
  return tag;
}

export function digestArg(digest: string): string {
  if (!isValidDigest(digest)) {
    throw userInputError(`invalid digest "${truncate(digest)}": expected sha256:<64 lowercase hex> or sha512:<128 lowercase hex>`);
  }
  return digest;
}

/** A tag or a digest. */
export function referenceArg(reference: string): string {
  return isDigest(reference) || reference.includes(':') ? digestArg(reference) : tagArg(reference);
}

export function registryArg(context: GatewayContext, name: string | null | undefined): RegistryEntry {
  const entry = context.registries.find(name);
  if (!entry) throw notFoundError(`no registry named "${truncate(name ?? '')}" is configured`);
  return entry;
}

/** Keeps echoed input short in messages. */
function truncate(value: string): string {
  return value.length > 80 ? `${value.slice(0, 80)}…` : value;
}
