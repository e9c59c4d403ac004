/**
 * What the model hands to the schema: things of a registry, each carrying where it lives
 * (registry name, repository) so that later questions about it know whom to ask.
 */
import type { Descriptor, FetchedManifest } from '../registry/types.js';

export type { Descriptor, FetchedManifest, ImageConfigDocument, Platform } from '../registry/types.js';
export type { RegistryEntry } from '../registries.js';

export interface Repository {
  registry: string;
  name: string;
}

export interface Tag {
  registry: string;
  repository: string;
  name: string;
}

export interface RepositoryManifest {
  registry: string;
  repository: string;
  manifest: FetchedManifest;
}

/** A descriptor (a layer, a config, an index entry, a subject) as a manifest of the repository names it. */
export interface RepositoryDescriptor {
  registry: string;
  repository: string;
  descriptor: Descriptor;
}

export interface RepositoryBlob {
  registry: string;
  repository: string;
  digest: string;
  size: number;
}
