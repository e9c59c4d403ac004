/** HTTP caching of GET queries: a year for content named by digest, revalidation by ETag for the rest, nothing for errors and POSTs. */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { findSampleManifest } from '../../fixtures/content/oracles.js';
import { sampleContent } from '../../fixtures/content/sampleContent.js';
import { createTestGateway } from '../support/gateway.js';

const gateway = createTestGateway({ registryUrl: inject('registryUrl') });
afterAll(() => gateway.close());

const app = sampleContent().find(({ name }) => name === 'team/app')!;
const release = findSampleManifest(app, '2.0.0')!;
const UNKNOWN_DIGEST = `sha256:${'0'.repeat(64)}`;
const IMMUTABLE = 'public, max-age=31536000, immutable';

function get(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
  const url = new URL('http://127.0.0.1/graphql');
  url.searchParams.set('query', query);
  if (variables) url.searchParams.set('variables', JSON.stringify(variables));
  return gateway.app.yoga.fetch(url, { headers: { accept: 'application/graphql-response+json', ...headers } });
}

const byDigest = `team/app@${release.digest}`;

describe('Cache-Control of GET answers', () => {
  it.each([
    [
      'a manifest by digest, its content only',
      `{ manifest(reference: "${byDigest}") { digest mediaType ... on ImageIndex { manifests { digest platform { os architecture } manifest { ... on ImageManifest { config { digest } image { created history { created } } layers { size } } } } } } }`,
    ],
    ['a manifest by digest through a variable', 'query ($r: String!) { manifest(reference: $r) { digest size } }', { r: byDigest }],
    [
      'fragments on the interface and on the other type',
      `{ manifest(reference: "${byDigest}") { ...M ... on ImageManifest { layers { digest } } } } fragment M on Manifest { digest }`,
    ],
  ])('%s: immutable', async (_what, query, variables?: Record<string, unknown>) => {
    const response = await get(query, variables);
    expect(response.status).toBe(200);
    expect((await response.json()).errors).toBeUndefined();
    expect(response.headers.get('cache-control')).toBe(IMMUTABLE);
    expect(response.headers.get('etag')).toMatch(/^"[\w-]{43}"$/);
  });

  it.each([
    ['a manifest by tag', '{ manifest(reference: "team/app:2.0.0") { digest } }'],
    ['a manifest by digest with its tags', `{ manifest(reference: "${byDigest}") { digest tags } }`],
    ['a manifest by digest with its repository', `{ manifest(reference: "${byDigest}") { digest repository { tagCount } } }`],
    [
      'a descriptor with whether its blob is there',
      `{ manifest(reference: "${byDigest}") { ... on ImageIndex { manifests { manifest { ... on ImageManifest { config { blob { size } } } } } } } }`,
    ],
    ['an unknown digest, which may yet be pushed', `{ manifest(reference: "team/app@${UNKNOWN_DIGEST}") { digest } }`],
    ['the repositories', '{ registry { repositories(first: 2) { edges { node { id name } } } } }'],
  ])('%s: kept only when revalidated', async (_what, query) => {
    const response = await get(query);
    expect(response.status).toBe(200);
    expect((await response.json()).errors).toBeUndefined();
    expect(response.headers.get('cache-control')).toBe('public, no-cache');
    expect(response.headers.get('etag')).toBeTruthy();
  });

  it('a manifest by the node id of a manifest is immutable; a tag by its node id is not', async () => {
    const ids = (
      await (await get(`{ manifest(reference: "${byDigest}") { id } repository(name: "team/app") { tag(name: "2.0.0") { id } } }`)).json()
    ).data;
    expect((await get(`{ node(id: "${ids.manifest.id}") { id ... on ImageIndex { digest } } }`)).headers.get('cache-control')).toBe(
      IMMUTABLE,
    );
    expect((await get(`{ node(id: "${ids.repository.tag.id}") { id } }`)).headers.get('cache-control')).toBe('public, no-cache');
  });

  it('answers with errors are not kept', async () => {
    const response = await get('{ manifest(reference: "Not A Reference") { digest } }');
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('etag')).toBeNull();
  });

  it('answers to POSTs are not kept', async () => {
    const response = await gateway.post({ query: `{ manifest(reference: "${byDigest}") { digest } }` });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('answers to requests with credentials are private', async () => {
    const response = await get(`{ manifest(reference: "${byDigest}") { digest } }`, undefined, { authorization: 'Bearer anything' });
    expect(response.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(response.headers.get('vary')).toContain('Authorization');
  });
});

describe('If-None-Match', () => {
  it('the ETag of an unchanged answer gets 304 without a body', async () => {
    const query = '{ repository(name: "team/app") { id tagCount tags(first: 3) { edges { node { id name } } } } }';
    const first = await get(query);
    const etag = first.headers.get('etag')!;
    const again = await get(query, undefined, { 'if-none-match': `W/"other", ${etag}` });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('cache-control')).toBe('public, no-cache');
  });

  it('a different answer gets 200 with its own ETag', async () => {
    const first = await get('{ repository(name: "team/app") { tagCount } }');
    const other = await get('{ repository(name: "team/api") { tagCount } }', undefined, { 'if-none-match': first.headers.get('etag')! });
    expect(other.status).toBe(200);
    expect(other.headers.get('etag')).not.toBe(first.headers.get('etag'));
    expect((await other.json()).data.repository.tagCount).toBeGreaterThan(0);
  });
});
