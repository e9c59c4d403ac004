import type { RequestAccess } from '../access.js';
import type { RegistrySet } from '../registrySet.js';
import type { ContentCache } from './contentCache.js';
import { createLoaders, type Loaders } from './loaders.js';

/**
 * What every resolver sees: the configured registries, this request's loaders, the
 * process-wide content cache (which writes invalidate) and what the request may do.
 */
export interface GatewayContext {
  registries: RegistrySet;
  loaders: Loaders;
  cache: ContentCache;
  access: RequestAccess;
}

export function createGatewayContext(registries: RegistrySet, cache: ContentCache, access: RequestAccess): GatewayContext {
  return { registries, loaders: createLoaders(registries, cache), cache, access };
}
