import { parseReference } from '../registry/reference.js';
import type { GatewayContext } from '../loaders/context.js';
import { builder } from './builder.js';
import { cost, ESTIMATED_INDEX_ENTRIES, ESTIMATED_LAYERS } from './cost.js';
import { nullIfNotFound } from './errors.js';
import { grammar, registryArg } from './inputs.js';
import {
  imageConfigOf,
  isAttestation,
  loadManifest,
  manifestTotalSize,
  runnableEntries,
  tagsPointingAt,
} from './manifestFacts.js';
import { decodeLocalId, encodeLocalId } from './nodeIds.js';
import { MAX_TAG_PAGE } from './tag.js';
import { isImageConfigMediaType } from '../registry/mediaTypes.js';
import {
  DescriptorRef,
  ImageConfigRef,
  ImageIndexRef,
  ImageManifestRef,
  IndexEntryRef,
  ManifestRef,
  PlatformRef,
  RepositoryRef,
  type DescriptorParent,
  type ManifestParent,
} from './refs.js';

function findManifest(context: GatewayContext, registry: string, repository: string, reference: string) {
  return nullIfNotFound(loadManifest(context, { registry, repository, reference }));
}

function descriptorIn(parent: ManifestParent, descriptor: DescriptorParent['descriptor']): DescriptorParent {
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
      ...cost(({ parentType }) => (parentType === 'ImageIndex' ? { calls: ESTIMATED_INDEX_ENTRIES } : {})),
      description:
        'Bytes a pull transfers: the document, its config and layers; for an index, the sum over its entries; each distinct blob counted once.',
      resolve: (parent, _args, context) => manifestTotalSize(context, parent),
    }),
    artifactType: t.string({
      nullable: true,
      description: 'artifactType, falling back to config.mediaType for artifacts; null for plain images.',
      resolve: ({ manifest }) => {
        if (manifest.document.artifactType) return manifest.document.artifactType;
        if (manifest.kind === 'image' && !isImageConfigMediaType(manifest.document.config.mediaType)) {
          return manifest.document.config.mediaType;
        }
        return null;
      },
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
      ...cost({ calls: 1 + MAX_TAG_PAGE }),
      resolve: (parent, _args, context) => tagsPointingAt(context, parent),
    }),
    document: t.field({
      type: 'JSONObject',
      description: 'The manifest document as the registry stores it.',
      resolve: ({ manifest }) => manifest.document,
    }),
  }),
});

/** Manifest nodes are identified by digest, so a global id always names the same content. */
function manifestNodeOptions(kind: 'image' | 'index') {
  return {
    id: { resolve: (parent: ManifestParent) => encodeLocalId(parent.registry, parent.repository, parent.manifest.digest) },
    loadOne: async (id: string, context: GatewayContext) => {
      const [registry, repository, digest] = decodeLocalId(id, 'repository', 'digest') as [string, string, string];
      const parent = await findManifest(context, registryArg(context, registry).config.name, repository, digest);
      return parent?.manifest.kind === kind ? parent : null;
    },
  };
}

builder.node(ImageManifestRef, {
  ...manifestNodeOptions('image'),
  interfaces: [ManifestRef],
  isTypeOf: (parent) => (parent as ManifestParent).manifest.kind === 'image',
  fields: (t) => ({
    config: t.field({
      type: DescriptorRef,
      resolve: (parent) => descriptorIn(parent, imageDocument(parent).config),
    }),
    layers: t.field({
      type: [DescriptorRef],
      ...cost({ items: ESTIMATED_LAYERS }),
      resolve: (parent) => imageDocument(parent).layers.map((layer) => descriptorIn(parent, layer)),
    }),
    image: t.field({
      type: ImageConfigRef,
      nullable: true,
      ...cost({ shared: { config: 1 } }),
      description: 'The image configuration; null when the config is not an image config (an artifact).',
      resolve: (parent, _args, context) => imageConfigOf(context, parent),
    }),
    platform: t.field({
      type: PlatformRef,
      nullable: true,
      description: 'os/architecture/variant from the image configuration.',
      ...cost({ shared: { config: 1 } }),
      resolve: async (parent, _args, context) => {
        const config = await imageConfigOf(context, parent);
        return config?.os && config.architecture
          ? { os: config.os, architecture: config.architecture, variant: config.variant, 'os.version': config['os.version'] }
          : null;
      },
    }),
  }),
});

builder.node(ImageIndexRef, {
  ...manifestNodeOptions('index'),
  interfaces: [ManifestRef],
  isTypeOf: (parent) => (parent as ManifestParent).manifest.kind === 'index',
  fields: (t) => ({
    manifests: t.field({
      type: [IndexEntryRef],
      ...cost({ items: ESTIMATED_INDEX_ENTRIES }),
      resolve: (parent) => indexDocument(parent).manifests.map((entry) => descriptorIn(parent, entry)),
    }),
    platforms: t.field({
      type: [PlatformRef],
      description: 'Platforms of the runnable images; attestation entries excluded.',
      resolve: (parent) => runnableEntries(indexDocument(parent)).flatMap((entry) => (entry.platform ? [entry.platform] : [])),
    }),
  }),
});

function imageDocument(parent: ManifestParent) {
  if (parent.manifest.kind !== 'image') throw new Error('not an image manifest');
  return parent.manifest.document;
}

function indexDocument(parent: ManifestParent) {
  if (parent.manifest.kind !== 'index') throw new Error('not an index');
  return parent.manifest.document;
}

IndexEntryRef.implement({
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
      ...cost({ calls: 1 }),
      resolve: ({ registry, repository, descriptor }, _args, context) => findManifest(context, registry, repository, descriptor.digest),
    }),
  }),
});

builder.objectField(RepositoryRef, 'manifest', (t) =>
  t.field({
    type: ManifestRef,
    nullable: true,
    description: 'A manifest by tag or digest, or null when unknown.',
    ...cost({ calls: 1 }),
    args: { reference: t.arg.string({ required: true, ...grammar('tagOrDigest') }) },
    resolve: (repository, args, context) => findManifest(context, repository.registry, repository.name, args.reference),
  }),
);

builder.queryField('manifest', (t) =>
  t.field({
    type: ManifestRef,
    nullable: true,
    description:
      "A manifest by reference 'repo:tag', 'repo@sha256:...' or 'repo:tag@sha256:...' ('repo' alone means 'repo:latest'), or null when unknown.",
    args: { reference: t.arg.string({ required: true, ...grammar('imageReference') }), registry: t.arg.string() },
    ...cost({ calls: 1 }),
    resolve: (_root, args, context) => {
      const { repository, tag, digest } = parseReference(args.reference);
      const registry = registryArg(context, args.registry).config.name;
      // With both, the digest decides (as with docker pull); the tag was only checked for form.
      return findManifest(context, registry, repository, digest ?? tag ?? 'latest');
    },
  }),
);
