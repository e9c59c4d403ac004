/**
 * A registry of the tests' own, on loopback, for what a real registry cannot be made to do on
 * demand: drip a body, answer 503 in bursts, send Link headers without end, list a million tags,
 * hand out names that break the grammar. It serves in-memory content the way distribution does
 * (catalog, tag lists, manifests by tag and digest with Docker-Content-Digest, blobs), and a
 * test's `intercept` may answer any request itself first.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeManifest {
  mediaType: string;
  bytes: Buffer;
}

export interface FakeRepository {
  /** Tag → digest, in the order the tag list gives them. */
  tags?: Map<string, string> | (() => string[]);
  manifests?: Map<string, FakeManifest>;
  blobs?: Map<string, Buffer>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Whether the client closed the connection before the answer was complete. */
  abandoned: boolean;
}

/** Answers the request itself (returning true), or leaves it to the fake registry's content. */
export type Intercept = (request: IncomingMessage, response: ServerResponse, recorded: RecordedRequest) => boolean | Promise<boolean>;

export interface FakeRegistry {
  url: string;
  requests: RecordedRequest[];
  repositories: Map<string, FakeRepository>;
  intercept: Intercept | undefined;
  stop(): Promise<void>;
}

export const digestOf = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

const MANIFEST_PATH = /^\/v2\/(.+)\/manifests\/([^/]+)$/;
const BLOB_PATH = /^\/v2\/(.+)\/blobs\/([^/]+)$/;
const TAGS_PATH = /^\/v2\/(.+)\/tags\/list$/;

export async function startFakeRegistry(repositories: Map<string, FakeRepository> = new Map()): Promise<FakeRegistry> {
  const sockets = new Set<Socket>();
  const fake: FakeRegistry = { url: '', requests: [], repositories, intercept: undefined, stop: async () => {} };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake.invalid');
    const recorded: RecordedRequest = { method: request.method ?? 'GET', path: url.pathname + url.search, abandoned: false };
    fake.requests.push(recorded);
    response.on('close', () => {
      if (!response.writableFinished) recorded.abandoned = true;
    });
    void (async () => {
      if (fake.intercept && (await fake.intercept(request, response, recorded))) return;
      serveContent(fake.repositories, request.method ?? 'GET', url, response);
    })();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.stop = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return fake;
}

function serveContent(repositories: Map<string, FakeRepository>, method: string, url: URL, response: ServerResponse): void {
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    const bytes = Buffer.from(JSON.stringify(body));
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length, ...headers });
    response.end(method === 'HEAD' ? undefined : bytes);
  };
  const unknown = (code: string) => json(404, { errors: [{ code, message: `${code.toLowerCase().replace('_', ' ')}` }] });

  if (url.pathname === '/v2/') return json(200, {}, { 'docker-distribution-api-version': 'registry/2.0' });
  if (url.pathname === '/v2/_catalog') return json(200, { repositories: [...repositories.keys()].sort() });
  const tags = TAGS_PATH.exec(url.pathname);
  if (tags) {
    const repository = repositories.get(tags[1]!);
    if (!repository?.tags) return unknown('NAME_UNKNOWN');
    const names = typeof repository.tags === 'function' ? repository.tags() : [...repository.tags.keys()];
    return json(200, { name: tags[1], tags: names });
  }
  const manifest = MANIFEST_PATH.exec(url.pathname);
  if (manifest) {
    const repository = repositories.get(manifest[1]!);
    const reference = manifest[2]!;
    const digest = reference.includes(':') ? reference : repository?.tags instanceof Map ? repository.tags.get(reference) : undefined;
    const found = digest === undefined ? undefined : repository?.manifests?.get(digest);
    if (!found) return unknown('MANIFEST_UNKNOWN');
    response.writeHead(200, { 'content-type': found.mediaType, 'content-length': found.bytes.length, 'docker-content-digest': digest! });
    response.end(method === 'HEAD' ? undefined : found.bytes);
    return;
  }
  const blob = BLOB_PATH.exec(url.pathname);
  if (blob) {
    const bytes = repositories.get(blob[1]!)?.blobs?.get(blob[2]!);
    if (!bytes) return unknown('BLOB_UNKNOWN');
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': bytes.length,
      'docker-content-digest': blob[2]!,
    });
    response.end(method === 'HEAD' ? undefined : bytes);
    return;
  }
  unknown('NAME_UNKNOWN');
}

/** An OCI image manifest (and its config blob) created at `created`, for a fake repository. */
export function fakeImage(
  created: string,
  seed = created,
): { digest: string; manifest: FakeManifest; config: { digest: string; bytes: Buffer } } {
  const configBytes = Buffer.from(
    JSON.stringify({ created, architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] }, seed }),
  );
  const config = { digest: digestOf(configBytes), bytes: configBytes };
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: configBytes.length },
      layers: [],
    }),
  );
  return { digest: digestOf(bytes), manifest: { mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes }, config };
}

/** An OCI index of the given children. */
export function fakeIndex(children: Array<{ digest: string; size: number }>): { digest: string; manifest: FakeManifest } {
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: children.map((child) => ({
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: child.digest,
        size: child.size,
        platform: { os: 'linux', architecture: 'amd64' },
      })),
    }),
  );
  return { digest: digestOf(bytes), manifest: { mediaType: 'application/vnd.oci.image.index.v1+json', bytes } };
}

/** A repository whose tags point at images (one image per tag, or `images` shared round-robin). */
export function fakeRepository(tagNames: string[], images: Array<ReturnType<typeof fakeImage>>): FakeRepository {
  const manifests = new Map(images.map((image) => [image.digest, image.manifest]));
  const blobs = new Map(images.map((image) => [image.config.digest, image.config.bytes]));
  const tags = new Map(tagNames.map((tag, index) => [tag, images[index % images.length]!.digest]));
  return { tags, manifests, blobs };
}
