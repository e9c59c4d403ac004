import type {
  ImageConfigDocument,
  Platform,
  RegistryEntry,
  Repository,
  RepositoryBlob,
  RepositoryDescriptor,
  RepositoryManifest,
  Tag,
} from '../model/types.js';
import type { BlobUploadView } from '../model/writes/uploads.js';
import { builder } from './builder.js';

/**
 * The GraphQL types and the model objects they resolve from. Declared together so that modules
 * can refer to each other's types without import cycles; each type is implemented in its own
 * module, with all of its fields.
 */
export const RegistryRef = builder.objectRef<RegistryEntry>('Registry');
export const RepositoryRef = builder.objectRef<Repository>('Repository');
export const TagRef = builder.objectRef<Tag>('Tag');
export const ManifestRef = builder.interfaceRef<RepositoryManifest>('Manifest');
export const ImageManifestRef = builder.objectRef<RepositoryManifest>('ImageManifest');
export const ImageIndexRef = builder.objectRef<RepositoryManifest>('ImageIndex');
export const DescriptorRef = builder.objectRef<RepositoryDescriptor>('Descriptor');
export const IndexEntryRef = builder.objectRef<RepositoryDescriptor>('IndexEntry');
export const BlobRef = builder.objectRef<RepositoryBlob>('Blob');
export const PlatformRef = builder.objectRef<Platform>('Platform');
export const ImageConfigRef = builder.objectRef<ImageConfigDocument>('ImageConfig');
export const BlobUploadRef = builder.objectRef<BlobUploadView>('BlobUpload');
