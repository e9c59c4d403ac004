// Writes the printed SDL to schema/schema.graphql (committed; a test fails when it is stale).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchemaFile } from '../src/schema/print.js';

const target = fileURLToPath(new URL('../schema/schema.graphql', import.meta.url));
writeFileSync(target, printSchemaFile());
console.log(`wrote ${target}`);
