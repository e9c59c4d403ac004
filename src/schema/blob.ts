import type { GatewayContext } from '../loaders/context.js';
import { builder } from './builder.js';
import { cost } from './cost.js';
import { grammar, registryArg } from './inputs.js';
import { decodeLocalId, encodeLocalId } from './nodeIds.js';
import { BlobRef, RepositoryRef, type BlobParent } from './refs.js';

/** The blob when the repository has it (a HEAD confirms it), else null. */
export async function findBlob(context: GatewayContext, registry: string, repository: string, digest: string): Promise<BlobParent | null> {
  const head = await context.loaders.blobs.load({ registry, repository, digest });
  return head && { registry, repository, digest: head.digest, size: head.size };
}

builder.node(BlobRef, {
  description: 'A blob as the registry stores it, confirmed with a HEAD request.',
  id: { resolve: (blob) => encodeLocalId(blob.registry, blob.repository, blob.digest) },
  loadOne: (id, context) => {
    const [registry, repository, digest] = decodeLocalId(id, 'repository', 'digest') as [string, string, string];
    return findBlob(context, registryArg(context, registry).config.name, repository, digest);
  },
  fields: (t) => ({
    digest: t.exposeString('digest'),
    size: t.field({ type: 'SafeInt', description: 'Bytes, as the registry reports them.', resolve: (blob) => blob.size }),
    repository: t.field({ type: RepositoryRef, resolve: (blob) => ({ registry: blob.registry, name: blob.repository }) }),
  }),
});

builder.objectField(RepositoryRef, 'blob', (t) =>
  t.field({
    type: BlobRef,
    nullable: true,
    description: 'A blob by digest, or null when the repository does not have it.',
    ...cost({ calls: 1 }),
    args: { digest: t.arg.string({ required: true, ...grammar('digest') }) },
    resolve: (repository, args, context) => findBlob(context, repository.registry, repository.name, args.digest),
  }),
);
