/**
 * The operations the project ships are what a normalised client cache (Apollo's InMemoryCache,
 * urql's graphcache) keys by: every object that has an id selects it. And the client entry
 * point's possibleTypes are the schema's, or fragments on interfaces silently match nothing.
 */
import { readFileSync, readdirSync } from 'node:fs';
import {
  TypeInfo,
  buildSchema,
  getNamedType,
  isAbstractType,
  isCompositeType,
  parse,
  visit,
  visitWithTypeInfo,
  type GraphQLCompositeType,
  type SelectionSetNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { possibleTypes } from '../../src/client/index.js';

const schema = buildSchema(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));
const directory = new URL('../../schema/operations/', import.meta.url);
const operations = readdirSync(directory).filter((file) => file.endsWith('.graphql'));

/** Whether the selection set selects `id` itself (not only inside a fragment on one of its types). */
function selectsId(selectionSet: SelectionSetNode): boolean {
  return selectionSet.selections.some((selection) => selection.kind === 'Field' && selection.name.value === 'id' && !selection.alias);
}

function hasId(type: GraphQLCompositeType): boolean {
  const types = isAbstractType(type) ? schema.getPossibleTypes(type) : [type];
  return types.every((candidate) => 'id' in candidate.getFields());
}

describe('schema/operations', () => {
  it.each(operations)('%s selects the id of every object that has one', (file) => {
    const document = parse(readFileSync(new URL(file, directory), 'utf8'));
    const typeInfo = new TypeInfo(schema);
    const missing: string[] = [];
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          const type = getNamedType(typeInfo.getType());
          if (node.selectionSet && type && isCompositeType(type) && hasId(type) && !selectsId(node.selectionSet)) {
            missing.push(`${node.alias?.value ?? node.name.value}: ${type.name}`);
          }
        },
      }),
    );
    expect(missing).toEqual([]);
  });
});

describe('possibleTypes of regql/client', () => {
  it('is every interface of the schema with the types that implement it (run `npm run codegen` when it is not)', () => {
    const fromSchema = Object.fromEntries(
      Object.values(schema.getTypeMap())
        .filter((type) => isAbstractType(type) && !type.name.startsWith('__'))
        .map((type) => [
          type.name,
          schema
            .getPossibleTypes(type as Parameters<typeof schema.getPossibleTypes>[0])
            .map(({ name }) => name)
            .sort(),
        ]),
    );
    expect(possibleTypes).toEqual(fromSchema);
  });
});
