import { RegistryError, rephrased } from '../../registry/errors.js';

/**
 * A registry's refusal of a write, with what the operator can do about it. Distribution
 * answers 405 with the code UNSUPPORTED to a DELETE while storage.delete.enabled is false, and
 * a plain-text 405 "Method not allowed" to every write in read-only (maintenance) mode. Other
 * errors are returned as they are.
 */
function explainWriteRefusal(error: unknown): unknown {
  if (!(error instanceof RegistryError) || error.kind !== 'UNSUPPORTED') return error;
  const hint =
    error.method === 'DELETE' && error.registryErrors.some(({ code }) => code === 'UNSUPPORTED')
      ? 'the registry does not delete manifests: its configuration must set storage.delete.enabled to true'
      : error.registryErrors.length === 0 && error.status === 405
        ? 'the registry refuses writes, as a registry in read-only mode does (distribution: storage.maintenance.readonly.enabled)'
        : undefined;
  return hint === undefined ? error : rephrased(error, `${error.message} (${hint})`);
}

/** Runs a write, explaining the registry's refusal if it comes. */
export async function explainingRefusals<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw explainWriteRefusal(error);
  }
}
