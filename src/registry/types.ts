/** Documents of the OCI image spec and Docker image manifest v2, as the registry stores them. */
import type { RegistryError } from './errors.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
}

export interface ImageManifestDocument {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageIndexDocument {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** The image configuration (OCI image config / Docker container image v1); every field optional. */
export interface ImageConfigDocument {
  created?: string;
  author?: string;
  architecture?: string;
  os?: string;
  'os.version'?: string;
  variant?: string;
  config?: {
    User?: string;
    ExposedPorts?: Record<string, unknown>;
    Env?: string[];
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
  };
  rootfs?: { type: string; diff_ids: string[] };
  history?: Array<{
    created?: string;
    created_by?: string;
    author?: string;
    comment?: string;
    empty_layer?: boolean;
  }>;
}

/** A manifest as fetched: the exact bytes, their digest and the parsed document. */
export type FetchedManifest =
  | { kind: 'image'; digest: string; mediaType: string; size: number; bytes: Buffer; document: ImageManifestDocument }
  | { kind: 'index'; digest: string; mediaType: string; size: number; bytes: Buffer; document: ImageIndexDocument };

export interface ManifestHeadResult {
  digest: string;
  mediaType: string;
  size: number;
}

export interface BlobHeadResult {
  digest: string;
  size: number;
}

export interface PingResult {
  /** HTTP status of GET /v2/ after authentication (200 when the gateway may read, 401 when it may not). */
  status: number;
  /** When the status is not 200: why the registry refuses the gateway (UNAUTHORIZED or DENIED). */
  refusal?: RegistryError;
  /** The Docker-Distribution-API-Version header, when sent. */
  apiVersion: string | undefined;
  latencyMs: number;
}

export interface CatalogPage {
  repositories: string[];
  /** The `last` value of the next page, from the Link header; undefined when there is none. */
  nextLast: string | undefined;
}

/** What kind of registry resource an upstream request touched; used for counting and metrics. */
export type RequestKind = 'ping' | 'catalog' | 'tags' | 'manifest' | 'referrers' | 'blob' | 'upload' | 'token';

/**
 * Reported once per upstream HTTP request, after its response (or failure). Read its properties:
 * `path` may be a getter (worked out when read), which a spread or a clone would drop.
 */
export interface UpstreamRequestEvent {
  registry: string;
  kind: RequestKind;
  method: string;
  /** Path and query, redacted. */
  path: string;
  /** 0 when no response came (network error, timeout). */
  status: number;
  durationMs: number;
}

/**
 * What the requests of one caller's operation carry, so that the operation can be cancelled and
 * its requests counted without the client knowing what the operation is.
 */
export interface CallContext {
  /**
   * Aborts the requests in flight, and refuses to start new ones, when it fires; its reason
   * (when an Error) is what they fail with.
   */
  signal?: AbortSignal;
  /** Called before each HTTP request (every attempt, redirect and token request); throwing refuses the request. */
  beforeRequest?: (request: { kind: RequestKind; method: string }) => void;
}

/** Time as the transport sees it; tests pass a clock whose sleeps return at once. */
export interface Clock {
  now(): number;
  /** Resolves after ms, or rejects with the signal's reason when it fires first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
