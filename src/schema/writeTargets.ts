import type { GatewayContext } from '../loaders/context.js';
import type { ManifestKey } from '../loaders/loaders.js';
import { isRegistryError } from '../registry/errors.js';
import type { RegistryEntry } from '../registrySet.js';
import { notFoundError } from './errors.js';
import { registryArg } from './inputs.js';
import { loadManifest } from './manifestFacts.js';
import type { ManifestParent } from './refs.js';

/** The registry a mutation writes to, with its configured name. */
export function writeTarget(context: GatewayContext, registry: string | null | undefined): { entry: RegistryEntry; registry: string } {
  const entry = registryArg(context, registry);
  return { entry, registry: entry.config.name };
}

/**
 * The manifest a mutation works on, fresh from the registry for a tag (the loaders confirm a
 * tag's digest). Unlike a query, where an unknown manifest is null, a mutation needs it:
 * NOT_FOUND with `missing` as the message.
 */
export async function loadForWrite(context: GatewayContext, key: ManifestKey, missing: string): Promise<ManifestParent> {
  try {
    return await loadManifest(context, key);
  } catch (error) {
    if (isRegistryError(error, 'NOT_FOUND')) throw notFoundError(missing);
    throw error;
  }
}
