import { readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import { buildSchema, findBreakingChanges } from 'graphql';
import { describe, expect, it } from 'vitest';
import codegenConfig from '../../codegen.js';
import { printSchemaFile } from '../../src/schema/print.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('schema/schema.graphql', () => {
  it('is what the code prints (run `npm run schema` after changing a type)', () => {
    expect(read('schema/schema.graphql')).toBe(printSchemaFile());
  });

  it('keeps every type, field and argument of the API contract', () => {
    const changes = findBreakingChanges(buildSchema(read('schema/contract.graphql')), buildSchema(printSchemaFile()));
    expect(changes.map((change) => `${change.type}: ${change.description}`)).toEqual([]);
  });
});

describe('codegen output', () => {
  it('is current for schema/operations (run `npm run codegen`)', async () => {
    const outputs: Array<{ filename: string; content: string }> = await generate({ ...codegenConfig, silent: true }, false);
    expect(outputs.length).toBeGreaterThan(0);
    for (const { filename, content } of outputs) {
      expect(read(filename), filename).toBe(content);
    }
  });
});
