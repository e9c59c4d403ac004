/**
 * Who may write: nobody without a token configured (the default), then by token scope; reads
 * can need a token too. Refused mutations make no upstream call and leave the registry as it was.
 */
import { print } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalRegistry } from '../../fixtures/registry/localRegistry.js';
import { createSeedClient } from '../../fixtures/seed.js';
import type { RegistryClient } from '../../src/registry/client.js';
import { DeleteManifestDocument, DeleteTagDocument, RegistriesDocument, TagManifestDocument } from '../../src/client/index.js';
import { createTestGateway, type TestGateway } from '../support/gateway.js';
import { startSeededRegistry } from '../support/registry.js';
import { ACCESS, TOKENS, bearer, executeAs, tagDigests } from '../support/writes.js';

let registry: LocalRegistry;
let client: RegistryClient;
let before: Record<string, string>;
const gateways: TestGateway[] = [];

function gatewayWith(access?: typeof ACCESS & { requireReadToken?: boolean }): TestGateway {
  const gateway = createTestGateway({ registryUrl: registry.url, config: access ? { access } : {} });
  gateways.push(gateway);
  return gateway;
}

beforeAll(async () => {
  registry = await startSeededRegistry();
  client = createSeedClient(registry.url);
  before = await tagDigests(client, 'library/alpine');
});

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.close()));
  await client?.close();
  await registry?.stop();
});

const mutations = [
  ['deleteTag', DeleteTagDocument, { input: { repository: 'library/alpine', tag: 'latest' } }],
  ['deleteTag (dry run)', DeleteTagDocument, { input: { repository: 'library/alpine', tag: 'latest', dryRun: true } }],
  ['deleteManifest', DeleteManifestDocument, { input: { repository: 'library/alpine', digest: `sha256:${'a'.repeat(64)}` } }],
  ['tagManifest', TagManifestDocument, { input: { repository: 'library/alpine', source: 'latest', tag: 'edge' } }],
] as const;

describe('without tokens configured (the default)', () => {
  let gateway: TestGateway;
  beforeAll(() => {
    gateway = gatewayWith();
  });

  it.each(mutations)(
    '%s is FORBIDDEN, says how to enable writes, and leaves the registry untouched',
    async (_name, document, variables) => {
      gateway.takeUpstream();
      const result = await executeAs(gateway, TOKENS.admin, document as typeof DeleteTagDocument, variables as never);
      expect(result.data).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(result.errors?.[0]?.message).toMatch(/read-only.*access\.tokens.*Authorization: Bearer/);
      expect(gateway.takeUpstream()).toEqual([]);
      expect(await tagDigests(client, 'library/alpine')).toEqual(before);
    },
  );

  it('answers queries', async () => {
    const result = await gateway.execute(RegistriesDocument);
    expect(result.errors).toBeUndefined();
  });
});

describe('with tokens configured', () => {
  let gateway: TestGateway;
  beforeAll(() => {
    gateway = gatewayWith(ACCESS);
  });
  beforeEach(() => {
    gateway.takeUpstream();
  });

  it.each([
    ['no Authorization header', undefined],
    ['an unknown token', 'not-a-token-of-this-gateway'],
  ])('a mutation with %s is UNAUTHENTICATED, with no upstream call', async (_what, token) => {
    for (const [, document, variables] of mutations) {
      const result = await executeAs(gateway, token, document as typeof DeleteTagDocument, variables as never);
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(gateway.takeUpstream()).toEqual([]);
    expect(await tagDigests(client, 'library/alpine')).toEqual(before);
  });

  it('an Authorization header of another scheme is UNAUTHENTICATED', async () => {
    const response = await gateway.post(
      { query: print(TagManifestDocument), variables: mutations[3][2] },
      { authorization: `Basic ${Buffer.from(`admin:${TOKENS.admin}`).toString('base64')}` },
    );
    expect((await response.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('a token without the scope is FORBIDDEN, naming the scope', async () => {
    const asReader = await executeAs(gateway, TOKENS.reader, TagManifestDocument, mutations[3][2]);
    expect(asReader.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(asReader.errors?.[0]?.message).toContain('write scope');
    const asWriter = await executeAs(gateway, TOKENS.writer, DeleteManifestDocument, mutations[2][2]);
    expect(asWriter.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(asWriter.errors?.[0]?.message).toContain('delete scope');
    expect(gateway.takeUpstream()).toEqual([]);
  });

  it('write suffices to delete a tag that shares its digest; deleting the last tag (and so the manifest) needs delete', async () => {
    const dryRun = await executeAs(gateway, TOKENS.writer, DeleteTagDocument, {
      input: { repository: 'library/alpine', tag: 'latest', dryRun: true },
    });
    expect(dryRun.data?.deleteTag).toMatchObject({ manifestDeleted: false, remainingTags: ['3.20'] });

    const lastTag = await executeAs(gateway, TOKENS.writer, DeleteTagDocument, { input: { repository: 'library/alpine', tag: '3.19' } });
    expect(lastTag.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(lastTag.errors?.[0]?.message).toContain('delete scope');
    expect(await tagDigests(client, 'library/alpine')).toEqual(before);

    const kept = await executeAs(gateway, TOKENS.writer, DeleteTagDocument, {
      input: { repository: 'library/alpine', tag: '3.19', keepManifest: true, dryRun: true },
    });
    expect(kept.errors).toBeUndefined();
  });

  it('tokens never appear in responses', async () => {
    for (const token of [TOKENS.reader, TOKENS.writer, 'guessed-token-0123456789']) {
      const text = await (await gateway.post({ query: print(DeleteManifestDocument), variables: mutations[2][2] }, bearer(token))).text();
      for (const secret of [...Object.values(TOKENS), 'guessed-token-0123456789']) expect(text).not.toContain(secret);
    }
  });

  it('queries need no token unless access.requireReadToken', async () => {
    expect((await gateway.execute(RegistriesDocument)).errors).toBeUndefined();
  });
});

describe('with access.requireReadToken', () => {
  let gateway: TestGateway;
  beforeAll(() => {
    gateway = gatewayWith({ ...ACCESS, requireReadToken: true });
  });

  it('a query needs a token with the read scope', async () => {
    gateway.takeUpstream();
    const anonymous = await executeAs(gateway, undefined, RegistriesDocument, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const writer = await executeAs(gateway, TOKENS.writer, RegistriesDocument, {});
    expect(writer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(gateway.takeUpstream()).toEqual([]);
    const reader = await executeAs(gateway, TOKENS.reader, RegistriesDocument, {});
    expect(reader.errors).toBeUndefined();
    expect(reader.data?.registries[0]?.status.reachable).toBe(true);
  });

  it('GraphiQL still loads', async () => {
    const page = await gateway.app.yoga.fetch('http://127.0.0.1/graphql', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
  });
});

describe('CSRF prevention', () => {
  let gateway: TestGateway;
  beforeAll(() => {
    gateway = gatewayWith(ACCESS);
  });
  const mutation = `mutation { tagManifest(input: { repository: "library/alpine", source: "latest", tag: "csrf" }) { tag { name } } }`;

  it('refuses a mutation in a form POST, which another site could send', async () => {
    for (const contentType of ['application/x-www-form-urlencoded', 'text/plain']) {
      const body = contentType === 'text/plain' ? JSON.stringify({ query: mutation }) : new URLSearchParams({ query: mutation }).toString();
      const response = await gateway.app.yoga.fetch('http://127.0.0.1/graphql', {
        method: 'POST',
        headers: { 'content-type': contentType, accept: 'application/graphql-response+json', ...bearer(TOKENS.admin) },
        body,
      });
      const text = await response.text();
      expect(text).not.toContain('"tagManifest":{');
      if (contentType !== 'text/plain') expect(text).toContain('CSRF');
    }
    expect(await tagDigests(client, 'library/alpine')).toEqual(before);
  });

  it('refuses a mutation over GET, and answers a query over GET', async () => {
    const mutationOverGet = await gateway.app.yoga.fetch(`http://127.0.0.1/graphql?query=${encodeURIComponent(mutation)}`, {
      headers: { accept: 'application/graphql-response+json', ...bearer(TOKENS.admin) },
    });
    expect(mutationOverGet.status).toBe(405);
    const queryOverGet = await gateway.app.yoga.fetch(`http://127.0.0.1/graphql?query=${encodeURIComponent('{ registries { name } }')}`, {
      headers: { accept: 'application/graphql-response+json' },
    });
    expect(await queryOverGet.json()).toMatchObject({ data: { registries: [{ name: 'local' }] } });
    expect(await tagDigests(client, 'library/alpine')).toEqual(before);
  });

  it('accepts a form POST mutation that carries the CSRF header', async () => {
    const response = await gateway.app.yoga.fetch('http://127.0.0.1/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/graphql-response+json',
        'x-graphql-yoga-csrf': '1',
        ...bearer(TOKENS.admin),
      },
      body: new URLSearchParams({ query: mutation.replace('library/alpine', 'team/api') }).toString(),
    });
    const answer = await response.json();
    expect(answer).toMatchObject({ data: { tagManifest: { tag: { name: 'csrf' } } } });
    expect(answer.errors).toBeUndefined();
  });
});
