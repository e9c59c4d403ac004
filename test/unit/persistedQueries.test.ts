/** The rules of persisted queries, without a server: what each mode answers to a hash, a text, or both. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import shipped from '../../src/client/generated/persisted-documents.json' with { type: 'json' };
import { parseConfig } from '../../src/config/index.js';
import { documentHash } from '../../src/config/trustedDocuments.js';
import { PersistedQueries, inMemoryPersistedQueryStore } from '../../src/server/persistedQueries.js';
import { configErrorMessage } from '../support/config.js';

const registries = [{ name: 'local', url: 'http://127.0.0.1:5000' }];
const CONFIGURED = 'query Configured { registries { id } }';
const ARBITRARY = '{ registry { name } }';
const [shippedHash, shippedText] = Object.entries(shipped)[0]!;
const bare = (hash: string) => hash.replace(/^sha256:/, '');
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

function documentsFile(documents: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'regql-documents-')), 'persisted-documents.json');
  writeFileSync(file, JSON.stringify(documents));
  return file;
}

function persistedQueries(mode: 'automatic' | 'trusted' | 'off', maxStoredBytes = 1024) {
  const documents = [documentsFile({ [documentHash(CONFIGURED)]: CONFIGURED })];
  const config = parseConfig({ registries, server: { persistedQueries: { mode, documents, maxStoredBytes } } });
  return new PersistedQueries(config.server.persistedQueries);
}

/** The code of the refusal, or 'runs: <text>' with the text that runs, and whether it is to be kept. */
async function outcome(queries: PersistedQueries, params: { query?: string; extensions?: Record<string, unknown> }): Promise<string> {
  try {
    const resolved = await queries.resolve(params);
    return `runs: ${resolved.params.query ?? '(no text)'}${resolved.keepAs ? ' (kept)' : ''}`;
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return `${(error as GraphQLError).extensions.code} ${(error as GraphQLError).extensions.http && JSON.stringify((error as GraphQLError).extensions.http)}`;
  }
}

describe.each([
  // mode, text alone, unknown hash alone, hash with its text, shipped hash alone (bare and prefixed), configured hash alone
  [
    'automatic',
    `runs: ${ARBITRARY}`,
    'PERSISTED_QUERY_NOT_FOUND {"status":200}',
    `runs: ${ARBITRARY} (kept)`,
    `runs: ${shippedText}`,
    `runs: ${CONFIGURED}`,
  ],
  [
    'trusted',
    'PERSISTED_QUERY_NOT_IN_LIST {"status":400}',
    'PERSISTED_QUERY_NOT_IN_LIST {"status":400}',
    'PERSISTED_QUERY_NOT_IN_LIST {"status":400}',
    `runs: ${shippedText}`,
    `runs: ${CONFIGURED}`,
  ],
  [
    'off',
    `runs: ${ARBITRARY}`,
    'PERSISTED_QUERY_NOT_SUPPORTED {"status":200}',
    `runs: ${ARBITRARY}`,
    'PERSISTED_QUERY_NOT_SUPPORTED {"status":200}',
    'PERSISTED_QUERY_NOT_SUPPORTED {"status":200}',
  ],
] as const)('mode %s', (mode, textAlone, unknownHash, hashWithText, shippedAlone, configuredAlone) => {
  const queries = persistedQueries(mode);
  it('a text alone', async () => expect(await outcome(queries, { query: ARBITRARY })).toBe(textAlone));
  it('a hash it does not know', async () =>
    expect(await outcome(queries, { extensions: persisted(documentHash(ARBITRARY)) })).toBe(unknownHash));
  it('a hash with its text', async () => {
    expect(await outcome(queries, { query: ARBITRARY, extensions: persisted(documentHash(ARBITRARY)) })).toBe(hashWithText);
  });
  it('the hash of a shipped operation, as codegen writes it and bare', async () => {
    expect(await outcome(queries, { extensions: persisted(shippedHash) })).toBe(shippedAlone);
    expect(await outcome(queries, { extensions: persisted(bare(shippedHash)) })).toBe(shippedAlone);
  });
  it('the hash of a configured operation', async () => {
    expect(await outcome(queries, { extensions: persisted(documentHash(CONFIGURED)) })).toBe(configuredAlone);
  });
  it('the text of a shipped operation, with or without its hash', async () => {
    const runs = `runs: ${shippedText}`;
    expect(await outcome(queries, { query: shippedText })).toBe(runs);
    expect(await outcome(queries, { query: shippedText, extensions: persisted(bare(shippedHash)) })).toBe(runs);
  });
});

describe('automatic persisted queries', () => {
  it('keep a text once it is kept, and find it by its hash then', async () => {
    const queries = persistedQueries('automatic');
    const extensions = persisted(documentHash(ARBITRARY));
    const sent = await queries.resolve({ query: ARBITRARY, extensions });
    expect(await outcome(queries, { extensions })).toBe('PERSISTED_QUERY_NOT_FOUND {"status":200}');
    await queries.keep(sent);
    expect(await outcome(queries, { extensions })).toBe(`runs: ${ARBITRARY}`);
  });

  it('refuse a text that is not the hash', async () => {
    const queries = persistedQueries('automatic');
    expect(await outcome(queries, { query: ARBITRARY, extensions: persisted(documentHash(CONFIGURED)) })).toBe(
      'BAD_USER_INPUT {"status":400}',
    );
  });

  it.each([
    ['version 2', { version: 2, sha256Hash: documentHash(ARBITRARY) }],
    ['a short hash', { version: 1, sha256Hash: 'abc' }],
    ['a hash of another algorithm', { version: 1, sha256Hash: `sha512:${documentHash(ARBITRARY)}` }],
    ['no hash', { version: 1 }],
    ['a string', 'abc'],
  ])('refuse a malformed extension: %s', async (_what, persistedQuery) => {
    expect(await outcome(persistedQueries('automatic'), { query: ARBITRARY, extensions: { persistedQuery } })).toBe(
      'BAD_USER_INPUT {"status":400}',
    );
  });

  it('keep texts up to maxStoredBytes, forgetting the least recently used', async () => {
    const store = inMemoryPersistedQueryStore(100);
    const texts = ['a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)];
    for (const text of texts) await store.set(documentHash(text), text);
    expect(await store.get(documentHash(texts[0]!))).toBeUndefined();
    expect(await store.get(documentHash(texts[2]!))).toBe(texts[2]);
    const none = inMemoryPersistedQueryStore(0);
    await none.set('x', 'y');
    expect(await none.get('x')).toBeUndefined();
  });
});

describe('server.persistedQueries.documents', () => {
  it.each([
    ['a hash that is not its text’s', { [documentHash(ARBITRARY)]: CONFIGURED }, /is not the SHA-256 of its operation text/],
    ['something that is not a hash', { 'my-query': CONFIGURED }, /"my-query" is not a SHA-256 hash/],
    ['an operation that is not a string', { [documentHash(ARBITRARY)]: 42 }, /is not a string/],
  ])('refuse %s at start-up, naming the file', (_what, documents, message) => {
    const file = documentsFile(documents);
    const error = configErrorMessage({ registries, server: { persistedQueries: { documents: [file] } } });
    expect(error).toMatch(message);
    expect(error).toContain(file);
  });

  it('refuse a file that cannot be read or is not JSON', () => {
    expect(configErrorMessage({ registries, server: { persistedQueries: { documents: ['/nonexistent/documents.json'] } } })).toMatch(
      /cannot read trusted documents \/nonexistent\/documents.json: ENOENT/,
    );
    const file = join(mkdtempSync(join(tmpdir(), 'regql-documents-')), 'broken.json');
    writeFileSync(file, '{');
    expect(configErrorMessage({ registries, server: { persistedQueries: { documents: [file] } } })).toMatch(/not JSON/);
  });
});
