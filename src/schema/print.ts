import { printSchema } from 'graphql';
import { schema } from './index.js';

/** The content of schema/schema.graphql. */
export function printSchemaFile(): string {
  return `${printSchema(schema)}\n`;
}
