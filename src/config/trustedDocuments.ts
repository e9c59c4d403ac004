/**
 * Trusted documents: operations known before any request, by the SHA-256 of their text. The
 * file format is what graphql-codegen's client preset writes as persisted-documents.json (a JSON
 * object of hash → operation text; the hash bare or as "sha256:<hex>"), so a frontend's own
 * build can produce one. Every entry is checked: a hash that is not its text's is refused at
 * start-up rather than answered with the wrong operation.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isRecord } from '../util/isRecord.js';

/** The hex SHA-256 of an operation text: the key under which it is persisted. */
export function documentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const HASH = /^(?:sha256:)?([0-9a-f]{64})$/;

/** The key of a hash as clients send it (bare hex, or "sha256:" and hex), or undefined when it is none. */
export function documentKey(hash: string): string | undefined {
  return HASH.exec(hash.toLowerCase())?.[1];
}

/** A trusted-documents file that cannot be used; the message names the file and the entry. */
export class TrustedDocumentsError extends Error {
  override name = 'TrustedDocumentsError';
}

/** The documents of a persisted-documents.json object, by key; `origin` names it in errors. */
export function trustedDocumentsOf(json: unknown, origin: string): Map<string, string> {
  if (!isRecord(json)) throw new TrustedDocumentsError(`${origin}: expected a JSON object of hash → operation text`);
  const documents = new Map<string, string>();
  for (const [hash, text] of Object.entries(json)) {
    const key = documentKey(hash);
    const shown = JSON.stringify(hash.slice(0, 80));
    if (key === undefined) throw new TrustedDocumentsError(`${origin}: ${shown} is not a SHA-256 hash`);
    if (typeof text !== 'string') throw new TrustedDocumentsError(`${origin}: the operation of ${shown} is not a string`);
    if (documentHash(text) !== key) throw new TrustedDocumentsError(`${origin}: ${shown} is not the SHA-256 of its operation text`);
    documents.set(key, text);
  }
  return documents;
}

/** The documents of the files, merged. */
export function readTrustedDocuments(files: readonly string[]): Map<string, string> {
  const documents = new Map<string, string>();
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      const reason = error instanceof SyntaxError ? 'not JSON' : ((error as NodeJS.ErrnoException).code ?? 'read error');
      throw new TrustedDocumentsError(`cannot read trusted documents ${file}: ${reason}`);
    }
    for (const [key, text] of trustedDocumentsOf(json, file)) documents.set(key, text);
  }
  return documents;
}
