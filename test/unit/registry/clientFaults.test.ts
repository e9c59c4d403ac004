/**
 * Faults a real registry does not produce on demand, played by undici's MockAgent (and, for
 * timeouts and refused connections, by real sockets).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryClient, type RegistryClientOptions } from '../../../src/registry/client.js';
import { computeDigest } from '../../../src/registry/digest.js';
import { MANIFEST_ACCEPT, MediaType } from '../../../src/registry/mediaTypes.js';
import { InvalidReferenceError } from '../../../src/registry/reference.js';
import { DEFAULT_RETRY_POLICY } from '../../../src/registry/retry.js';
import type { UpstreamRequestEvent } from '../../../src/registry/types.js';

const ORIGIN = 'http://registry.test';
const STORAGE = 'http://storage.test';
const IMAGE_MANIFEST = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: computeDigest(Buffer.from('{}')), size: 2 },
    layers: [],
  }),
);
const IMAGE_DIGEST = computeDigest(IMAGE_MANIFEST);
const CONFIG = Buffer.from('{"architecture":"amd64","os":"linux"}');
const CONFIG_DIGEST = computeDigest(CONFIG);

let agent: MockAgent;
let events: UpstreamRequestEvent[];
let client: RegistryClient;

function newClient(overrides: Partial<RegistryClientOptions> = {}): RegistryClient {
  return new RegistryClient({
    name: 'mock',
    url: ORIGIN,
    concurrency: 4,
    timeoutMs: 1_000,
    maxManifestBytes: 1_024,
    maxBlobBytes: 1_024,
    onRequest: (event) => events.push(event),
    dispatcher: agent,
    // One answer per request: what each status maps to, not how it is retried (see retries.test.ts).
    retry: { ...DEFAULT_RETRY_POLICY, attempts: 1 },
    ...overrides,
  });
}

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  events = [];
  client = newClient();
});

afterEach(async () => {
  await client.close();
  agent.assertNoPendingInterceptors();
  await agent.close();
});

const registry = () => agent.get(ORIGIN);

describe('error responses', () => {
  it('405 with a plain-text body is UNSUPPORTED with the text in the message', async () => {
    registry().intercept({ path: '/v2/a/blobs/uploads/', method: 'POST' }).reply(405, 'read-only mode\n');
    await expect(client.blobUpload('a', CONFIG)).rejects.toMatchObject({
      name: 'RegistryError',
      kind: 'UNSUPPORTED',
      status: 405,
      message: 'POST /v2/a/blobs/uploads/: 405 read-only mode',
      registryErrors: [],
    });
    expect(events).toMatchObject([{ kind: 'upload', method: 'POST', status: 405 }]);
  });

  it('429 is RATE_LIMITED', async () => {
    registry()
      .intercept({ path: '/v2/a/tags/list' })
      .reply(429, { errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] });
    await expect(client.tagsList('a')).rejects.toMatchObject({
      kind: 'RATE_LIMITED',
      message: 'GET /v2/a/tags/list: 429 TOOMANYREQUESTS slow down',
    });
  });

  it('503 is UNAVAILABLE', async () => {
    registry().intercept({ path: '/v2/' }).reply(503, '<html><body>Service Unavailable</body></html>');
    await expect(client.ping()).rejects.toMatchObject({ kind: 'UNAVAILABLE', status: 503 });
    expect(events).toMatchObject([{ kind: 'ping', status: 503 }]);
  });

  it('a network failure is UNAVAILABLE with the cause, reported with status 0', async () => {
    registry().intercept({ path: '/v2/' }).replyWithError(new Error('socket hang up'));
    const error = await client.ping().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'UNAVAILABLE', message: 'GET /v2/: request failed: socket hang up' });
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(events).toMatchObject([{ kind: 'ping', method: 'GET', path: '/v2/', status: 0 }]);
  });
});

describe('ping', () => {
  it('reports status, API version and latency; 401 is an answer', async () => {
    registry()
      .intercept({ path: '/v2/' })
      .reply(401, '{"errors":[{"code":"UNAUTHORIZED"}]}', { headers: { 'docker-distribution-api-version': 'registry/2.0' } });
    const result = await client.ping();
    expect(result).toMatchObject({ status: 401, apiVersion: 'registry/2.0' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });
});

describe('catalogPage', () => {
  it('passes n and last and reads nextLast from the Link header', async () => {
    registry()
      .intercept({ path: '/v2/_catalog?n=2&last=a%2Fb' })
      .reply(200, { repositories: ['b', 'c'] }, { headers: { link: '</v2/_catalog?last=c&n=2>; rel="next"' } });
    expect(await client.catalogPage({ n: 2, last: 'a/b' })).toEqual({ repositories: ['b', 'c'], nextLast: 'c' });
  });

  it('an empty last page has no nextLast', async () => {
    registry().intercept({ path: '/v2/_catalog?n=2&last=c' }).reply(200, { repositories: [] });
    expect(await client.catalogPage({ n: 2, last: 'c' })).toEqual({ repositories: [], nextLast: undefined });
  });

  it.each([0, 1001, 1.5, Number.NaN])('refuses n=%s before any request', async (n) => {
    await expect(client.catalogPage({ n })).rejects.toThrow(RangeError);
    expect(events).toEqual([]);
  });
});

describe('tagsList', () => {
  it('follows relative and absolute Link pages and tolerates "tags": null', async () => {
    registry()
      .intercept({ path: '/v2/a/tags/list' })
      .reply(200, { name: 'a', tags: ['1', '2'] }, { headers: { link: '</v2/a/tags/list?last=2&n=2>; rel="next"' } });
    registry()
      .intercept({ path: '/v2/a/tags/list?last=2&n=2' })
      .reply(200, { name: 'a', tags: ['3'] }, { headers: { link: `<${ORIGIN}/v2/a/tags/list?last=3&n=2>; rel="next"` } });
    registry().intercept({ path: '/v2/a/tags/list?last=3&n=2' }).reply(200, { name: 'a', tags: null });
    expect(await client.tagsList('a')).toEqual(['1', '2', '3']);
    expect(events.map((event) => event.path)).toEqual(['/v2/a/tags/list', '/v2/a/tags/list?last=2&n=2', '/v2/a/tags/list?last=3&n=2']);
  });

  it('refuses a Link that loops back', async () => {
    registry()
      .intercept({ path: '/v2/a/tags/list' })
      .reply(200, { tags: ['1'] }, { headers: { link: '</v2/a/tags/list>; rel="next"' } });
    await expect(client.tagsList('a')).rejects.toMatchObject({ kind: 'PROTOCOL', message: expect.stringMatching(/already fetched/) });
  });
});

describe('manifestGet', () => {
  it('sends the four manifest types and returns the verified manifest', async () => {
    registry()
      .intercept({ path: `/v2/a/manifests/latest`, headers: { accept: MANIFEST_ACCEPT } })
      .reply(200, IMAGE_MANIFEST, {
        headers: { 'docker-content-digest': IMAGE_DIGEST, 'content-type': MediaType.ociManifest },
      });
    expect(await client.manifestGet('a', 'latest')).toMatchObject({
      kind: 'image',
      digest: IMAGE_DIGEST,
      mediaType: MediaType.ociManifest,
      size: IMAGE_MANIFEST.length,
    });
  });

  it('is DIGEST_MISMATCH when the body does not hash to the requested digest', async () => {
    const requested = computeDigest(Buffer.from('something else'));
    registry()
      .intercept({ path: `/v2/a/manifests/${requested}` })
      .reply(200, IMAGE_MANIFEST);
    await expect(client.manifestGet('a', requested)).rejects.toMatchObject({
      kind: 'DIGEST_MISMATCH',
      message: `GET /v2/a/manifests/${requested}: content hashes to ${IMAGE_DIGEST}, not to the requested digest ${requested}`,
    });
  });

  it('verifies a sha512 reference with sha512', async () => {
    const sha512 = computeDigest(IMAGE_MANIFEST, 'sha512');
    registry()
      .intercept({ path: `/v2/a/manifests/${sha512}` })
      .reply(200, IMAGE_MANIFEST);
    expect((await client.manifestGet('a', sha512)).digest).toBe(IMAGE_DIGEST);
  });

  it('is DIGEST_MISMATCH when fetched by tag and the body does not match Docker-Content-Digest', async () => {
    const advertised = computeDigest(Buffer.from('advertised'));
    registry()
      .intercept({ path: '/v2/a/manifests/latest' })
      .reply(200, IMAGE_MANIFEST, { headers: { 'docker-content-digest': advertised } });
    await expect(client.manifestGet('a', 'latest')).rejects.toMatchObject({ kind: 'DIGEST_MISMATCH' });
  });

  it('is TOO_LARGE by Content-Length, before reading', async () => {
    registry()
      .intercept({ path: '/v2/a/manifests/latest' })
      .reply(200, 'x'.repeat(2_000), { headers: { 'content-length': '2000' } });
    await expect(client.manifestGet('a', 'latest')).rejects.toMatchObject({
      kind: 'TOO_LARGE',
      message: 'GET /v2/a/manifests/latest: response of 2000 bytes exceeds the limit of 1024 bytes',
    });
    expect(events).toHaveLength(1);
  });

  it('is TOO_LARGE while streaming a body without Content-Length', async () => {
    registry().intercept({ path: '/v2/a/manifests/latest' }).reply(200, 'x'.repeat(2_000));
    await expect(client.manifestGet('a', 'latest')).rejects.toMatchObject({
      kind: 'TOO_LARGE',
      message: expect.stringMatching(/more than 1024 bytes/),
    });
  });

  it.each([
    ['schemaVersion 1', { schemaVersion: 1, name: 'a', tag: 'latest', fsLayers: [] }, /unsupported manifest type: schemaVersion 1/],
    ['neither index nor image', { schemaVersion: 2, mediaType: 'application/x-custom' }, /unsupported manifest type application\/x-custom/],
    ['an array', [1], /not a JSON object/],
  ])('%s is PROTOCOL', async (_name, document, message) => {
    registry().intercept({ path: '/v2/a/manifests/latest' }).reply(200, JSON.stringify(document));
    await expect(client.manifestGet('a', 'latest')).rejects.toMatchObject({ kind: 'PROTOCOL', message });
  });

  it('takes the media type from Content-Type when the document has none', async () => {
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [] }));
    registry()
      .intercept({ path: '/v2/a/manifests/list' })
      .reply(200, index, { headers: { 'content-type': `${MediaType.dockerManifestList}; charset=utf-8` } });
    expect(await client.manifestGet('a', 'list')).toMatchObject({
      kind: 'index',
      mediaType: MediaType.dockerManifestList,
      digest: computeDigest(index),
    });
  });

  it('defaults the media type of an index without one to the OCI index', async () => {
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [] }));
    registry().intercept({ path: '/v2/a/manifests/list' }).reply(200, index);
    expect(await client.manifestGet('a', 'list')).toMatchObject({ kind: 'index', mediaType: MediaType.ociIndex });
  });
});

describe('manifestHead', () => {
  it('reads digest, size and media type from the headers', async () => {
    registry()
      .intercept({ path: '/v2/a/manifests/latest', method: 'HEAD', headers: { accept: MANIFEST_ACCEPT } })
      .reply(200, '', {
        headers: { 'docker-content-digest': IMAGE_DIGEST, 'content-type': MediaType.dockerManifest, 'content-length': '527' },
      });
    expect(await client.manifestHead('a', 'latest')).toEqual({
      digest: IMAGE_DIGEST,
      mediaType: MediaType.dockerManifest,
      size: 527,
    });
  });

  it('is PROTOCOL without Docker-Content-Digest for a tag', async () => {
    registry()
      .intercept({ path: '/v2/a/manifests/latest', method: 'HEAD' })
      .reply(200, '', { headers: { 'content-type': MediaType.ociManifest, 'content-length': '5' } });
    await expect(client.manifestHead('a', 'latest')).rejects.toMatchObject({ kind: 'PROTOCOL' });
  });
});

describe('blobs', () => {
  it('follows a redirect to storage on another origin, reporting each hop', async () => {
    registry()
      .intercept({ path: `/v2/a/blobs/${CONFIG_DIGEST}` })
      .reply(307, '', { headers: { location: `${STORAGE}/blobs/x?X-Amz-Signature=secret` } });
    agent.get(STORAGE).intercept({ path: '/blobs/x?X-Amz-Signature=secret' }).reply(200, CONFIG);
    expect(await client.blobGet('a', CONFIG_DIGEST)).toEqual(CONFIG);
    expect(events).toMatchObject([
      { kind: 'blob', path: `/v2/a/blobs/${CONFIG_DIGEST}`, status: 307 },
      { kind: 'blob', path: '/blobs/x?X-Amz-Signature=REDACTED', status: 200 },
    ]);
  });

  it('stops after three redirects', async () => {
    registry()
      .intercept({ path: (path) => path.startsWith('/v2/a/blobs/') || path.startsWith('/hop') })
      .reply(302, '', { headers: { location: '/hop' } })
      .times(4);
    await expect(client.blobGet('a', CONFIG_DIGEST)).rejects.toMatchObject({
      kind: 'PROTOCOL',
      message: 'GET /hop: more than 3 redirects',
    });
    expect(events).toHaveLength(4);
  });

  it('refuses a redirect to a non-HTTP location', async () => {
    registry()
      .intercept({ path: `/v2/a/blobs/${CONFIG_DIGEST}` })
      .reply(307, '', { headers: { location: 'file:///etc/passwd' } });
    await expect(client.blobGet('a', CONFIG_DIGEST)).rejects.toMatchObject({ kind: 'PROTOCOL' });
  });

  it('is DIGEST_MISMATCH when the blob does not hash to its digest', async () => {
    registry()
      .intercept({ path: `/v2/a/blobs/${CONFIG_DIGEST}` })
      .reply(200, 'tampered');
    await expect(client.blobGet('a', CONFIG_DIGEST)).rejects.toMatchObject({ kind: 'DIGEST_MISMATCH' });
  });

  it('is TOO_LARGE beyond maxBlobBytes', async () => {
    registry()
      .intercept({ path: `/v2/a/blobs/${CONFIG_DIGEST}` })
      .reply(200, 'x', { headers: { 'content-length': '5000' } });
    await expect(client.blobGet('a', CONFIG_DIGEST)).rejects.toMatchObject({ kind: 'TOO_LARGE' });
  });
});

describe('blobUpload', () => {
  it('resolves a relative Location', async () => {
    registry()
      .intercept({ path: '/v2/a/blobs/uploads/', method: 'POST' })
      .reply(202, '', { headers: { location: '/v2/a/blobs/uploads/u2' } });
    registry()
      .intercept({ method: 'PUT', path: `/v2/a/blobs/uploads/u2?digest=${CONFIG_DIGEST}` })
      .reply(201, '');
    expect(await client.blobUpload('a', CONFIG)).toBe(CONFIG_DIGEST);
  });
});

describe('invalid references', () => {
  it.each<[string, () => Promise<unknown>]>([
    ['tagsList', () => client.tagsList('Upper')],
    ['manifestGet', () => client.manifestGet('a', 'bad tag')],
    ['manifestHead', () => client.manifestHead('a', 'sha256:short')],
    ['blobGet', () => client.blobGet('a', 'latest')],
    ['blobHead', () => client.blobHead('a/', CONFIG_DIGEST)],
    ['blobUpload', () => client.blobUpload('-a', CONFIG)],
    ['manifestPut', () => client.manifestPut('a', 'md5:abc', IMAGE_MANIFEST, MediaType.ociManifest)],
  ])('%s throws InvalidReferenceError without a request', async (_method, call) => {
    await expect(call()).rejects.toBeInstanceOf(InvalidReferenceError);
    expect(events).toEqual([]);
  });
});

describe('against real sockets', () => {
  let server: Server | undefined;

  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('a registry that never answers is UNAVAILABLE after timeoutMs', async () => {
    const url = await listen(() => {});
    const slowClient = newClient({ url, dispatcher: undefined, timeoutMs: 200 });
    try {
      await expect(slowClient.ping()).rejects.toMatchObject({
        kind: 'UNAVAILABLE',
        message: 'GET /v2/: no complete answer within 200 ms',
      });
      expect(events).toMatchObject([{ kind: 'ping', status: 0 }]);
    } finally {
      await slowClient.close();
    }
  });

  it('a body that stalls is UNAVAILABLE after timeoutMs, reported with its status', async () => {
    const url = await listen((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"repositories":[');
    });
    const slowClient = newClient({ url, dispatcher: undefined, timeoutMs: 200 });
    try {
      await expect(slowClient.catalogPage({ n: 10 })).rejects.toMatchObject({
        kind: 'UNAVAILABLE',
        message: expect.stringMatching(/no complete answer within 200 ms/),
      });
      expect(events).toMatchObject([{ kind: 'catalog', status: 200 }]);
    } finally {
      await slowClient.close();
    }
  });

  it('a refused connection is UNAVAILABLE', async () => {
    const url = await listen(() => {});
    server!.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const refusedClient = newClient({ url, dispatcher: undefined });
    try {
      await expect(refusedClient.ping()).rejects.toMatchObject({ kind: 'UNAVAILABLE', message: expect.stringMatching(/ECONNREFUSED/) });
    } finally {
      await refusedClient.close();
    }
  });

  it('uploads to the Location verbatim, appending the digest to its query', async () => {
    const requests: string[] = [];
    const url = await listen((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        requests.push(`${request.method} ${request.url} ${request.headers['content-type'] ?? '-'} ${Buffer.concat(chunks)}`);
        if (request.method === 'POST') {
          response.writeHead(202, { location: `http://${request.headers.host}/v2/a/blobs/uploads/u1?_state=a%2Bb%3D%3D` });
        } else {
          response.writeHead(201);
        }
        response.end();
      });
    });
    const uploadClient = newClient({ url, dispatcher: undefined });
    try {
      expect(await uploadClient.blobUpload('a', CONFIG)).toBe(CONFIG_DIGEST);
      expect(requests).toEqual([
        'POST /v2/a/blobs/uploads/ - ',
        `PUT /v2/a/blobs/uploads/u1?_state=a%2Bb%3D%3D&digest=${CONFIG_DIGEST} application/octet-stream ${CONFIG}`,
      ]);
    } finally {
      await uploadClient.close();
    }
  });

  it('bounds the requests in flight by concurrency', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const url = await listen((_request, response) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        response.end('{}');
      }, 20);
    });
    const boundedClient = newClient({ url, dispatcher: undefined, concurrency: 2 });
    try {
      await Promise.all(Array.from({ length: 6 }, () => boundedClient.ping()));
      expect(maxInFlight).toBe(2);
      expect(events).toHaveLength(6);
    } finally {
      await boundedClient.close();
    }
  });
});
