/**
 * The referrers of a manifest (signatures, SBOMs, attestations: manifests whose `subject` is it).
 * From the registry's referrers API (OCI distribution 1.1) where it has one; else from the tag
 * schema clients fall back to: an index tagged `sha256-<hex>` that lists the referrers, and
 * cosign's tags `sha256-<hex>.sig`, `.att` and `.sbom`, each a referrer itself.
 */
import { isRegistryError, nullIfNotFound } from '../registry/errors.js';
import type { RegistryEntry } from '../registries.js';
import type { Descriptor } from '../registry/types.js';
import { artifactTypeOf } from './manifestFacts.js';
import type { Manifests } from './manifests.js';
import type { Reads } from './reads.js';
import type { RepositoryManifest } from './types.js';

/** The tags of the fallback schema: an index of referrers, or cosign's signature, attestation and SBOM. */
const REFERRER_TAG = /^sha256-[0-9a-f]{64}(?:\.(?:sig|att|sbom))?$/;

export function isReferrerTag(tag: string): boolean {
  return REFERRER_TAG.test(tag);
}

/** How long a registry that answered 404 to the referrers API is taken not to have one (it may be upgraded). */
const NO_API_REMEMBERED_MS = 10 * 60 * 1000;
/** Registries (their entries live as long as the gateway's configuration) known to lack the API, until when. */
const withoutReferrersApi = new WeakMap<RegistryEntry, number>();

export class Referrers {
  constructor(
    private readonly reads: Reads,
    private readonly manifests: Manifests,
  ) {}

  /** The manifests whose subject is `parent`, only those of `artifactType` when given; in the registry's order. */
  async of(parent: RepositoryManifest, artifactType?: string | null): Promise<RepositoryManifest[]> {
    const { registry, repository, manifest } = parent;
    const entry = this.reads.registries.find(registry)!;
    const filter = artifactType ?? undefined;
    let descriptors: Descriptor[] | undefined;
    let filtered = false;
    if ((withoutReferrersApi.get(entry) ?? 0) < Date.now()) {
      const answer = await this.reads.client(registry).referrersList(repository, manifest.digest, filter);
      if (answer) ({ descriptors, filtered } = answer);
      else withoutReferrersApi.set(entry, Date.now() + NO_API_REMEMBERED_MS);
    }
    const referrers = descriptors
      ? await this.load(
          parent,
          descriptors.map(({ digest }) => digest),
        )
      : await this.fromTags(parent);
    return filter === undefined || filtered ? referrers : referrers.filter((referrer) => artifactTypeOf(referrer.manifest) === filter);
  }

  /** The fallback: the sha256-<hex> index's entries, then cosign's tags, each referrer once. */
  private async fromTags(parent: RepositoryManifest): Promise<RepositoryManifest[]> {
    const { registry, repository, manifest } = parent;
    const tags = await nullIfNotFound(this.reads.loaders.tags.load({ registry, repository }));
    if (!tags) return [];
    const base = manifest.digest.replace(':', '-');
    const present = new Set(tags);
    const digests: string[] = [];
    if (present.has(base)) {
      const index = await this.manifests.find(registry, repository, base);
      if (index?.manifest.kind === 'index') digests.push(...index.manifest.document.manifests.map(({ digest }) => digest));
    }
    for (const suffix of ['sig', 'att', 'sbom']) {
      const tag = `${base}.${suffix}`;
      if (!present.has(tag)) continue;
      const tagged = await this.manifests.find(registry, repository, tag);
      if (tagged) digests.push(tagged.manifest.digest);
    }
    return this.load(parent, [...new Set(digests)]);
  }

  /** The referrer manifests by digest (through the loaders and the digest cache); one that is gone is left out. */
  private async load({ registry, repository }: RepositoryManifest, digests: readonly string[]): Promise<RepositoryManifest[]> {
    const loaded = await Promise.all(
      digests.map((digest) =>
        this.manifests.load({ registry, repository, reference: digest }).catch((error: unknown) => {
          if (isRegistryError(error, 'NOT_FOUND')) return null;
          throw error;
        }),
      ),
    );
    return loaded.filter((referrer): referrer is RepositoryManifest => referrer !== null);
  }
}
