// Only imports: each module adds its types and their root fields to the builder.
import { GraphQLDeferDirective, GraphQLStreamDirective } from '@graphql-tools/utils';
import { builder } from './builder.js';
import './registry.js';
import './repository.js';
import './tag.js';
import './manifest.js';
import './descriptor.js';
import './blob.js';
import './imageConfig.js';
import './blobUpload.js';
import './manifestMutations.js';
import './blobMutations.js';
import './tagMutations.js';
import './events.js';

// @defer and @stream (served by graphql-yoga's defer-stream plugin): in the schema, so that the printed schema and codegen know them.
export const schema = builder.toSchema({ sortSchema: true, directives: [GraphQLDeferDirective, GraphQLStreamDirective] });
