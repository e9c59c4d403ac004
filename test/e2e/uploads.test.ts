/**
 * Blob uploads through GraphQL multipart requests to a real registry: one file in one request,
 * sent on in chunks as it arrives; a resumable upload in three chunks with a restart of the
 * gateway between them; what the registry holds afterwards is read back byte for byte.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRegistry } from '../../fixtures/registry/localRegistry.js';
import type { RegistryClient } from '../../src/registry/client.js';
import { testClient } from '../support/client.js';
import { countByKind, createTestGateway, type TestGateway } from '../support/gateway.js';
import { postMultipart } from '../support/multipart.js';
import { startSeededRegistry } from '../support/registry.js';
import { ACCESS, TOKENS, bearer } from '../support/writes.js';

const MiB = 1024 * 1024;
const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const admin = bearer(TOKENS.admin);

let registry: LocalRegistry;
let direct: RegistryClient;
let gateway: TestGateway;
const newGateway = () => createTestGateway({ registryUrl: registry.url, config: { access: ACCESS } });

beforeAll(async () => {
  registry = await startSeededRegistry({ seed: false });
  direct = testClient(registry.url, { maxBlobBytes: 64 * MiB });
  gateway = newGateway();
});
afterAll(async () => {
  await gateway?.close();
  await direct?.close();
  await registry?.stop();
});

const UPLOAD_BLOB = 'mutation ($input: UploadBlobInput!) { uploadBlob(input: $input) { digest size repository { name } } }';

describe('uploadBlob', () => {
  it('streams a 20 MiB file to the registry in 8 MiB chunks; the registry then serves the same bytes', async () => {
    const file = randomBytes(20 * MiB);
    gateway.takeUpstream();
    const { status, body } = await postMultipart(
      gateway,
      UPLOAD_BLOB,
      { input: { repository: 'uploads/one', file: null } },
      { 'variables.input.file': file },
      admin,
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.uploadBlob).toEqual({ digest: sha256(file), size: file.length, repository: { name: 'uploads/one' } });
    // POST, a PATCH per chunk (8 + 8 + 4 MiB), the PUT that completes it.
    expect(countByKind(gateway.takeUpstream())).toEqual({ 'POST upload': 1, 'PATCH upload': 3, 'PUT upload': 1 });
    expect((await direct.blobGet('uploads/one', sha256(file))).equals(file)).toBe(true);
  });

  it('refuses a file that does not hash to the digest given, and stores nothing', async () => {
    const file = randomBytes(1000);
    const wrong = sha256(Buffer.from('something else'));
    const { body } = await postMultipart(
      gateway,
      UPLOAD_BLOB,
      { input: { repository: 'uploads/one', file: null, digest: wrong } },
      { 'variables.input.file': file },
      admin,
    );
    expect(body.errors[0].extensions.code).toBe('DIGEST_MISMATCH');
    await expect(direct.blobHead('uploads/one', sha256(file))).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });

  it('needs a token with the write scope, and the CSRF header that no cross-site form can send', async () => {
    const file = Buffer.from('x');
    const anonymous = await postMultipart(
      gateway,
      UPLOAD_BLOB,
      { input: { repository: 'uploads/one', file: null } },
      { 'variables.input.file': file },
    );
    expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const reader = await postMultipart(
      gateway,
      UPLOAD_BLOB,
      { input: { repository: 'uploads/one', file: null } },
      { 'variables.input.file': file },
      bearer(TOKENS.reader),
    );
    expect(reader.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('answers a malformed multipart request with BAD_USER_INPUT, not a stack trace', async () => {
    const notNull = await postMultipart(
      gateway,
      UPLOAD_BLOB,
      { input: { repository: 'uploads/one', file: 'inline' } },
      { 'variables.input.file': Buffer.from('x') },
      admin,
    );
    expect(notNull.status).toBe(400);
    expect(notNull.body.errors[0]).toMatchObject({
      message: expect.stringContaining('must name a variable that is null'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const outside = await postMultipart(
      gateway,
      UPLOAD_BLOB,
      { input: { repository: 'uploads/one', file: null } },
      { '__proto__.polluted': Buffer.from('x') },
      admin,
    );
    expect(outside.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

const START = 'mutation ($input: StartBlobUploadInput!) { startBlobUpload(input: $input) { id offset repository { name } } }';
const APPEND = 'mutation ($input: AppendBlobUploadInput!) { appendBlobUpload(input: $input) { id offset } }';
const COMPLETE = 'mutation ($input: CompleteBlobUploadInput!) { completeBlobUpload(input: $input) { digest size } }';
const CANCEL = 'mutation ($input: CancelBlobUploadInput!) { cancelBlobUpload(input: $input) }';
const STATUS = 'query ($id: ID!) { repository(name: "uploads/resumable") { blobUpload(id: $id) { id offset } } }';

async function graphql(query: string, variables: Record<string, unknown>) {
  return (await gateway.post({ query, variables }, admin)).json();
}

describe('a resumable upload', () => {
  const chunks = [randomBytes(3 * MiB), randomBytes(2 * MiB), randomBytes(MiB + 17)];
  const whole = Buffer.concat(chunks);

  it('in three chunks, the gateway restarted between the second and the third: the registry holds the same bytes', async () => {
    const started = await graphql(START, { input: { repository: 'uploads/resumable' } });
    expect(started.data.startBlobUpload).toMatchObject({ offset: 0, repository: { name: 'uploads/resumable' } });
    let id: string = started.data.startBlobUpload.id;

    for (const [index, chunk] of chunks.slice(0, 2).entries()) {
      const { body } = await postMultipart(
        gateway,
        APPEND,
        { input: { repository: 'uploads/resumable', id, chunk: null } },
        { 'variables.input.chunk': chunk },
        admin,
      );
      expect(body.errors).toBeUndefined();
      expect(body.data.appendBlobUpload.offset).toBe(chunks.slice(0, index + 1).reduce((sum, part) => sum + part.length, 0));
      id = body.data.appendBlobUpload.id;
    }

    await gateway.close();
    gateway = newGateway();
    expect((await graphql(STATUS, { id })).data.repository.blobUpload).toEqual({
      id: expect.any(String),
      offset: chunks[0]!.length + chunks[1]!.length,
    });

    const { body } = await postMultipart(
      gateway,
      COMPLETE,
      { input: { repository: 'uploads/resumable', id, digest: sha256(whole), chunk: null } },
      { 'variables.input.chunk': chunks[2]! },
      admin,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.completeBlobUpload).toEqual({ digest: sha256(whole), size: whole.length });
    expect((await direct.blobGet('uploads/resumable', sha256(whole))).equals(whole)).toBe(true);
  });

  it('an id superseded by a later step is refused with CONFLICT, saying which id to use', async () => {
    const first = (await graphql(START, { input: { repository: 'uploads/resumable' } })).data.startBlobUpload.id;
    const { body } = await postMultipart(
      gateway,
      APPEND,
      { input: { repository: 'uploads/resumable', id: first, chunk: null } },
      { 'variables.input.chunk': Buffer.from('abc') },
      admin,
    );
    const stale = await postMultipart(
      gateway,
      APPEND,
      { input: { repository: 'uploads/resumable', id: first, chunk: null } },
      { 'variables.input.chunk': Buffer.from('def') },
      admin,
    );
    expect(stale.body.errors[0]).toMatchObject({
      message: expect.stringContaining('use the id the last step'),
      extensions: { code: 'CONFLICT' },
    });
    await graphql(CANCEL, { input: { repository: 'uploads/resumable', id: body.data.appendBlobUpload.id } });
  });

  it('cancel releases the upload: its status is null (the registry answers 404) and appending fails', async () => {
    const id = (await graphql(START, { input: { repository: 'uploads/resumable' } })).data.startBlobUpload.id;
    expect(await graphql(CANCEL, { input: { repository: 'uploads/resumable', id } })).toMatchObject({ data: { cancelBlobUpload: true } });
    gateway.takeUpstream();
    expect((await graphql(STATUS, { id })).data.repository.blobUpload).toBeNull();
    expect(
      gateway
        .takeUpstream()
        .filter(({ kind }) => kind === 'upload')
        .map(({ method, status }) => `${method} ${status}`),
    ).toEqual(['GET 404']);
    const { body } = await postMultipart(
      gateway,
      APPEND,
      { input: { repository: 'uploads/resumable', id, chunk: null } },
      { 'variables.input.chunk': Buffer.from('late') },
      admin,
    );
    expect(body.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', registryErrors: [{ code: 'BLOB_UPLOAD_UNKNOWN' }] });
  });

  it('an id cannot be used with another repository or registry, nor forged to reach elsewhere', async () => {
    const id = (await graphql(START, { input: { repository: 'uploads/resumable' } })).data.startBlobUpload.id;
    const elsewhere = await graphql(CANCEL, { input: { repository: 'uploads/other', id } });
    expect(elsewhere.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const forged = Buffer.from(
      JSON.stringify(['local', 'uploads/resumable', '/v2/uploads/resumable/blobs/uploads/../../../../other/blobs/x', 0]),
    ).toString('base64url');
    expect((await graphql(CANCEL, { input: { repository: 'uploads/resumable', id: forged } })).errors[0].extensions.code).toBe(
      'BAD_USER_INPUT',
    );
    expect((await graphql(CANCEL, { input: { repository: 'uploads/resumable', id: 'not-an-id' } })).errors[0].extensions.code).toBe(
      'BAD_USER_INPUT',
    );
    await graphql(CANCEL, { input: { repository: 'uploads/resumable', id } });
  });
});
