/** Dates and strings of an image config as the registry holds them: every digit of a date, empty strings kept. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LocalRegistry } from '../../fixtures/registry/localRegistry.js';
import { computeDigest } from '../../src/registry/digest.js';
import { MediaType } from '../../src/registry/mediaTypes.js';
import type { RegistryClient } from '../../src/registry/client.js';
import { createTestGateway, type TestGateway } from '../support/gateway.js';
import { startSeededRegistry } from '../support/registry.js';

/** Two history entries 23 microseconds apart, as BuildKit writes them. */
const config = (created: string) => ({
  created,
  architecture: 'amd64',
  os: 'linux',
  config: { WorkingDir: '', User: '', Env: ['PATH=/bin'] },
  rootfs: { type: 'layers', diff_ids: [] },
  history: [
    { created: '2026-11-29T19:14:14.461775486Z', created_by: 'ADD rootfs /' },
    { created: '2026-11-29T19:14:14.461798486Z', created_by: 'CMD ["sh"]', empty_layer: true },
  ],
});

async function push(client: RegistryClient, tag: string, created: string): Promise<void> {
  const bytes = Buffer.from(JSON.stringify(config(created)));
  await client.blobUpload('dates/app', bytes);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: computeDigest(bytes), size: bytes.length },
      layers: [],
    }),
  );
  await client.manifestPut('dates/app', tag, manifest, MediaType.ociManifest);
}

let registry: LocalRegistry;
let gateway: TestGateway;

beforeAll(async () => {
  registry = await startSeededRegistry({
    seed: async (client) => {
      await push(client, 'precise', '2026-11-29T19:14:14.461775486Z');
      await push(client, 'offset', '2026-11-29T20:14:14.4617755+01:00');
      await push(client, 'broken', 'last Tuesday');
    },
  });
  gateway = createTestGateway({ registryUrl: registry.url });
});
afterAll(async () => {
  await gateway.close();
  await registry.stop();
});

const image = (tag: string) =>
  gateway.query<any>(
    `{ manifest(reference: "dates/app:${tag}") { ... on ImageManifest { image { created workingDir user history { created createdBy } } } } }`,
  );

it('keeps the dates of the config as written: nanoseconds, offsets, the order of entries 23 microseconds apart', async () => {
  const precise = await image('precise');
  expect(precise.errors).toBeUndefined();
  expect(precise.data.manifest.image).toEqual({
    created: '2026-11-29T19:14:14.461775486Z',
    workingDir: '',
    user: '',
    history: [
      { created: '2026-11-29T19:14:14.461775486Z', createdBy: 'ADD rootfs /' },
      { created: '2026-11-29T19:14:14.461798486Z', createdBy: 'CMD ["sh"]' },
    ],
  });
  expect((await image('offset')).data.manifest.image.created).toBe('2026-11-29T20:14:14.4617755+01:00');
});

it('answers a date that is not RFC 3339 with null and an UPSTREAM_INVALID error, not a guess', async () => {
  const broken = await image('broken');
  expect(broken.data.manifest.image.created).toBeNull();
  expect(broken.data.manifest.image.history).toHaveLength(2);
  expect(broken.errors).toMatchObject([
    {
      path: ['manifest', 'image', 'created'],
      extensions: { code: 'UPSTREAM_INVALID' },
      message: expect.stringContaining('"last Tuesday"'),
    },
  ]);
});

it('orders tags by created to the last digit, across offsets', async () => {
  const result = await gateway.query<any>('{ repository(name: "dates/app") { tags(orderBy: CREATED_DESC) { edges { node { name } } } } }');
  // 20:14:14.4617755+01:00 is 19:14:14.4617755Z, 24.5 microseconds after "precise".
  expect(result.data.repository.tags.edges.map(({ node }: any) => node.name)).toEqual(['offset', 'precise', 'broken']);
});
