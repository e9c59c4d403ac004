import type { Descriptor, FetchedManifest, ImageConfigDocument, Platform } from '../registry/types.js';
import type { RegistryEntry } from '../registrySet.js';
import { builder } from './builder.js';

/**
 * The object each GraphQL type resolves from. Declared together so that modules can refer to
 * each other's types without import cycles; each type is implemented in its own module.
 */
export interface RepositoryParent {
  registry: string;
  name: string;
}

export interface TagParent {
  registry: string;
  repository: string;
  name: string;
}

export interface ManifestParent {
  registry: string;
  repository: string;
  manifest: FetchedManifest;
}

export interface DescriptorParent {
  registry: string;
  repository: string;
  descriptor: Descriptor;
}

export interface BlobParent {
  registry: string;
  repository: string;
  digest: string;
  size: number;
}

export const RegistryRef = builder.objectRef<RegistryEntry>('Registry');
export const RepositoryRef = builder.objectRef<RepositoryParent>('Repository');
export const TagRef = builder.objectRef<TagParent>('Tag');
export const ManifestRef = builder.interfaceRef<ManifestParent>('Manifest');
export const ImageManifestRef = builder.objectRef<ManifestParent>('ImageManifest');
export const ImageIndexRef = builder.objectRef<ManifestParent>('ImageIndex');
export const DescriptorRef = builder.objectRef<DescriptorParent>('Descriptor');
export const IndexEntryRef = builder.objectRef<DescriptorParent>('IndexEntry');
export const BlobRef = builder.objectRef<BlobParent>('Blob');
export const PlatformRef = builder.objectRef<Platform>('Platform');
export const ImageConfigRef = builder.objectRef<ImageConfigDocument>('ImageConfig');
