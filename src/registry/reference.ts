/**
 * The distribution reference grammar (github.com/distribution/reference), restricted to what
 * the gateway accepts: repository paths without a registry host, tags, and sha256/sha512
 * digests. Names are checked before any request so that a caller's typo is reported as the
 * caller's error, never sent upstream, and never interpolated unchecked into a URL path.
 */
import { quote } from '../util/quote.js';

/** Which part of a reference an InvalidReferenceError is about. */
export type ReferencePart = 'repository' | 'tag' | 'digest' | 'reference';

/** The caller's input does not follow the reference grammar (not a registry failure). */
export class InvalidReferenceError extends Error {
  readonly part: ReferencePart;
  /** The value, quoted and cut short: what messages show of it. */
  readonly quoted: string;
  readonly reason: string;

  constructor(part: ReferencePart, value: string, reason: string) {
    const quoted = quote(value);
    super(`invalid ${part} ${quoted}: ${reason}`);
    this.name = 'InvalidReferenceError';
    this.part = part;
    this.quoted = quoted;
    this.reason = reason;
  }
}

export interface ParsedReference {
  repository: string;
  tag?: string;
  digest?: string;
}

const MAX_REPOSITORY_LENGTH = 255;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST_SHAPE = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):(.+)$/;
/** Hex length of each supported algorithm's digest. */
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha512: 128 };

export type DigestAlgorithm = 'sha256' | 'sha512';

/** The reason a repository name is invalid, or undefined when it is valid. */
function repositoryNameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (name.length > MAX_REPOSITORY_LENGTH) {
    return `is ${name.length} characters long, at most ${MAX_REPOSITORY_LENGTH} are allowed`;
  }
  for (const component of name.split('/')) {
    if (component.includes(':') || component.includes('@')) {
      return 'must not contain a registry host, a tag or a digest';
    }
    if (!PATH_COMPONENT.test(component)) {
      return (
        `path component ${quote(component)} must be lowercase letters and digits, ` + `separated by single '.', '_', '__' or runs of '-'`
      );
    }
  }
  return undefined;
}

function tagProblem(tag: string): string | undefined {
  if (tag.length > 128) return `is ${tag.length} characters long, at most 128 are allowed`;
  if (!TAG.test(tag)) {
    return "must start with a letter, digit or '_' and contain only letters, digits, '_', '.' and '-'";
  }
  return undefined;
}

function digestProblem(digest: string): string | undefined {
  const shape = DIGEST_SHAPE.exec(digest);
  if (!shape) return "expected 'algorithm:hex', e.g. sha256:<64 hex characters>";
  const [, algorithm = '', hex = ''] = shape;
  const hexLength = DIGEST_HEX_LENGTH[algorithm];
  if (hexLength === undefined) {
    return `unsupported algorithm ${quote(algorithm)} (sha256 and sha512 are supported)`;
  }
  if (hex.length !== hexLength || !/^[0-9a-f]+$/.test(hex)) {
    return `${algorithm} needs exactly ${hexLength} lowercase hex characters`;
  }
  return undefined;
}

export function isValidRepositoryName(name: string): boolean {
  return repositoryNameProblem(name) === undefined;
}

export function isValidTag(tag: string): boolean {
  return tagProblem(tag) === undefined;
}

export function isValidDigest(digest: string): boolean {
  return digestProblem(digest) === undefined;
}

/**
 * Whether a manifest reference is meant as a digest rather than a tag. Only the shape is
 * looked at (a tag can never contain ':'); validate with isValidDigest.
 */
export function isDigest(reference: string): boolean {
  return reference.includes(':');
}

export function assertRepositoryName(name: string): void {
  const problem = repositoryNameProblem(name);
  if (problem !== undefined) throw new InvalidReferenceError('repository', name, problem);
}

export function assertTag(tag: string): void {
  const problem = tagProblem(tag);
  if (problem !== undefined) throw new InvalidReferenceError('tag', tag, problem);
}

export function assertDigest(digest: string): void {
  const problem = digestProblem(digest);
  if (problem !== undefined) throw new InvalidReferenceError('digest', digest, problem);
}

/** A manifest reference: a digest when it has the shape of one, else a tag. */
export function assertTagOrDigest(reference: string): void {
  if (isDigest(reference)) assertDigest(reference);
  else assertTag(reference);
}

/** The algorithm of a digest that passed isValidDigest. */
export function digestAlgorithm(digest: string): DigestAlgorithm {
  return digest.slice(0, digest.indexOf(':')) as DigestAlgorithm;
}

/** Splits 'repo', 'repo:tag', 'repo@digest' or 'repo:tag@digest', validating every part. */
export function parseReference(reference: string): ParsedReference {
  const at = reference.indexOf('@');
  const nameAndTag = at === -1 ? reference : reference.slice(0, at);
  const digest = at === -1 ? undefined : reference.slice(at + 1);
  // A tag's colon comes after the last '/'; a colon before it would be a registry host's port.
  const colon = nameAndTag.lastIndexOf(':');
  const hasTag = colon > nameAndTag.lastIndexOf('/');
  const repository = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;

  if (repository === '') {
    throw new InvalidReferenceError('reference', reference, 'the repository name is missing');
  }
  assertRepositoryName(repository);
  if (tag !== undefined) assertTag(tag);
  if (digest !== undefined) assertDigest(digest);

  const parsed: ParsedReference = { repository };
  if (tag !== undefined) parsed.tag = tag;
  if (digest !== undefined) parsed.digest = digest;
  return parsed;
}
