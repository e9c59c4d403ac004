import {
  GraphQLError,
  TypeInfo,
  getNamedType,
  getOperationAST,
  isInputObjectType,
  visit,
  visitWithTypeInfo,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { InvalidReferenceError } from '../model/errors.js';
import { checkGrammar } from '../model/grammar.js';
import { grammarOf, isLongText } from '../schema/inputs.js';
import { fieldArguments, operationVariables } from './operationValues.js';

/** Characters a string argument without a grammar of its own may have (a prefix, a cursor, a registry name). */
export const MAX_STRING_ARGUMENT_LENGTH = 1024;

/**
 * Checks every argument marked with a grammar (repository names, tags, digests, references)
 * in the whole operation before execution starts, and the length of every other string
 * argument. Resolvers run parent-first, so a bad tag below `repository(name:)` would otherwise
 * reach the resolver only after the repository had been looked up upstream; here the operation
 * fails with BAD_USER_INPUT and no upstream call, and before any access check.
 */
export function useArgumentGrammar(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const errors = grammarErrors(args.schema, args.document, args.operationName ?? undefined, args.variableValues ?? {});
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
  };
}

function grammarErrors(
  schema: GraphQLSchema,
  document: Parameters<typeof getOperationAST>[0],
  operationName: string | undefined,
  variables: Record<string, unknown>,
): GraphQLError[] {
  const operation = getOperationAST(document, operationName);
  if (!operation) return [];
  const coercedVariables = operationVariables(schema, operation, variables);
  if (!coercedVariables) return [];
  const errors: GraphQLError[] = [];
  const typeInfo = new TypeInfo(schema);
  const visitor = visitWithTypeInfo(typeInfo, {
    Field(node) {
      const field = typeInfo.getFieldDef();
      if (!field || field.args.length === 0) return;
      const values = fieldArguments(field, node, coercedVariables);
      if (!values) return;
      for (const argument of field.args) {
        checkValue(argument.name, argument.type, argument.extensions, values[argument.name], (message) =>
          errors.push(
            new GraphQLError(message, { nodes: node, extensions: { code: 'BAD_USER_INPUT', http: { status: 400, spec: true } } }),
          ),
        );
      }
    },
  });
  // Fragments are visited through their definitions: a spread's fields are checked there.
  for (const definition of document.definitions) {
    if (definition === operation || definition.kind === 'FragmentDefinition') visit(definition, visitor);
  }
  return errors;
}

/** Checks a value, and the fields of input objects (and lists of them) recursively. */
function checkValue(
  name: string,
  type: GraphQLInputType,
  extensions: Readonly<Record<string, unknown>> | null | undefined,
  value: unknown,
  report: (message: string) => void,
): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) checkValue(name, type, extensions, item, report);
    return;
  }
  const kind = grammarOf(extensions);
  if (typeof value === 'string') {
    if (kind) {
      try {
        checkGrammar(kind, value);
      } catch (error) {
        if (error instanceof InvalidReferenceError) report(error.message);
        else throw error;
      }
    } else if (value.length > MAX_STRING_ARGUMENT_LENGTH && !isLongText(extensions)) {
      report(`${name} is ${value.length} characters long; at most ${MAX_STRING_ARGUMENT_LENGTH} are allowed`);
    }
    return;
  }
  const named = getNamedType(type);
  if (isInputObjectType(named) && typeof value === 'object') {
    for (const field of Object.values(named.getFields())) {
      checkValue(field.name, field.type, field.extensions, (value as Record<string, unknown>)[field.name], report);
    }
  }
}
