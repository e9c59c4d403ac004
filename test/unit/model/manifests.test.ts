import { describe, expect, it } from 'vitest';
import { Manifests } from '../../../src/model/manifests.js';
import type { Reads } from '../../../src/model/reads.js';
import { RegistryError } from '../../../src/registry/errors.js';
import type { FetchedManifest, ImageConfigDocument } from '../../../src/registry/types.js';

const configDigest = `sha256:${'c'.repeat(64)}`;
const image = {
  kind: 'image',
  digest: `sha256:${'a'.repeat(64)}`,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: 400,
  bytes: Buffer.alloc(0),
  document: {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: 100 },
    layers: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${'1'.repeat(64)}`, size: 1000 },
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${'1'.repeat(64)}`, size: 1000 },
    ],
  },
} as FetchedManifest;
const parent = { registry: 'r', repository: 'team/app', manifest: image };

/** Manifests over a config loader that answers as `answers` say, in turn; counts the loads. */
function manifestsWith(answers: Array<ImageConfigDocument | Error>) {
  let loads = 0;
  const load = async () => {
    const answer = answers[loads++]!;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { manifests: new Manifests({ loaders: { configs: { load } } } as unknown as Reads), loads: () => loads };
}

describe('Manifests: facts worked out once per manifest', () => {
  it("an image's config is loaded once for its platform and its config, however often asked", async () => {
    const { manifests, loads } = manifestsWith([{ os: 'linux', architecture: 'arm64' }]);
    const [platform, config] = await Promise.all([
      manifests.platform(parent),
      manifests.imageConfig(parent),
      manifests.imageConfig(parent),
    ]);
    expect(platform).toMatchObject({ os: 'linux', architecture: 'arm64' });
    expect(config).toEqual({ os: 'linux', architecture: 'arm64' });
    expect(loads()).toBe(1);
  });

  it('a config that failed to load is loaded again when asked again (after a write, say), not failed from memory', async () => {
    const { manifests, loads } = manifestsWith([
      new RegistryError({ kind: 'UNAVAILABLE', message: 'no answer' }),
      { os: 'linux', architecture: 'amd64' },
    ]);
    await expect(manifests.imageConfig(parent)).rejects.toThrow('no answer');
    expect(await manifests.imageConfig(parent)).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(loads()).toBe(2);
  });

  it("an image's total size is its document, config and distinct layers, at once (no promise)", () => {
    const { manifests, loads } = manifestsWith([]);
    expect(manifests.totalSize(parent)).toBe(400 + 100 + 1000);
    expect(loads()).toBe(0);
  });
});
