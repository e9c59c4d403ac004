/**
 * DateTime: RFC 3339 date-times kept as the registry's documents write them (graphql-scalars'
 * DateTime goes through a JavaScript Date and cuts a config's nanoseconds to milliseconds).
 */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { isRfc3339 } from '../model/dates.js';
import type { UploadedFile } from '../model/writes/uploads.js';
import { quote } from '../util/quote.js';

function rfc3339(value: unknown): string {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
  if (typeof value === 'string' && isRfc3339(value)) return value;
  throw new GraphQLError(
    `DateTime takes an RFC 3339 date-time, such as 2026-11-29T19:14:14.461775486Z, not ${typeof value === 'string' ? quote(value) : typeof value}`,
  );
}

export const DateTimeScalar = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  description:
    "A date-time as RFC 3339 (section 5.6) writes it, such as 2026-11-29T19:14:14.461775486Z: as the registry's documents give it, every digit of the fraction and the offset kept.",
  specifiedByURL: 'https://datatracker.ietf.org/doc/html/rfc3339#section-5.6',
  serialize: rfc3339,
  parseValue: rfc3339,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime takes a string');
    return rfc3339(ast.value);
  },
});

/**
 * File: a file part of a GraphQL multipart request (src/server/multipart.ts puts a stream where
 * the operation's variables name it). Not writable inline in a query, nor returned.
 */
export const FileScalar = new GraphQLScalarType<UploadedFile, never>({
  name: 'File',
  description: 'A file sent in a GraphQL multipart request.',
  serialize: () => {
    throw new GraphQLError('File is an input only');
  },
  parseValue: (value) => {
    if (typeof value === 'object' && value !== null && typeof (value as UploadedFile).stream === 'function') return value as UploadedFile;
    throw new GraphQLError('File takes a file part of a multipart request (see the GraphQL multipart request spec), not an inline value');
  },
  parseLiteral: () => {
    throw new GraphQLError('File takes a file part of a multipart request, not a literal');
  },
});
