/**
 * deleteTag on distribution 2.8 moves the tag onto a placeholder and deletes the placeholder.
 * When the registry stops answering between the two, or answers the DELETE into a connection
 * that is gone, the gateway reads the tag again and says what holds, and its advice never
 * brings back a tag the user deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSampleManifest } from '../../fixtures/content/oracles.js';
import { sampleContent } from '../../fixtures/content/sampleContent.js';
import type { LocalRegistry } from '../../fixtures/registry/localRegistry.js';
import type { RegistryClient } from '../../src/registry/client.js';
import { testClient } from '../support/client.js';
import { startFaultProxy, type FaultProxy, type SeenRequest } from '../support/faultProxy.js';
import { createTestGateway, type TestGateway } from '../support/gateway.js';
import { startSeededRegistry } from '../support/registry.js';
import { ACCESS, bearer, tagDigests } from '../support/writes.js';

const app = sampleContent().find(({ name }) => name === 'team/app')!;
/** 2.0.0 shares its manifest with latest: removing one tag alone goes through a placeholder. */
const shared = findSampleManifest(app, '2.0.0')!;

let registry: LocalRegistry;
let proxy: FaultProxy;
let gateway: TestGateway;
let direct: RegistryClient;

beforeAll(async () => {
  registry = await startSeededRegistry();
  proxy = await startFaultProxy(registry.url);
  gateway = createTestGateway({
    registryUrl: proxy.url,
    config: {
      access: ACCESS,
      registries: [{ name: 'local', url: proxy.url, retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100, maxTotalWaitMs: 1000 } }],
    },
  });
  direct = testClient(registry.url);
});
afterAll(async () => {
  await gateway.close();
  await direct.close();
  await proxy.stop();
  await registry.stop();
});

const isPlaceholderPut = (request: SeenRequest, tag: string) =>
  request.method === 'PUT' && request.path === `/v2/team/app/manifests/${tag}` && request.body.includes('dev.regql.tag-removal');

async function deleteTag(tag: string) {
  const response = await gateway.post(
    { query: `mutation { deleteTag(input: { repository: "team/app", tag: "${tag}", keepManifest: true }) { tag remainingTags } }` },
    bearer(ACCESS.tokens[0]!.token),
  );
  return (await response.json()) as { data: unknown; errors?: Array<{ message: string; extensions: Record<string, unknown> }> };
}

/** Lets each test reset the proxy's behaviour. */
function reset() {
  proxy.decide = () => 'forward';
  proxy.afterAnswer = () => {};
}

describe('deleteTag interrupted', () => {
  it('by a registry that dies after the placeholder PUT: the tag is on the placeholder, and the mend finishes the removal', async () => {
    const tag = '2.0.0';
    proxy.afterAnswer = (request) => {
      if (isPlaceholderPut(request, tag)) void proxy.down();
    };
    const result = await deleteTag(tag);
    reset();
    await proxy.up();
    expect(result.errors).toHaveLength(1);
    const error = result.errors![0]!;
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', tagState: 'ON_PLACEHOLDER' });
    const placeholder = error.extensions.placeholderDigest as string;
    expect(error.message).toContain(`deleteManifest(digest: "${placeholder}")`);
    // What the message says holds: the tag is on the placeholder, the other tags untouched.
    const now = await tagDigests(direct, 'team/app');
    expect(now[tag]).toBe(placeholder);
    expect(shared.tags.filter((name) => name !== tag)).toEqual(['latest']);
    expect(now.latest).toBe(shared.digest);

    // Following the advice removes exactly that tag.
    const mend = await gateway.post(
      { query: `mutation { deleteManifest(input: { repository: "team/app", digest: "${placeholder}" }) { removedTags } }` },
      bearer(ACCESS.tokens[0]!.token),
    );
    expect((await mend.json()).data.deleteManifest.removedTags).toEqual([tag]);
    expect(await tagDigests(direct, 'team/app')).not.toHaveProperty(tag);
  });

  it('by a lost answer to the placeholder DELETE: the retry finds it gone, and the removal is reported done', async () => {
    const tag = 'latest';
    let moved = false;
    proxy.afterAnswer = (request) => {
      if (isPlaceholderPut(request, tag)) moved = true;
    };
    proxy.decide = (request) =>
      moved && request.method === 'DELETE' && /manifests\/sha256:/.test(request.path) ? 'dropAnswer' : 'forward';
    const before = await tagDigests(direct, 'team/app');
    const result = await deleteTag(tag);
    reset();
    expect(result.errors).toBeUndefined();
    const after = await tagDigests(direct, 'team/app');
    expect(after).not.toHaveProperty(tag);
    expect(Object.keys(after)).toEqual(Object.keys(before).filter((name) => name !== tag));
  });

  it('by a registry that dies answering the placeholder DELETE: not known, and the advice never re-tags', async () => {
    const tag = 'dev';
    let moved = false;
    proxy.afterAnswer = (request) => {
      if (isPlaceholderPut(request, tag)) moved = true;
      else if (moved && request.method === 'DELETE') void proxy.down();
    };
    proxy.decide = (request) =>
      moved && request.method === 'DELETE' && /manifests\/sha256:/.test(request.path) ? 'dropAnswer' : 'forward';
    const result = await deleteTag(tag);
    reset();
    await proxy.up();
    const error = result.errors![0]!;
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', tagState: 'UNKNOWN' });
    expect(error.message).toContain('404 means it is deleted');
    expect(error.message).not.toContain('tagManifest');
    // It was in fact deleted: the advice (a HEAD tells) leads to the truth.
    expect(await tagDigests(direct, 'team/app')).not.toHaveProperty(tag);
  });
});
