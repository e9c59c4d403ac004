/**
 * The Manifest interface, its two types ImageManifest and ImageIndex, and IndexEntry: all their
 * fields; and the root field Query.manifest. Manifest nodes are identified by digest, so a
 * global id always names the same content.
 */
import { artifactTypeOf, imageDocument, indexDocument, isAttestation, runnableEntries } from '../model/manifestFacts.js';
import type { Descriptor, RepositoryDescriptor, RepositoryManifest } from '../model/types.js';
import { builder } from './builder.js';
import type { GatewayContext } from './context.js';
import { cost, namesDigest } from './cost.js';
import { type ContentWhen, contentFields } from './httpCache.js';
import { grammar } from './inputs.js';
import { decodeLocalId, encodeLocalId } from './nodeIds.js';
import {
  DescriptorRef,
  ImageConfigRef,
  ImageIndexRef,
  ImageManifestRef,
  IndexEntryRef,
  ManifestRef,
  PlatformRef,
  RepositoryRef,
} from './refs.js';

function descriptorIn(parent: RepositoryManifest, descriptor: Descriptor): RepositoryDescriptor {
  return { registry: parent.registry, repository: parent.repository, descriptor };
}

ManifestRef.implement({
  interfaces: [builder.nodeInterfaceRef()],
  resolveType: (parent) => (parent.manifest.kind === 'index' ? 'ImageIndex' : 'ImageManifest'),
  fields: (t) => ({
    digest: t.string({ resolve: ({ manifest }) => manifest.digest }),
    mediaType: t.string({ resolve: ({ manifest }) => manifest.mediaType }),
    size: t.field({ type: 'SafeInt', description: 'Bytes of the manifest document itself.', resolve: ({ manifest }) => manifest.size }),
    totalSize: t.field({
      type: 'SafeInt',
      nullable: true,
      // An image's sizes are in its document; an index reads its children.
      ...cost(({ parentType, sizes }) => (parentType === 'ImageIndex' ? { calls: sizes.entriesPerIndex() * sizes.uncachedShare() } : {})),
      description:
        'Bytes a pull transfers: the document, its config and layers; for an index, the sum over its entries; each distinct blob counted once.',
      resolve: (parent, _args, context) => context.model.manifests.totalSize(parent),
    }),
    created: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        "When the content was made: an image's config `created`, else its org.opencontainers.image.created annotation; an index's annotation, else its first runnable image's date. null when none is an RFC 3339 date.",
      // An image reads its config (shared with image and platform); an index its first child, then that child's config.
      ...cost(({ parentType, sizes }) =>
        parentType === 'ImageIndex' ? { calls: 2 * sizes.uncachedShare() } : { shared: { config: sizes.uncachedShare() } },
      ),
      resolve: (parent, _args, context) => context.model.manifests.created(parent),
    }),
    artifactType: t.string({
      nullable: true,
      description: 'artifactType, falling back to config.mediaType for artifacts; null for plain images.',
      resolve: ({ manifest }) => artifactTypeOf(manifest),
    }),
    annotations: t.field({ type: 'JSONObject', nullable: true, resolve: ({ manifest }) => manifest.document.annotations ?? null }),
    subject: t.field({
      type: DescriptorRef,
      nullable: true,
      resolve: (parent) => (parent.manifest.document.subject ? descriptorIn(parent, parent.manifest.document.subject) : null),
    }),
    repository: t.field({ type: RepositoryRef, resolve: (parent) => ({ registry: parent.registry, name: parent.repository }) }),
    tags: t.stringList({
      nullable: true,
      description: 'Tags of this repository that point at this digest, sorted.',
      // The tag list, then every tag's digest.
      ...cost(({ sizes }) => ({ calls: 1 + sizes.tagsPerRepository() })),
      resolve: (parent, _args, context) => context.model.manifests.tagsPointingAt(parent),
    }),
    referrers: t.field({
      type: [ManifestRef],
      nullable: true,
      description:
        "Manifests whose subject is this one: signatures, SBOMs, attestations. From the registry's referrers API (OCI 1.1), else the sha256-<hex> tag fallback and cosign's sha256-<hex>.sig/.att/.sbom tags; only those of artifactType when given; null when the registry could not be read.",
      args: { artifactType: t.arg.string() },
      // The referrers API (or the tag list and the fallback tags), then each referrer's manifest.
      ...cost(({ sizes }) => ({ calls: 1 + 2 * sizes.uncachedShare() })),
      resolve: (parent, args, context) => context.model.referrers.of(parent, args.artifactType),
    }),
    document: t.field({
      type: 'JSONObject',
      description: 'The manifest document as the registry stores it.',
      resolve: ({ manifest }) => manifest.document,
    }),
  }),
});

function manifestNodeOptions(kind: 'image' | 'index') {
  return {
    id: { resolve: (parent: RepositoryManifest) => encodeLocalId(parent.registry, parent.repository, parent.manifest.digest) },
    loadOne: async (id: string, context: GatewayContext) => {
      const [registry, repository, digest] = decodeLocalId(id, 'repository', 'digest') as [string, string, string];
      const parent = await context.model.manifests.find(context.model.registries.get(registry).config.name, repository, digest);
      return parent?.manifest.kind === kind ? parent : null;
    },
  };
}

builder.node(ImageManifestRef, {
  ...manifestNodeOptions('image'),
  // Its tags move, its repository's tags change and referrers come; the rest follows from its digest.
  ...contentFields({ except: ['tags', 'repository', 'referrers'] }),
  interfaces: [ManifestRef],
  isTypeOf: (parent) => (parent as RepositoryManifest).manifest.kind === 'image',
  fields: (t) => ({
    config: t.field({
      type: DescriptorRef,
      resolve: (parent) => descriptorIn(parent, imageDocument(parent.manifest).config),
    }),
    layers: t.field({
      type: [DescriptorRef],
      ...cost(({ sizes }) => ({ items: sizes.layersPerImage() })),
      resolve: (parent) => imageDocument(parent.manifest).layers.map((layer) => descriptorIn(parent, layer)),
    }),
    image: t.field({
      type: ImageConfigRef,
      nullable: true,
      ...cost(({ sizes }) => ({ shared: { config: sizes.uncachedShare() } })),
      description: 'The image configuration; null when the config is not an image config (an artifact).',
      resolve: (parent, _args, context) => context.model.manifests.imageConfig(parent),
    }),
    platform: t.field({
      type: PlatformRef,
      nullable: true,
      description: 'os/architecture/variant from the image configuration.',
      ...cost(({ sizes }) => ({ shared: { config: sizes.uncachedShare() } })),
      resolve: (parent, _args, context) => context.model.manifests.platform(parent),
    }),
  }),
});

builder.node(ImageIndexRef, {
  ...manifestNodeOptions('index'),
  ...contentFields({ except: ['tags', 'repository', 'referrers'] }),
  interfaces: [ManifestRef],
  isTypeOf: (parent) => (parent as RepositoryManifest).manifest.kind === 'index',
  fields: (t) => ({
    manifests: t.field({
      type: [IndexEntryRef],
      ...cost(({ sizes }) => ({ items: sizes.entriesPerIndex() })),
      resolve: (parent) => indexDocument(parent.manifest).manifests.map((entry) => descriptorIn(parent, entry)),
    }),
    platforms: t.field({
      type: [PlatformRef],
      description: 'Platforms of the runnable images; attestation entries excluded.',
      resolve: (parent) => runnableEntries(indexDocument(parent.manifest)).flatMap((entry) => (entry.platform ? [entry.platform] : [])),
    }),
  }),
});

IndexEntryRef.implement({
  ...contentFields('all'),
  fields: (t) => ({
    digest: t.string({ resolve: ({ descriptor }) => descriptor.digest }),
    mediaType: t.string({ resolve: ({ descriptor }) => descriptor.mediaType }),
    size: t.field({ type: 'SafeInt', resolve: ({ descriptor }) => descriptor.size }),
    annotations: t.field({ type: 'JSONObject', nullable: true, resolve: ({ descriptor }) => descriptor.annotations ?? null }),
    platform: t.field({
      type: PlatformRef,
      nullable: true,
      resolve: ({ descriptor }) => descriptor.platform ?? null,
    }),
    isAttestation: t.boolean({
      description: 'A build attestation (annotation vnd.docker.reference.type = attestation-manifest), not a runnable image.',
      resolve: ({ descriptor }) => isAttestation(descriptor),
    }),
    manifest: t.field({
      type: ManifestRef,
      nullable: true,
      // By digest: nothing when the cache has it.
      ...cost(({ sizes }) => ({ calls: sizes.uncachedShare() })),
      resolve: ({ registry, repository, descriptor }, _args, context) =>
        context.model.manifests.find(registry, repository, descriptor.digest),
    }),
  }),
});

builder.queryField('manifest', (t) =>
  t.field({
    type: ManifestRef,
    nullable: true,
    description:
      "A manifest by reference 'repo:tag', 'repo@sha256:...' or 'repo:tag@sha256:...' ('repo' alone means 'repo:latest'), or null when unknown.",
    args: { reference: t.arg.string({ required: true, ...grammar('imageReference') }), registry: t.arg.string() },
    extensions: {
      // A tag is asked for (GET, or HEAD when its content is cached); a digest only when not cached.
      ...cost(({ args, sizes }) => ({ calls: namesDigest(args.reference, 'imageReference') ? sizes.uncachedShare() : 1 })).extensions,
      // By digest, the answer follows from the content alone.
      contentWhen: ((args) => namesDigest(args.reference, 'imageReference')) satisfies ContentWhen,
    },
    resolve: (_root, args, context) =>
      context.model.manifests.findByImageReference(context.model.registries.get(args.registry).config.name, args.reference),
  }),
);
