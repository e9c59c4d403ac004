// INTERFACE DRAFT: the registry-client helper replaces the bodies; signatures are fixed.
import type {
  BlobHeadResult,
  CatalogPage,
  FetchedManifest,
  ManifestHeadResult,
  PingResult,
  UpstreamRequestEvent,
} from './types.js';

export interface RegistryClientOptions {
  /** The registry's name in configuration (reported in events and errors). */
  name: string;
  /** Base URL, e.g. http://127.0.0.1:5000 (no /v2 suffix). */
  url: string;
  /** Upstream requests in flight at once (size of the keep-alive pool). */
  concurrency: number;
  /** Per-request timeout (headers and body). */
  timeoutMs: number;
  /** Bound on a manifest document's size. */
  maxManifestBytes: number;
  /** Bound on a config blob's size for blobGet. */
  maxBlobBytes: number;
  /** Called once per upstream request. */
  onRequest?: (event: UpstreamRequestEvent) => void;
}

export declare class RegistryClient {
  readonly name: string;
  readonly url: string;
  constructor(options: RegistryClientOptions);
  ping(): Promise<PingResult>;
  /** One catalog page; n is at most 1000. */
  catalogPage(params: { n: number; last?: string }): Promise<CatalogPage>;
  /** Every tag of a repository, over all Link pages, in registry order. NOT_FOUND for an unknown repository. */
  tagsList(repository: string): Promise<string[]>;
  /** GET with the four Accept types; verified against the digest when reference is a digest. */
  manifestGet(repository: string, reference: string): Promise<FetchedManifest>;
  manifestHead(repository: string, reference: string): Promise<ManifestHeadResult>;
  /** Whole blob, bounded by maxBlobBytes, verified against its digest. */
  blobGet(repository: string, digest: string): Promise<Buffer>;
  blobHead(repository: string, digest: string): Promise<BlobHeadResult>;
  /** Monolithic upload (POST then PUT ?digest=); returns the digest. */
  blobUpload(repository: string, bytes: Buffer): Promise<string>;
  /** PUT a manifest under a tag or digest; returns the registry's Docker-Content-Digest. */
  manifestPut(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<string>;
  close(): Promise<void>;
}
