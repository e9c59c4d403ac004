import {
  Kind,
  getOperationAST,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { GatewayContext } from '../schema/context.js';
import { toClientError } from '../schema/errors.js';
import { whenAnswered } from './answered.js';
import { fieldArguments, operationVariables } from './operationValues.js';

/** The input fields a write names: what the audit line shows of it (never a secret; none of these is one). */
const AUDITED_INPUT = ['registry', 'repository', 'tag', 'digest', 'source', 'sourceRepository', 'keepManifest', 'dryRun'] as const;

const MAX_LOGGED_LENGTH = 256;

/** Codes that mean the gateway refused the write before it reached the registry. */
const REFUSALS = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'QUERY_TOO_COSTLY', 'NOT_FOUND']);

interface Write {
  responseKey: string;
  mutation: string;
  input: Record<string, unknown>;
}

/**
 * One log line for every write and every refused write: who (the token's name, never the
 * token), which mutation, what it names (registry, repository, tag or digest, dry run), and how
 * it ended: done, dry-run, refused (by the gateway, with the code) or failed (with the code).
 */
export function useAuditLog(logger: Logger): Plugin<GatewayContext> {
  return {
    onExecute({ args }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'mutation') return;
      const writes = mutationFields(args.schema, operation, args.document.definitions, args.variableValues ?? {});
      const token = args.contextValue.access.tokenName;
      return {
        onExecuteDone: ({ result }) =>
          whenAnswered(result, ({ errors }) => {
            for (const write of writes) {
              const error =
                errors.find((candidate) => candidate.path?.[0] === write.responseKey) ??
                errors.find((candidate) => candidate.path === undefined);
              const code = error ? codeOf(error) : undefined;
              const outcome =
                code === undefined ? (write.input.dryRun === true ? 'dry-run' : 'done') : REFUSALS.has(code) ? 'refused' : 'failed';
              const line = { audit: { token, mutation: write.mutation, ...write.input, outcome, ...(code && { code }) } };
              if (outcome === 'done' || outcome === 'dry-run') logger.info(line, `write ${write.mutation}: ${outcome}`);
              else logger.warn(line, `write ${write.mutation}: ${outcome} (${code})`);
            }
          }),
      };
    },
  };
}

function codeOf(error: GraphQLError): string {
  const code = (toClientError(error) ?? error).extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/** The operation's root fields with their inputs, as far as they coerce (a write that does not is still logged, refused). */
function mutationFields(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  definitions: readonly { kind: string }[],
  rawVariables: Readonly<Record<string, unknown>>,
): Write[] {
  const mutationType = schema.getMutationType();
  if (!mutationType) return [];
  const variables = operationVariables(schema, operation, rawVariables) ?? {};
  const fragments = new Map(
    definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const writes: Write[] = [];
  const visit = (selectionSet: SelectionSetNode, seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, seen);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value)) visit(fragment.selectionSet, new Set([...seen, fragment.name.value]));
      } else {
        const field = mutationType.getFields()[selection.name.value];
        if (!field) continue;
        const input = (fieldArguments(field, selection, variables)?.input ?? {}) as Record<string, unknown>;
        const shown = Object.fromEntries(AUDITED_INPUT.filter((key) => input[key] !== undefined).map((key) => [key, bounded(input[key])]));
        writes.push({ responseKey: selection.alias?.value ?? selection.name.value, mutation: field.name, input: shown });
      }
    }
  };
  visit(operation.selectionSet, new Set());
  return writes;
}

/** A value as the log shows it: input that breaks its grammar may be of any length. */
function bounded(value: unknown): unknown {
  return typeof value === 'string' && value.length > MAX_LOGGED_LENGTH ? `${value.slice(0, MAX_LOGGED_LENGTH)}…` : value;
}
