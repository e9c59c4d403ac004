import type { RegistrySet } from '../registrySet.js';
import type { ContentCache } from './contentCache.js';
import { createLoaders, type Loaders } from './loaders.js';

/** What every resolver sees: the configured registries and this request's loaders. */
export interface GatewayContext {
  registries: RegistrySet;
  loaders: Loaders;
}

export function createGatewayContext(registries: RegistrySet, cache: ContentCache): GatewayContext {
  return { registries, loaders: createLoaders(registries, cache) };
}
