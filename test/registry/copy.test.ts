/**
 * Copying between repositories against the real registry: mounting, and streaming a blob
 * through the gateway in chunks when the registry does not mount (played here by dropping the
 * mount parameters on the way, so that the registry answers as a refusing one does: 202 with an
 * upload session).
 */
import { Agent, type Dispatcher } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalRegistry, startLocalRegistry } from '../../fixtures/registry/localRegistry.js';
import { copyManifestContent } from '../../src/model/writes/copyContent.js';
import type { RegistryClient } from '../../src/registry/client.js';
import { computeDigest } from '../../src/registry/digest.js';
import { MediaType } from '../../src/registry/mediaTypes.js';
import type { UpstreamRequestEvent } from '../../src/registry/types.js';
import { countByKind } from '../support/gateway.js';
import { testClient } from '../support/client.js';

const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
/** Not a multiple of the chunk size, so the last chunk is a short one. */
const layer = Buffer.from(Array.from({ length: 10_000 }, (_, index) => (index * 7919) % 251));
const emptyLayer = Buffer.alloc(0);
const CHUNK = 4096;

const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: computeDigest(config), size: config.length },
    layers: [layer, emptyLayer].map((bytes) => ({
      mediaType: MediaType.ociLayerTarGzip,
      digest: computeDigest(bytes),
      size: bytes.length,
    })),
  }),
);

let registry: LocalRegistry;
let events: UpstreamRequestEvent[] = [];
const clients: RegistryClient[] = [];
const dispatchers: Dispatcher[] = [];

function newClient(dispatcher?: Dispatcher): RegistryClient {
  const client = testClient(registry.url, { onRequest: (event) => events.push(event), ...(dispatcher && { dispatcher }) });
  clients.push(client);
  return client;
}

/** Sends mount requests as plain upload requests: the registry then opens a session instead of mounting. */
function refusingMounts(): Dispatcher {
  const agent = new Agent().compose((dispatch) => (options, handler) => {
    const path = options.path.replace(/\?mount=[^&]+&from=.+$/, '');
    return dispatch({ ...options, path }, handler);
  });
  dispatchers.push(agent);
  return agent;
}

beforeAll(async () => {
  registry = await startLocalRegistry();
  const client = newClient();
  for (const blob of [config, layer, emptyLayer]) await client.blobUpload('source/app', blob);
  await client.manifestPut('source/app', '1.0', manifest, MediaType.ociManifest);
});

beforeEach(() => {
  events = [];
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(dispatchers.map((dispatcher) => dispatcher.close()));
  await registry?.stop();
});

describe('blobCopy', () => {
  it('streams a blob chunk by chunk (ranged GETs, PATCHes, a final PUT) and the copy is byte for byte the same', async () => {
    const client = newClient();
    await client.blobCopy({
      fromRepository: 'source/app',
      repository: 'chunked/app',
      digest: computeDigest(layer),
      size: layer.length,
      chunkBytes: CHUNK,
    });
    expect(countByKind(events)).toEqual({ 'POST upload': 1, 'GET blob': 3, 'PATCH upload': 2, 'PUT upload': 1 });
    expect(Buffer.compare(await newClient().blobGet('chunked/app', computeDigest(layer)), layer)).toBe(0);
  });

  it('copies an empty blob', async () => {
    const client = newClient();
    await client.blobCopy({
      fromRepository: 'source/app',
      repository: 'chunked/app',
      digest: computeDigest(emptyLayer),
      size: 0,
      chunkBytes: CHUNK,
    });
    expect((await client.blobHead('chunked/app', computeDigest(emptyLayer))).size).toBe(0);
  });
});

describe('copyManifestContent', () => {
  it('mounts every blob when the registry mounts', async () => {
    const client = newClient();
    const source = await client.manifestGet('source/app', '1.0');
    await copyManifestContent(client, source, { fromRepository: 'source/app', repository: 'mounted/app' });
    await client.manifestPut('mounted/app', 'copy', source.bytes, source.mediaType);
    expect(countByKind(events)).toMatchObject({ 'POST upload': 3 });
    expect(events.filter((event) => event.method === 'POST').map((event) => event.status)).toEqual([201, 201, 201]);
    expect((await client.manifestHead('mounted/app', 'copy')).digest).toBe(source.digest);
  });

  it('streams the blobs through the gateway, in the session the refused mount opened, when the registry does not mount', async () => {
    const client = newClient(refusingMounts());
    const source = await client.manifestGet('source/app', '1.0');
    await copyManifestContent(client, source, { fromRepository: 'source/app', repository: 'streamed/app', chunkBytes: CHUNK });
    await client.manifestPut('streamed/app', 'copy', source.bytes, source.mediaType);

    const counts = countByKind(events);
    // Three mount attempts answered with sessions (no other POST), the layer in 3 chunks, config and empty blob in one GET each.
    expect(events.filter((event) => event.method === 'POST').map((event) => event.status)).toEqual([202, 202, 202]);
    expect(counts['GET blob']).toBe(3 + 1);
    expect(counts['PATCH upload']).toBe(2);
    expect(counts['PUT upload']).toBe(3 + 1);
    const plain = newClient();
    expect((await plain.manifestHead('streamed/app', 'copy')).digest).toBe(source.digest);
    expect(Buffer.compare(await plain.blobGet('streamed/app', computeDigest(layer)), layer)).toBe(0);
  });
});
