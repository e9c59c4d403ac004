import type { Dispatcher } from 'undici';
import type { Credentials } from './auth/credentials.js';
import { blobDelete, blobGet, blobHead } from './blob.js';
import { blobCopy, type BlobCopyRequest } from './blobCopy.js';
import { blobMount, type BlobMountResult } from './blobMount.js';
import { catalogPage } from './catalog.js';
import { manifestGet, manifestHead, type KnownManifest } from './manifest.js';
import { manifestDelete } from './manifestDelete.js';
import { ping } from './ping.js';
import { type ReferrersAnswer, referrersList } from './referrers.js';
import type { RetryPolicy } from './retry.js';
import { DEFAULT_LIST_LIMITS, type ListLimits, repositoryExists, tagsList } from './tags.js';
import { type RequestSender, Transport } from './transport.js';
import type {
  BlobHeadResult,
  CallContext,
  CatalogPage,
  Clock,
  FetchedManifest,
  ManifestHeadResult,
  PingResult,
  UpstreamRequestEvent,
} from './types.js';
import { blobUpload, manifestPut } from './upload.js';
import { type UploadState, uploadAppend, uploadCancel, uploadComplete, uploadStart, uploadStatus } from './uploadSession.js';

export interface RegistryClientOptions {
  /** The registry's name in configuration (reported in events and errors). */
  name: string;
  /** Base URL, e.g. http://127.0.0.1:5000 (no /v2 suffix). */
  url: string;
  /** Upstream requests in flight at once (size of the keep-alive pool). */
  concurrency: number;
  /** Deadline of each attempt of a request, headers and body together. */
  timeoutMs: number;
  /** Bound on a manifest document's size. */
  maxManifestBytes: number;
  /** Bound on a config blob's size for blobGet. */
  maxBlobBytes: number;
  /** Called once per upstream request. */
  onRequest?: (event: UpstreamRequestEvent) => void;
  /** Sends every request instead of the client's own pool (tests pass a MockAgent); the caller closes it. */
  dispatcher?: Dispatcher;
  /** Login for registries that ask for one (Basic, or toward their token server); anonymous without. */
  credentials?: Credentials;
  /** When failed requests are tried again; default DEFAULT_RETRY_POLICY. */
  retry?: RetryPolicy;
  /** Default: the system clock; tests pass one whose sleeps return at once. */
  clock?: Clock;
  /** Jitter source in [0, 1); default Math.random. */
  random?: () => number;
  /** Pages of one tag list followed at most; default DEFAULT_LIST_LIMITS.maxPages. */
  maxListPages?: number;
  /** Bytes of one tag list over all its pages; default DEFAULT_LIST_LIMITS.maxBytes. */
  maxListBytes?: number;
}

/**
 * A Docker Registry HTTP API V2 / OCI Distribution client for one registry. Every method
 * validates its names first (InvalidReferenceError, before any request) and fails with a
 * RegistryError otherwise.
 */
export class RegistryClient {
  readonly name: string;
  /** The registry's origin (credentials and path of the configured URL dropped). */
  readonly url: string;
  private readonly transport: Transport;
  /** What the methods send through: the transport, or in a view (withContext) the transport bound to a context. */
  private readonly sender: RequestSender;
  /** The largest manifest read or pushed (limits.maxManifestBytes). */
  readonly maxManifestBytes: number;
  private readonly maxBlobBytes: number;
  private readonly listLimits: ListLimits;

  constructor(options: RegistryClientOptions) {
    this.name = options.name;
    this.transport = new Transport({
      registry: options.name,
      url: options.url,
      concurrency: options.concurrency,
      timeoutMs: options.timeoutMs,
      dispatcher: options.dispatcher,
      onRequest: options.onRequest,
      credentials: options.credentials,
      retry: options.retry,
      clock: options.clock,
      random: options.random,
    });
    this.sender = this.transport;
    this.url = this.transport.origin;
    this.maxManifestBytes = options.maxManifestBytes;
    this.maxBlobBytes = options.maxBlobBytes;
    this.listLimits = {
      maxPages: options.maxListPages ?? DEFAULT_LIST_LIMITS.maxPages,
      maxBytes: options.maxListBytes ?? DEFAULT_LIST_LIMITS.maxBytes,
    };
  }

  /**
   * This client for one caller's operation: the same connection pool and settings, every request
   * carrying the context (cancellation, a count of requests). Close the client, not its views.
   */
  withContext(context: CallContext): RegistryClient {
    const view = Object.create(this) as RegistryClient;
    const transport = this.transport;
    const bound: RequestSender = { origin: transport.origin, send: (request) => transport.send(request, context) };
    Object.defineProperty(view, 'sender', { value: bound });
    return view;
  }

  ping(): Promise<PingResult> {
    return ping(this.sender);
  }

  /** One catalog page; n is at most 1000. */
  catalogPage(params: { n: number; last?: string }): Promise<CatalogPage> {
    return catalogPage(this.sender, params);
  }

  /**
   * Every tag of a repository, over all Link pages, in registry order, within the list limits.
   * NOT_FOUND for an unknown repository.
   */
  tagsList(repository: string): Promise<string[]> {
    return tagsList(this.sender, repository, this.listLimits);
  }

  /** Whether the registry knows the repository, without reading its whole tag list where the registry pages it. */
  repositoryExists(repository: string): Promise<boolean> {
    return repositoryExists(this.sender, repository);
  }

  /** GET with the four Accept types; verified against the digest when reference is a digest; `known` spares parsing a manifest held already. */
  manifestGet(repository: string, reference: string, known?: KnownManifest): Promise<FetchedManifest> {
    return manifestGet(this.sender, repository, reference, this.maxManifestBytes, known);
  }

  manifestHead(repository: string, reference: string): Promise<ManifestHeadResult> {
    return manifestHead(this.sender, repository, reference);
  }

  /** Whole blob, bounded by maxBlobBytes, verified against its digest. */
  blobGet(repository: string, digest: string): Promise<Buffer> {
    return blobGet(this.sender, repository, digest, this.maxBlobBytes);
  }

  blobHead(repository: string, digest: string): Promise<BlobHeadResult> {
    return blobHead(this.sender, repository, digest);
  }

  /** Monolithic upload (POST then PUT ?digest=); returns the digest. */
  blobUpload(repository: string, bytes: Buffer): Promise<string> {
    return blobUpload(this.sender, repository, bytes);
  }

  /** PUT a manifest under a tag or digest; returns the registry's Docker-Content-Digest. */
  manifestPut(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<string> {
    return manifestPut(this.sender, repository, reference, bytes, mediaType);
  }

  /** DELETE a manifest by digest (with every tag on it) or, where the registry supports it, one tag. */
  manifestDelete(repository: string, reference: string): Promise<void> {
    return manifestDelete(this.sender, repository, reference);
  }

  /** Cross-repository mount of a blob; when the registry will not mount, the upload session it opened instead. */
  blobMount(repository: string, digest: string, fromRepository: string): Promise<BlobMountResult> {
    return blobMount(this.sender, repository, digest, fromRepository);
  }

  /** Copies a blob between repositories through the gateway, chunk by chunk, verified against its digest. */
  blobCopy(request: BlobCopyRequest): Promise<void> {
    return blobCopy(this.sender, request);
  }

  /** DELETE a blob from the repository. */
  blobDelete(repository: string, digest: string): Promise<void> {
    return blobDelete(this.sender, repository, digest);
  }

  /** The referrers of a manifest by the OCI 1.1 API; undefined when the registry does not implement it. */
  referrersList(repository: string, digest: string, artifactType?: string): Promise<ReferrersAnswer | undefined> {
    return referrersList(this.sender, repository, digest, artifactType, this.listLimits);
  }

  /** Opens a resumable upload. */
  uploadStart(repository: string): Promise<UploadState> {
    return uploadStart(this.sender, repository);
  }

  uploadStatus(upload: UploadState): Promise<UploadState> {
    return uploadStatus(this.sender, upload);
  }

  uploadAppend(upload: UploadState, chunk: Buffer): Promise<UploadState> {
    return uploadAppend(this.sender, upload, chunk);
  }

  /** Completes an upload as `digest`, which the registry verifies; returns the digest it stored. */
  uploadComplete(upload: UploadState, digest: string, lastChunk?: Buffer): Promise<string> {
    return uploadComplete(this.sender, upload, digest, lastChunk);
  }

  uploadCancel(upload: UploadState): Promise<void> {
    return uploadCancel(this.sender, upload);
  }

  /** Requests to the registry in flight now, over every view of this client. */
  get inFlight(): number {
    return this.transport.inFlight;
  }

  /** Closes the connection pool; requests in flight finish first. */
  close(): Promise<void> {
    return this.transport.close();
  }
}
