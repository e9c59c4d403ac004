/** Tokens, an access configuration and registry inspection for the mutation tests. */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type FormattedExecutionResult } from 'graphql';
import type { RegistryClient } from '../../src/registry/client.js';
import { isRegistryError } from '../../src/registry/errors.js';
import type { TestGateway } from './gateway.js';

export const TOKENS = {
  admin: 'admin-0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  writer: 'writer-00112233445566778899aabbccddeeff',
  reader: 'reader-ffeeddccbbaa99887766554433221100',
} as const;

export const ACCESS = {
  tokens: [
    { name: 'admin', scopes: ['read', 'write', 'delete'] as const, token: TOKENS.admin },
    { name: 'writer', scopes: ['write'] as const, token: TOKENS.writer },
    { name: 'reader', scopes: ['read'] as const, token: TOKENS.reader },
  ].map((token) => ({ ...token, scopes: [...token.scopes] })),
};

export function bearer(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/** Runs a typed operation with the token as bearer (none when undefined). */
export async function executeAs<Result, Variables>(
  gateway: TestGateway,
  token: string | undefined,
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
): Promise<FormattedExecutionResult<Result>> {
  const response = await gateway.post({ query: print(document), variables }, bearer(token));
  return response.json() as Promise<FormattedExecutionResult<Result>>;
}

/** The repository's tags (sorted) with the digest each points at, read from the registry itself. */
export async function tagDigests(client: RegistryClient, repository: string): Promise<Record<string, string>> {
  const tags = await client.tagsList(repository).catch((error: unknown) => {
    if (isRegistryError(error, 'NOT_FOUND')) return [];
    throw error;
  });
  const entries = await Promise.all(tags.sort().map(async (tag) => [tag, (await client.manifestHead(repository, tag)).digest] as const));
  return Object.fromEntries(entries);
}

/** Whether the registry still serves the manifest by digest. */
export { hasManifest as manifestExists } from '../../src/model/writes/copyContent.js';
