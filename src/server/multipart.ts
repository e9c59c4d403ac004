/**
 * GraphQL multipart requests (the spec graphql-upload and Apollo's upload link follow:
 * `operations`, then `map`, then the files) parsed as a stream. Yoga's own parser reads every
 * file into memory before the operation starts; here the operation starts once `operations`
 * and `map` have arrived, and each file is a stream its resolver reads while the request's body
 * is still coming in, so the gateway holds a chunk of a file at a time, whatever its size.
 */
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import { GraphQLError } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import type { UploadedFile } from '../model/writes/uploads.js';
import { isRecord } from '../util/isRecord.js';

export interface MultipartLimits {
  /** Bytes of the `operations` and `map` fields. */
  maxFieldBytes: number;
  /** Files in one request. */
  maxFiles: number;
}

/** A file of the request: its stream once the request's body reaches it. */
class StreamedFile implements UploadedFile {
  private readonly arrived: Promise<Readable>;
  private deliver!: (stream: Readable) => void;
  private fail!: (error: Error) => void;
  private read = false;

  constructor(readonly name: string) {
    this.arrived = new Promise((resolve, reject) => {
      this.deliver = resolve;
      this.fail = reject;
    });
    // A file no resolver reads may never arrive; that is no unhandled rejection.
    this.arrived.catch(() => undefined);
  }

  async *stream(): AsyncIterable<Uint8Array> {
    if (this.read) throw new GraphQLError(`the file "${this.name}" was read already`);
    this.read = true;
    yield* await this.arrived;
  }

  arrive(stream: Readable): void {
    this.deliver(stream);
  }

  missing(error: Error): void {
    this.fail(error);
  }

  /** Lets the rest of the body through when no resolver read the file. */
  async discard(): Promise<void> {
    if (this.read) return;
    this.read = true;
    (await this.arrived.catch(() => undefined))?.resume();
  }
}

function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

/** Parses multipart POSTs to the GraphQL endpoint as streams; other requests are left to yoga. */
export function useStreamingMultipart(limits: MultipartLimits): Plugin {
  const filesOf = new WeakMap<Request, StreamedFile[]>();
  return {
    onRequestParse({ request, setRequestParser }) {
      if (request.method !== 'POST' || !request.headers.get('content-type')?.toLowerCase().startsWith('multipart/form-data')) return;
      setRequestParser(async (parsed) => {
        const { params, files } = await parseMultipart(parsed, limits);
        filesOf.set(request, files);
        return params;
      });
    },
    async onResponse({ request }) {
      for (const file of filesOf.get(request) ?? []) await file.discard();
    },
  };
}

async function parseMultipart(request: Request, limits: MultipartLimits): Promise<{ params: GraphQLParams; files: StreamedFile[] }> {
  if (!request.body) throw badRequest('a multipart request without a body');
  const parser = new Busboy({
    headers: { 'content-type': request.headers.get('content-type') ?? '' },
    limits: { fieldSize: limits.maxFieldBytes, fields: 2, files: limits.maxFiles },
  });
  const fields = new PassThrough({ objectMode: true });
  const filesByField = new Map<string, StreamedFile>();
  const files: StreamedFile[] = [];
  /** File parts that came before the map named them: held (unread, so the body waits) until it does. */
  const early = new Map<string, Readable>();
  /** Set once the body is parsed: undefined while it is not, null when it ended well. */
  let ending: Error | null | undefined;
  let params: GraphQLParams | undefined;

  parser.on('field', (name: string, value: string, _nameTruncated: boolean, valueTruncated: boolean) => {
    fields.write({ name, value, valueTruncated });
  });
  parser.on('file', (field: string, stream: Readable) => {
    const file = filesByField.get(field);
    if (file) file.arrive(stream);
    else if (params === undefined || files.length === 0) early.set(field, stream);
    else stream.resume();
  });
  const ended = (error?: Error) => {
    if (ending !== undefined) return;
    ending = error ?? null;
    fields.end();
    for (const file of files) file.missing(error ?? badRequest(`the request ended before the file "${file.name}"`));
  };
  parser.on('finish', () => ended());
  parser.on('error', (error: Error) => ended(error));
  parser.on('filesLimit', () => ended(badRequest(`more than ${limits.maxFiles} files in one request`)));
  void pump(request.body, parser);

  for await (const { name, value, valueTruncated } of fields as AsyncIterable<{ name: string; value: string; valueTruncated: boolean }>) {
    if (valueTruncated) throw badRequest(`the multipart field "${name}" is longer than ${limits.maxFieldBytes} bytes`);
    if (name === 'operations') {
      params = parseJson(value, 'operations') as GraphQLParams;
      if (!isRecord(params) || Array.isArray(params))
        throw badRequest('the multipart field "operations" must be one operation (batching is not offered)');
      continue;
    }
    if (name !== 'map') throw badRequest(`unexpected multipart field "${name}": operations and map come first, then the files`);
    if (!params) throw badRequest('the multipart field "map" came before "operations"');
    const map = parseJson(value, 'map');
    if (!isRecord(map)) throw badRequest('the multipart field "map" must be an object of file field → variable paths');
    for (const [field, paths] of Object.entries(map)) {
      if (!Array.isArray(paths) || paths.length !== 1 || typeof paths[0] !== 'string') {
        throw badRequest(`map["${field}"] must name exactly one variable path (a file is read once)`);
      }
      const file = new StreamedFile(field);
      filesByField.set(field, file);
      files.push(file);
      place(params, paths[0], file);
      const arrived = early.get(field);
      if (arrived) file.arrive(arrived);
      else if (ending !== undefined) file.missing(ending ?? badRequest(`the request has no file "${field}"`));
    }
    for (const [field, stream] of early) if (!filesByField.has(field)) stream.resume();
    return { params, files };
  }
  if (!params) throw badRequest('a multipart request without the field "operations"');
  return { params, files };
}

/** Feeds the body to the parser, waiting when it asks (a file's reader is behind). */
async function pump(body: ReadableStream<Uint8Array>, parser: BusboyInstance): Promise<void> {
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      if (!parser.write(chunk)) await once(parser, 'drain');
    }
    parser.end();
  } catch (error) {
    parser.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest(`the multipart field "${field}" is not JSON`);
  }
}

/** Puts the file at a path of the operation such as `variables.input.file`. */
function place(params: GraphQLParams, path: string, file: StreamedFile): void {
  const keys = path.split('.');
  if (
    keys[0] !== 'variables' ||
    keys.length < 2 ||
    keys.some((key) => key === '__proto__' || key === 'constructor' || key === 'prototype')
  ) {
    throw badRequest(`the map path "${path.slice(0, 100)}" is not a path into variables`);
  }
  let target: Record<string, unknown> = params as unknown as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    const next = target[key];
    if (!isRecord(next)) throw badRequest(`the map path "${path.slice(0, 100)}" names no variable of the operation`);
    target = next;
  }
  const last = keys.at(-1)!;
  if (target[last] !== null) throw badRequest(`the map path "${path.slice(0, 100)}" must name a variable that is null in operations`);
  target[last] = file;
}
