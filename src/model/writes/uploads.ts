/**
 * Blob uploads through the gateway: a whole file streamed to the registry in one request, or a
 * resumable upload step by step. Files arrive as streams (GraphQL multipart requests) and go to
 * the registry a chunk at a time, so the gateway holds at most one chunk of a file, whatever its
 * size. An upload's id is its registry, repository and latest location (the registry signs the
 * location with the upload's state, so an older id is refused), encoded: nothing is kept in the
 * gateway, and the id works after a restart. A decoded id must name the repository it is used
 * with, and a location under that repository's uploads, so it reaches nothing else.
 */
import { createHash } from 'node:crypto';
import { isRegistryError } from '../../registry/errors.js';
import type { RegistryClient } from '../../registry/client.js';
import { digestAlgorithm, isValidDigest } from '../../registry/reference.js';
import type { UploadState } from '../../registry/uploadSession.js';
import { quote } from '../../util/quote.js';
import { GatewayError, badInput } from '../errors.js';
import type { Reads } from '../reads.js';
import type { Registries } from '../registries.js';
import type { RepositoryBlob } from '../types.js';
import { explainingRefusals } from './refusals.js';

/** A file of a multipart request, read once as a stream. */
export interface UploadedFile {
  readonly name: string;
  stream(): AsyncIterable<Uint8Array>;
}

export interface UploadLimits {
  /** Bytes one blob may have. */
  maxBlobBytes: number;
  /** Bytes sent to the registry per request, and the most the gateway holds of a file. */
  chunkBytes: number;
}

/** A resumable upload as the API shows it. */
export interface BlobUploadView {
  id: string;
  registry: string;
  repository: string;
  offset: number;
}

interface UploadTarget {
  registry?: string | null;
  repository: string;
}

export class Uploads {
  constructor(
    private readonly reads: Reads,
    private readonly registries: Registries,
    private readonly limits: UploadLimits,
  ) {}

  /** One file, streamed to the registry; refused (and the upload cancelled) when it does not hash to `digest`. */
  async uploadBlob(request: UploadTarget & { file: UploadedFile; digest?: string | null }): Promise<RepositoryBlob> {
    const { name, client } = this.target(request);
    const expected = request.digest ?? undefined;
    if (expected !== undefined && !isValidDigest(expected)) throw badInput(`${quote(expected)} is not a digest`);
    const hash = createHash(expected ? digestAlgorithm(expected) : 'sha256');
    let state = await explainingRefusals(() => client.uploadStart(request.repository));
    try {
      for await (const chunk of chunksOf(request.file, this.limits, 0)) {
        hash.update(chunk);
        state = await client.uploadAppend(state, chunk);
      }
      const digest = `${expected ? digestAlgorithm(expected) : 'sha256'}:${hash.digest('hex')}`;
      if (expected !== undefined && digest !== expected) {
        throw new GatewayError('DIGEST_MISMATCH', `the file hashes to ${digest}, not to ${expected}: nothing was stored`);
      }
      await client.uploadComplete(state, digest);
      this.reads.forget({ registry: name, repository: request.repository, tags: [], deletedDigests: [] });
      return { registry: name, repository: request.repository, digest, size: state.offset };
    } catch (error) {
      await client.uploadCancel(state).catch(() => undefined);
      throw error;
    }
  }

  async start(request: UploadTarget): Promise<BlobUploadView> {
    const { name, client } = this.target(request);
    const state = await explainingRefusals(() => client.uploadStart(request.repository));
    return view(name, request.repository, state);
  }

  /** How far the upload got; null when the registry no longer knows it (completed, cancelled, expired). */
  async status(request: UploadTarget & { id: string }): Promise<BlobUploadView | null> {
    const { name, client, state } = this.resolve(request);
    try {
      return view(name, request.repository, await client.uploadStatus(state));
    } catch (error) {
      if (isUnknownUpload(error)) return null;
      throw staleOr(error);
    }
  }

  /** Appends a chunk (streamed, a request per chunkBytes) at the upload's offset. */
  async append(request: UploadTarget & { id: string; chunk: UploadedFile }): Promise<BlobUploadView> {
    const { name, client } = this.resolve(request);
    let { state } = this.resolve(request);
    try {
      for await (const piece of chunksOf(request.chunk, this.limits, state.offset)) state = await client.uploadAppend(state, piece);
    } catch (error) {
      throw staleOr(error);
    }
    return view(name, request.repository, state);
  }

  /** Completes the upload as `digest`, after a last chunk when given; the registry checks the digest. */
  async complete(request: UploadTarget & { id: string; digest: string; chunk?: UploadedFile | null }): Promise<RepositoryBlob> {
    if (!isValidDigest(request.digest)) throw badInput(`${quote(request.digest)} is not a digest`);
    const { name, client } = this.resolve(request);
    let { state } = this.resolve(request);
    try {
      if (request.chunk)
        for await (const piece of chunksOf(request.chunk, this.limits, state.offset)) state = await client.uploadAppend(state, piece);
      const digest = await client.uploadComplete(state, request.digest);
      this.reads.forget({ registry: name, repository: request.repository, tags: [], deletedDigests: [] });
      return { registry: name, repository: request.repository, digest, size: state.offset };
    } catch (error) {
      if (isRegistryError(error) && error.registryErrors.some(({ code }) => code === 'DIGEST_INVALID')) {
        throw new GatewayError(
          'DIGEST_MISMATCH',
          `the uploaded bytes do not hash to ${request.digest} (the registry checked): the upload stays open`,
        );
      }
      throw staleOr(error);
    }
  }

  /** Cancels the upload; the registry drops what it holds. An upload it no longer knows is cancelled already. */
  async cancel(request: UploadTarget & { id: string }): Promise<boolean> {
    const { client, state } = this.resolve(request);
    try {
      await client.uploadCancel(state);
    } catch (error) {
      if (!isUnknownUpload(error)) throw staleOr(error);
    }
    return true;
  }

  private target(request: UploadTarget): { name: string; client: RegistryClient } {
    const name = this.registries.get(request.registry).config.name;
    return { name, client: this.reads.client(name) };
  }

  /** The upload an id names, refused unless it is an upload of this registry and repository. */
  private resolve(request: UploadTarget & { id: string }): { name: string; client: RegistryClient; state: UploadState } {
    const { name, client } = this.target(request);
    const decoded = decodeUploadId(request.id);
    const uploads = `/v2/${request.repository}/blobs/uploads/`;
    if (
      !decoded ||
      decoded.registry !== name ||
      decoded.repository !== request.repository ||
      !isUploadLocation(decoded.location, uploads)
    ) {
      throw badInput(`the upload id is not one of an upload to ${request.repository} in registry ${quote(name)}`);
    }
    return { name, client, state: { location: decoded.location, offset: decoded.offset } };
  }
}

function view(registry: string, repository: string, state: UploadState): BlobUploadView {
  return { id: encodeUploadId({ registry, repository, ...state }), registry, repository, offset: state.offset };
}

interface DecodedUploadId extends UploadState {
  registry: string;
  repository: string;
}

function encodeUploadId(upload: DecodedUploadId): string {
  return Buffer.from(JSON.stringify([upload.registry, upload.repository, upload.location, upload.offset])).toString('base64url');
}

function decodeUploadId(id: string): DecodedUploadId | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 4) return undefined;
    const [registry, repository, location, offset] = parsed as unknown[];
    if (typeof registry !== 'string' || typeof repository !== 'string' || typeof location !== 'string') return undefined;
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) return undefined;
    return { registry, repository, location, offset };
  } catch {
    return undefined;
  }
}

/** A path (with the registry's query) directly under the repository's uploads: `<uploads><uuid>?...`, no way out. */
function isUploadLocation(location: string, uploads: string): boolean {
  if (!location.startsWith(uploads) || !URL.canParse(location, 'http://registry.invalid')) return false;
  const url = new URL(location, 'http://registry.invalid');
  const rest = url.pathname.slice(uploads.length);
  return url.pathname.startsWith(uploads) && /^[A-Za-z0-9_.-]+$/.test(rest) && !rest.includes('..');
}

/** The registry no longer has the upload: completed, cancelled, or expired. */
function isUnknownUpload(error: unknown): boolean {
  return isRegistryError(error) && error.registryErrors.some(({ code }) => code === 'BLOB_UPLOAD_UNKNOWN');
}

/** An older id (the registry refuses a superseded location as BLOB_UPLOAD_INVALID) says what to do; other errors pass. */
function staleOr(error: unknown): unknown {
  if (isRegistryError(error) && error.registryErrors.some(({ code }) => code === 'BLOB_UPLOAD_INVALID')) {
    return new GatewayError('CONFLICT', 'the upload has moved on from this id: use the id the last step of the upload returned', {
      registryErrors: error.registryErrors.map(({ code, message }) => ({ code, message })),
    });
  }
  return error;
}

/**
 * The file in chunks of chunkBytes (the last one shorter), copied out of the stream so that only
 * one chunk is held; refused past maxBlobBytes counting the `offset` already uploaded.
 */
async function* chunksOf(file: UploadedFile, limits: UploadLimits, offset: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let total = offset;
  for await (const part of file.stream()) {
    total += part.length;
    if (total > limits.maxBlobBytes) throw badInput(`the blob is larger than ${limits.maxBlobBytes} bytes (limits.maxUploadBytes)`);
    let rest = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
    while (rest.length > 0) {
      const take = Math.min(rest.length, limits.chunkBytes - pendingBytes);
      pending.push(Buffer.from(rest.subarray(0, take)));
      pendingBytes += take;
      rest = rest.subarray(take);
      if (pendingBytes === limits.chunkBytes) {
        yield Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
      }
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes);
}
