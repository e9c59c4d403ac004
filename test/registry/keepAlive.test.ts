/**
 * Connections to a registry are kept across requests, HEAD included: against a remote registry
 * a new connection costs a TCP and a TLS handshake, more than the request itself.
 */
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { sampleContent } from '../../fixtures/content/sampleContent.js';
import { sampleTags } from '../../fixtures/content/oracles.js';
import { testClient } from '../support/client.js';

const registryUrl = new URL(inject('registryUrl'));

/** A TCP relay in front of the shared registry that counts the connections made to it. */
let relay: Server;
let connections = 0;

beforeAll(async () => {
  relay = createServer((socket) => {
    connections++;
    const upstream = connect(Number(registryUrl.port), registryUrl.hostname);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => relay.close(() => resolve())));

it('HEAD requests for manifests and blobs reuse one connection, as GETs do', async () => {
  const client = testClient(`http://127.0.0.1:${(relay.address() as AddressInfo).port}`, { concurrency: 1 });
  try {
    connections = 0;
    const tags = sampleTags(sampleContent()).filter(({ manifest }) => !('manifests' in manifest.document));
    for (const { repository, tag, manifest } of tags.slice(0, 5)) {
      expect((await client.manifestHead(repository.name, tag)).digest).toBe(manifest.digest);
      const config = 'config' in manifest.document ? manifest.document.config : undefined;
      expect((await client.blobHead(repository.name, config!.digest)).size).toBe(config!.size);
      expect((await client.manifestGet(repository.name, tag)).digest).toBe(manifest.digest);
    }
    expect(connections).toBe(1);
  } finally {
    await client.close();
  }
});
