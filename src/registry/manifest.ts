import { computeDigest, contentDigestHeader, verifyDigest } from './digest.js';
import { MANIFEST_ACCEPT, MediaType } from './mediaTypes.js';
import { assertRepositoryName, assertTagOrDigest, isDigest } from './reference.js';
import { isRecord } from '../util/isRecord.js';
import { contentLength, headerValue, jsonBody, protocolError } from './responses.js';
import type { RequestSender, TransportResponse } from './transport.js';
import type { FetchedManifest, ImageIndexDocument, ImageManifestDocument, ManifestHeadResult } from './types.js';

/** A manifest the caller already holds, by digest: bytes that hash to it need not be parsed again. */
export type KnownManifest = (digest: string) => FetchedManifest | undefined;

/**
 * GET /v2/<name>/manifests/<reference> asking for every schema2/OCI type (so the registry
 * never converts to schema1). The bytes are verified against the requested digest and against
 * Docker-Content-Digest, because the digest is what every later lookup trusts. When `known`
 * holds that digest (many tags on one manifest), its manifest is the answer: same bytes, same
 * document, and no second parse.
 */
export async function manifestGet(
  transport: RequestSender,
  repository: string,
  reference: string,
  maxManifestBytes: number,
  known?: KnownManifest,
): Promise<FetchedManifest> {
  assertRepositoryName(repository);
  assertTagOrDigest(reference);
  const response = await transport.send({
    kind: 'manifest',
    method: 'GET',
    target: `/v2/${repository}/manifests/${reference}`,
    headers: { accept: MANIFEST_ACCEPT },
    maxBodyBytes: maxManifestBytes,
  });
  const bytes = response.body;
  if (isDigest(reference)) verifyDigest(bytes, reference, response, 'the requested digest');
  const headerDigest = contentDigestHeader(response);
  // Hashed once: by digest, the header names the digest that was just verified.
  if (headerDigest !== undefined && headerDigest !== reference) verifyDigest(bytes, headerDigest, response, 'Docker-Content-Digest');
  const digest = headerDigest ?? computeDigest(bytes);
  return known?.(digest) ?? { ...classifyManifest(response), digest, size: bytes.length, bytes };
}

/**
 * A manifest from its bytes and media type as kept outside the registry (the cache replicas
 * share), trusted no more than a registry: checked against its digest and classified again.
 */
export function manifestFromBytes(bytes: Buffer, mediaType: string, digest: string): FetchedManifest {
  const response: TransportResponse = {
    method: 'GET',
    url: 'shared-cache:',
    status: 200,
    headers: { 'content-type': mediaType },
    body: bytes,
  };
  verifyDigest(bytes, digest, response, 'the digest it was kept under');
  return { ...classifyManifest(response), digest, size: bytes.length, bytes };
}

/** HEAD /v2/<name>/manifests/<reference>: digest, size and media type without the body. */
export async function manifestHead(transport: RequestSender, repository: string, reference: string): Promise<ManifestHeadResult> {
  assertRepositoryName(repository);
  assertTagOrDigest(reference);
  const response = await transport.send({
    kind: 'manifest',
    method: 'HEAD',
    target: `/v2/${repository}/manifests/${reference}`,
    headers: { accept: MANIFEST_ACCEPT },
  });
  const digest = contentDigestHeader(response) ?? (isDigest(reference) ? reference : undefined);
  if (digest === undefined) throw protocolError(response, 'no Docker-Content-Digest header');
  const mediaType = contentType(response);
  if (mediaType === undefined) throw protocolError(response, 'no Content-Type header');
  return { digest, mediaType, size: contentLength(response) };
}

export type ClassifiedManifest =
  | { kind: 'index'; mediaType: string; document: ImageIndexDocument }
  | { kind: 'image'; mediaType: string; document: ImageManifestDocument };

/**
 * Tells an index (a `manifests` list) from an image manifest (a `config` descriptor). The
 * media type is the document's own, else the response's Content-Type. Schema1 and anything
 * else is PROTOCOL: the gateway does not interpret it.
 */
export function classifyManifest(response: TransportResponse): ClassifiedManifest {
  const document = jsonBody(response);
  if (!isRecord(document)) throw protocolError(response, 'manifest is not a JSON object');
  const declaredMediaType = typeof document.mediaType === 'string' ? document.mediaType : contentType(response);
  if (document.schemaVersion !== 2) {
    throw protocolError(
      response,
      `unsupported manifest type: schemaVersion ${JSON.stringify(document.schemaVersion ?? null)}` +
        `${declaredMediaType ? ` (${declaredMediaType})` : ''}; only schemaVersion 2 images and indexes are supported`,
    );
  }
  if (Array.isArray(document.manifests)) {
    return {
      kind: 'index',
      mediaType: declaredMediaType ?? MediaType.ociIndex,
      document: document as unknown as ImageIndexDocument,
    };
  }
  if (isRecord(document.config) && Array.isArray(document.layers)) {
    return {
      kind: 'image',
      mediaType: declaredMediaType ?? MediaType.ociManifest,
      document: document as unknown as ImageManifestDocument,
    };
  }
  throw protocolError(
    response,
    `unsupported manifest type ${declaredMediaType ?? '(no media type)'}: ` +
      'neither an index (manifests) nor an image manifest (config and layers)',
  );
}

/** The Content-Type header without parameters such as charset. */
function contentType(response: TransportResponse): string | undefined {
  const value = headerValue(response.headers, 'content-type')?.split(';')[0]?.trim();
  return value || undefined;
}
