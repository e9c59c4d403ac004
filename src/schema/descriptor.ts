/** Descriptor and Platform: every field of the two types; no root field returns them. */
import { cost } from './cost.js';
import { contentFields } from './httpCache.js';
import { BlobRef, DescriptorRef, PlatformRef } from './refs.js';

// Platforms as documents spell them; the GraphQL type names os.version osVersion.
PlatformRef.implement({
  ...contentFields('all'),
  fields: (t) => ({
    os: t.exposeString('os'),
    architecture: t.exposeString('architecture'),
    variant: t.string({ nullable: true, resolve: (platform) => platform.variant || null }),
    osVersion: t.string({ nullable: true, resolve: (platform) => platform['os.version'] || null }),
  }),
});

DescriptorRef.implement({
  // Whether the registry still has the blob is a question of now.
  ...contentFields({ except: ['blob'] }),
  fields: (t) => ({
    digest: t.string({ resolve: ({ descriptor }) => descriptor.digest }),
    mediaType: t.string({ resolve: ({ descriptor }) => descriptor.mediaType }),
    size: t.field({ type: 'SafeInt', resolve: ({ descriptor }) => descriptor.size }),
    annotations: t.field({ type: 'JSONObject', nullable: true, resolve: ({ descriptor }) => descriptor.annotations ?? null }),
    urls: t.stringList({ nullable: true, resolve: ({ descriptor }) => descriptor.urls ?? null }),
    blob: t.field({
      type: BlobRef,
      nullable: true,
      ...cost({ calls: 1 }),
      description: 'The blob in this repository, or null when the registry does not have it (a foreign layer, missing content).',
      resolve: ({ registry, repository, descriptor }, _args, context) => context.model.blobs.find(registry, repository, descriptor.digest),
    }),
  }),
});
