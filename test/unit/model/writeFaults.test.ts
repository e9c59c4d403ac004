/**
 * Writes against registries the tests cannot start, played by undici's MockAgent: one with
 * DELETE by tag (OCI 1.1, distribution 3), one that fails between moving a tag and deleting
 * the placeholder, a blob source whose bytes do not hash to their digest, and one that ignores
 * Range. The same operations against distribution 2.8 are tested in test/e2e/mutations*.test.ts
 * and test/registry/copy.test.ts.
 */
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeTag } from '../../../src/model/writes/removeTag.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { computeDigest } from '../../../src/registry/digest.js';
import { MediaType } from '../../../src/registry/mediaTypes.js';
import { DEFAULT_RETRY_POLICY } from '../../../src/registry/retry.js';
import type { FetchedManifest, UpstreamRequestEvent } from '../../../src/registry/types.js';

const ORIGIN = 'http://registry.test';

let agent: MockAgent;
let events: UpstreamRequestEvent[];
let client: RegistryClient;

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  events = [];
  client = new RegistryClient({
    name: 'mock',
    url: ORIGIN,
    concurrency: 2,
    timeoutMs: 1_000,
    maxManifestBytes: 1_024,
    maxBlobBytes: 1_024,
    onRequest: (event) => events.push(event),
    dispatcher: agent,
    // One answer per request: each interceptor below is one request.
    retry: { ...DEFAULT_RETRY_POLICY, attempts: 1 },
  });
});

afterEach(async () => {
  await client.close();
  agent.assertNoPendingInterceptors();
  await agent.close();
});

const registry = () => agent.get(ORIGIN);

describe('removeTag', () => {
  const EMPTY_DIGEST = computeDigest(Buffer.from('{}'));
  const document = {
    schemaVersion: 2 as const,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociEmpty, digest: EMPTY_DIGEST, size: 2 },
    layers: [],
  };
  const bytes = Buffer.from(JSON.stringify(document));
  const current: FetchedManifest = {
    kind: 'image',
    digest: computeDigest(bytes),
    mediaType: MediaType.ociManifest,
    size: bytes.length,
    bytes,
    document,
  };
  const placeholderDigest = /^\/v2\/team\/app\/manifests\/sha256:[0-9a-f]{64}$/;

  it('uses DELETE by tag where the registry supports it, and nothing else', async () => {
    registry().intercept({ path: '/v2/team/app/manifests/old', method: 'DELETE' }).reply(202, '');
    expect(await removeTag(client, 'team/app', 'old', current)).toBe('deletedByTag');
    expect(events.map((event) => `${event.method} ${event.path}`)).toEqual(['DELETE /v2/team/app/manifests/old']);
  });

  it('puts the tag back on its manifest when the placeholder cannot be deleted', async () => {
    registry()
      .intercept({ path: '/v2/team/app/manifests/old', method: 'DELETE' })
      .reply(400, { errors: [{ code: 'DIGEST_INVALID' }] });
    registry()
      .intercept({ path: placeholderDigest, method: 'DELETE' })
      .reply(404, { errors: [{ code: 'MANIFEST_UNKNOWN' }] });
    registry()
      .intercept({ path: `/v2/team/app/blobs/${EMPTY_DIGEST}`, method: 'HEAD' })
      .reply(200, '', { headers: { 'content-length': '2' } });
    registry()
      .intercept({ path: '/v2/team/app/manifests/old', method: 'PUT', body: (body) => body.includes('dev.regql.tag-removal') })
      .reply(201, '');
    registry().intercept({ path: placeholderDigest, method: 'DELETE' }).reply(503, 'storage down');
    registry()
      .intercept({ path: '/v2/team/app/manifests/old', method: 'PUT', body: (body) => String(body) === bytes.toString() })
      .reply(201, '', { headers: { 'docker-content-digest': current.digest } });

    await expect(removeTag(client, 'team/app', 'old', current)).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      details: { tagState: 'INTACT', upstreamStatus: 503 },
      message: expect.stringContaining(`the tag "old" still points at ${current.digest}: nothing was removed`),
    });
    expect(events.map((event) => `${event.method} ${event.status}`)).toEqual([
      'DELETE 400',
      'DELETE 404',
      'HEAD 200',
      'PUT 201',
      'DELETE 503',
      'PUT 201',
    ]);
  });
});

describe('blobCopy', () => {
  const BLOB = Buffer.from('the bytes the descriptor promises, 48 bytes long');
  const DIGEST = computeDigest(BLOB);
  const SESSION = '/v2/dst/blobs/uploads/session-1?_state=abc';
  const copy = (chunkBytes: number) =>
    client.blobCopy({
      fromRepository: 'src',
      repository: 'dst',
      digest: DIGEST,
      size: BLOB.length,
      uploadUrl: `${ORIGIN}${SESSION}`,
      chunkBytes,
    });

  it('refuses bytes that do not hash to the digest: no PUT completes the upload, the session is cancelled', async () => {
    const tampered = Buffer.from(BLOB);
    tampered[0] = tampered[0]! ^ 1;
    registry()
      .intercept({ path: `/v2/src/blobs/${DIGEST}`, method: 'GET' })
      .reply(206, tampered);
    registry().intercept({ path: SESSION, method: 'DELETE' }).reply(204, '');
    await expect(copy(1024)).rejects.toMatchObject({ kind: 'DIGEST_MISMATCH' });
    expect(events.map((event) => event.method)).toEqual(['GET', 'DELETE']);
  });

  it('explains a source that ignores Range for a blob larger than a chunk', async () => {
    registry()
      .intercept({ path: `/v2/src/blobs/${DIGEST}`, method: 'GET' })
      .reply(200, BLOB, { headers: { 'content-length': String(BLOB.length) } });
    registry().intercept({ path: SESSION, method: 'DELETE' }).reply(204, '');
    await expect(copy(16)).rejects.toMatchObject({ kind: 'TOO_LARGE', message: expect.stringContaining('ignores Range') });
  });

  it('sends each chunk with its Content-Range to the Location the previous answer named', async () => {
    registry()
      .intercept({ path: `/v2/src/blobs/${DIGEST}`, method: 'GET', headers: { range: 'bytes=0-31' } })
      .reply(206, BLOB.subarray(0, 32));
    registry()
      .intercept({ path: SESSION, method: 'PATCH', headers: { 'content-range': '0-31' } })
      .reply(202, '', { headers: { location: '/v2/dst/blobs/uploads/session-1?_state=def' } });
    registry()
      .intercept({ path: `/v2/src/blobs/${DIGEST}`, method: 'GET', headers: { range: `bytes=32-${BLOB.length - 1}` } })
      .reply(206, BLOB.subarray(32));
    registry()
      .intercept({ path: `/v2/dst/blobs/uploads/session-1?_state=def&digest=${DIGEST}`, method: 'PUT' })
      .reply(201, '');
    await copy(32);
    expect(events.map((event) => event.method)).toEqual(['GET', 'PATCH', 'GET', 'PUT']);
  });
});
