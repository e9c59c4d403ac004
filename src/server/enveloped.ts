/**
 * Operations that arrive beside yoga's GraphQL over HTTP (graphql-ws on the WebSocket, graphql-sse's
 * single connection), prepared by the same rules: persisted queries resolved, parsed, validated,
 * with the context (access, call budget, model) of the request that carried them; then executed
 * by the yoga app's own execute and subscribe, so every plugin sees them.
 */
import { GraphQLError, type ExecutionArgs } from 'graphql';
import type { GraphQLParams } from 'graphql-yoga';
import type { GatewayApp } from './app.js';

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
}

/** What graphql-ws and graphql-sse send: an operation with its text (or its hash, in extensions). */
export interface OperationParams {
  query: string;
  operationName?: string | null | undefined;
  variables?: Record<string, unknown> | null | undefined;
  extensions?: Record<string, unknown> | null | undefined;
}

/** The execution arguments of the operation, or why it cannot run. */
export async function prepareOperation(
  app: GatewayApp,
  request: Request,
  params: OperationParams,
): Promise<ExecutionArgs | GraphQLError[]> {
  let resolved: Awaited<ReturnType<typeof app.persistedQueries.resolve<OperationParams>>>;
  try {
    resolved = await app.persistedQueries.resolve(params);
  } catch (error) {
    return [error instanceof GraphQLError ? error : new GraphQLError('the persisted query cannot be resolved')];
  }
  const { query, operationName, variables } = resolved.params;
  const yogaParams: GraphQLParams = { query, ...(operationName ? { operationName } : {}), ...(variables ? { variables } : {}) };
  const { schema, execute, subscribe, contextFactory, parse, validate } = app.yoga.getEnveloped({ request, params: yogaParams });
  let document: ReturnType<typeof parse>;
  try {
    document = parse(query);
  } catch (error) {
    return [error instanceof GraphQLError ? error : new GraphQLError('the query does not parse')];
  }
  const errors = validate(schema, document);
  if (errors.length > 0) return [...errors];
  await app.persistedQueries.keep(resolved).catch(() => undefined);
  return {
    schema,
    document,
    operationName,
    variableValues: variables,
    contextValue: await contextFactory(),
    rootValue: { execute, subscribe } satisfies EnvelopedRoot,
  };
}

/** Executes prepared arguments with the yoga app's execute. */
export function executeEnveloped(args: ExecutionArgs): unknown {
  return (args.rootValue as EnvelopedRoot).execute(args);
}

/** Subscribes with the yoga app's subscribe. */
export function subscribeEnveloped(args: ExecutionArgs): unknown {
  return (args.rootValue as EnvelopedRoot).subscribe(args);
}
