import {
  getArgumentValues,
  getVariableValues,
  type FieldNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

/**
 * Values as execution will see them, for the checks that look at an operation before it runs
 * (argument grammar, query cost). Where a value does not coerce they give up (undefined):
 * execution reports that error in its own words.
 */

/** The operation's variables coerced, their declared defaults applied; undefined when they do not coerce. */
export function operationVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  raw: Readonly<Record<string, unknown>>,
): Record<string, unknown> | undefined {
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], raw, { maxErrors: 1 });
  return result.coerced;
}

/** A field's argument values, defaults applied; undefined when they do not coerce. */
export function fieldArguments(
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  variables: Readonly<Record<string, unknown>>,
): Record<string, unknown> | undefined {
  try {
    return getArgumentValues(field, node, variables);
  } catch {
    return undefined;
  }
}
