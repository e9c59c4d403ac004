import {
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getDirectiveValues,
  getNamedType,
  getOperationAST,
  isAbstractType,
  isCompositeType,
  typeFromAST,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type NamedTypeNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { GraphQLDeferDirective, GraphQLStreamDirective } from '@graphql-tools/utils';
import type { Plugin } from 'graphql-yoga';
import type { Operation } from '../model/operation.js';
import { type SizeEstimates, fieldCost, typeShares } from '../schema/cost.js';
import { fieldArguments, operationVariables } from './operationValues.js';

export interface QueryLimits {
  /** Upstream calls an operation may be estimated to cause. */
  maxQueryCost: number;
  /** Nesting of fields, introspection not counted. */
  maxDepth: number;
  /** Aliased fields in the operation and the fragments it uses. */
  maxAliases: number;
  /** Deferred fragments and streamed list items an answer may be expected to deliver. */
  maxIncrementalParts: number;
}

export interface OperationMeasure {
  /** The upstream calls the operation is expected to cause, from the costs its fields declare and the sizes seen so far. */
  cost: number;
  depth: number;
  aliases: number;
  /** Deferred fragments and streamed items the answer may deliver, with every page full. */
  incrementalParts: number;
}

export interface MeasureOptions {
  operationName?: string | undefined;
  variables?: Readonly<Record<string, unknown>>;
  /** Configured registries: `registries` resolves its selections once per registry. */
  registries: number;
  sizes: SizeEstimates;
}

/**
 * Estimates, before execution and so before any upstream call, the upstream calls an operation
 * will make (kept on the operation for extensions.cost), and refuses it when the estimate
 * exceeds the budget, when it nests or aliases more than allowed, or when its answer may come
 * in more @defer/@stream parts than allowed. The budget itself is enforced on the real calls
 * while the operation runs (src/model/operation.ts).
 */
export function useQueryCost(limits: QueryLimits, registries: number, sizes: SizeEstimates): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const measure = measureOperation(args.schema, args.document, {
        operationName: args.operationName ?? undefined,
        variables: args.variableValues ?? {},
        registries,
        sizes,
      });
      const operation = (args.contextValue as { operation?: Operation }).operation;
      if (measure && operation) operation.estimated = measure.cost;
      const refusal = limitsRefusal(measure, limits);
      if (refusal) setResultAndStopExecution({ errors: [refusal] });
    },
  };
}

/** The error refusing the operation, or undefined when it is within the limits (or not measurable: execution reports why). */
export function checkQueryLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  limits: QueryLimits,
  options: MeasureOptions,
): GraphQLError | undefined {
  return limitsRefusal(measureOperation(schema, document, options), limits);
}

function limitsRefusal(measure: OperationMeasure | undefined, limits: QueryLimits): GraphQLError | undefined {
  if (!measure) return undefined;
  if (measure.aliases > limits.maxAliases) {
    return tooCostly(`The query uses ${measure.aliases} aliases; at most ${limits.maxAliases} are allowed (limits.maxAliases).`, {
      aliases: measure.aliases,
    });
  }
  if (measure.depth > limits.maxDepth) {
    return tooCostly(`The query nests fields ${measure.depth} deep; at most ${limits.maxDepth} levels are allowed (limits.maxDepth).`, {
      depth: measure.depth,
    });
  }
  if (measure.incrementalParts > limits.maxIncrementalParts) {
    // graphql-tools' executor waits on every pending fragment each time it is asked for a part: work and memory grow with both.
    return tooCostly(
      `The query may defer or stream ${measure.incrementalParts} fragments and list items; at most ${limits.maxIncrementalParts} are allowed ` +
        '(limits.maxIncrementalParts). Defer larger units (a whole page rather than each of its items), or ask for smaller pages.',
      { incrementalParts: measure.incrementalParts, maxIncrementalParts: limits.maxIncrementalParts },
    );
  }
  if (measure.cost > limits.maxQueryCost) {
    return tooCostly(
      `The query is expected to make ${measure.cost} upstream calls, over the budget of ${limits.maxQueryCost} ` +
        '(limits.maxQueryCost). Ask for smaller pages (first), or for configs, sizes, index children and ' +
        'Manifest.tags on fewer manifests.',
      { estimatedCalls: measure.cost, budget: limits.maxQueryCost },
    );
  }
  return undefined;
}

function tooCostly(message: string, details: Record<string, number>): GraphQLError {
  // A request error (nothing executed): 400 for application/graphql-response+json, 200 for
  // application/json, as GraphQL over HTTP asks ("spec" lets the server pick by media type).
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COSTLY', ...details, http: { status: 400, spec: true } } });
}

/** Cost, depth, aliases and parts of the selected operation; undefined when there is no such operation or its variables do not coerce. */
export function measureOperation(schema: GraphQLSchema, document: DocumentNode, options: MeasureOptions): OperationMeasure | undefined {
  const operation = getOperationAST(document, options.operationName);
  if (!operation) return undefined;
  const variables = operationVariables(schema, operation, options.variables ?? {});
  if (!variables) return undefined;
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return undefined;
  const fragments = fragmentsOf(document);
  const walk = new CostWalk(schema, fragments, variables, options.registries, options.sizes);
  const { cost, depth, parts } = walk.measure([operation.selectionSet], rootType);
  // Parts are bounded, not expected: counted as if every page were full, since a page's real length only shows while it is sent.
  const incrementalParts =
    parts > 0
      ? new CostWalk(schema, fragments, variables, options.registries, fullPages(options.sizes)).measure([operation.selectionSet], rootType)
          .parts
      : 0;
  // Expected costs are fractional (a share of content in the cache); the estimate is whole calls.
  return { cost: wholeCount(cost), depth, aliases: countAliases(operation, fragments), incrementalParts: wholeCount(incrementalParts) };
}

const wholeCount = (expected: number) => Math.max(0, Math.ceil(expected - 1e-9));

/** Sizes with every catalog and tag page as long as asked for. */
function fullPages(sizes: SizeEstimates): SizeEstimates {
  return {
    repositoriesOnPage: (first) => first,
    tagsOnPage: (first) => first,
    tagsPerRepository: () => sizes.tagsPerRepository(),
    entriesPerIndex: () => sizes.entriesPerIndex(),
    layersPerImage: () => sizes.layersPerImage(),
    imageShare: () => sizes.imageShare(),
    uncachedShare: () => sizes.uncachedShare(),
  };
}

interface Measure {
  cost: number;
  depth: number;
  /** Deferred fragments and streamed items, as for cost: per resolution of the parent, times the lists above. */
  parts: number;
}

/**
 * Walks the operation the way execution will: fragments applied per concrete type, fields of
 * the same response key merged, @skip/@include honoured. A field's cost is multiplied by how
 * many times its parent resolves (the page sizes and list lengths above it); a selection on an
 * interface costs what its implementations cost in the proportions seen so far (manifests:
 * images and indexes), or as much as its costliest implementation when no proportion is known.
 */
class CostWalk {
  /** Results per (selection sets, type): fragments reused at many places are measured once. */
  private readonly measured = new Map<string, Measure>();
  private readonly selectionSetIds = new Map<SelectionSetNode, number>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly variables: Readonly<Record<string, unknown>>,
    private readonly registries: number,
    private readonly sizes: SizeEstimates,
  ) {}

  /** enclosingItems: how many items the field above multiplies this selection by (a page's length); 1 for a single object. */
  measure(selectionSets: readonly SelectionSetNode[], type: GraphQLCompositeType, enclosingItems = 1): Measure {
    if (!isAbstractType(type)) return this.measureOn(selectionSets, type, enclosingItems);
    const shares = typeShares(type.name, this.sizes);
    let cost = 0;
    let depth = 0;
    let parts = 0;
    for (const objectType of this.schema.getPossibleTypes(type)) {
      const measure = this.measureOn(selectionSets, objectType, enclosingItems);
      cost = shares ? cost + (shares[objectType.name] ?? 0) * measure.cost : Math.max(cost, measure.cost);
      parts = shares ? parts + (shares[objectType.name] ?? 0) * measure.parts : Math.max(parts, measure.parts);
      depth = Math.max(depth, measure.depth);
    }
    return { cost, depth, parts };
  }

  private measureOn(selectionSets: readonly SelectionSetNode[], objectType: GraphQLObjectType, enclosingItems: number): Measure {
    const key = `${selectionSets.map((set) => this.idOf(set)).join(',')}@${objectType.name}#${enclosingItems}`;
    const known = this.measured.get(key);
    if (known) return known;

    const sharedCalls = new Map<string, number>();
    const { fields, deferred } = this.collectFields(selectionSets, objectType);
    let cost = 0;
    let depth = 0;
    let parts = deferred;
    for (const nodes of fields.values()) {
      const first = nodes[0]!;
      // Introspection (__typename, __schema, __type) is not among the type's fields and costs nothing.
      const field = objectType.getFields()[first.name.value];
      if (!field) continue;
      const args = fieldArguments(field, first, this.variables) ?? {};
      const own = fieldCost(field.extensions, { args, parentType: objectType.name, registries: this.registries, sizes: this.sizes });
      for (const [resource, calls] of Object.entries(own.shared ?? {})) {
        sharedCalls.set(resource, Math.max(sharedCalls.get(resource) ?? 0, calls));
      }
      cost += own.calls ?? 0;
      const childSets = nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
      const childType = getNamedType(field.type);
      const initialCount = this.streamedAfter(nodes);
      // A streamed list of its own length, or a connection's edges, whose length is the page's (counted per item above, so divided by it).
      if (initialCount !== undefined)
        parts +=
          own.items !== undefined
            ? Math.max(0, own.items - initialCount)
            : enclosingItems > 0
              ? Math.max(0, enclosingItems - initialCount) / enclosingItems
              : 0;
      if (childSets.length > 0 && isCompositeType(childType)) {
        const child = this.measure(childSets, childType, own.items ?? 1);
        cost += (own.items ?? 1) * child.cost;
        parts += (own.items ?? 1) * child.parts;
        depth = Math.max(depth, 1 + child.depth);
      } else {
        depth = Math.max(depth, 1);
      }
    }
    for (const calls of sharedCalls.values()) cost += calls;
    const measure = { cost, depth, parts };
    this.measured.set(key, measure);
    return measure;
  }

  /** The fields that resolve on objectType, grouped by response key, as execution collects them; and the fragments among them deferred. */
  private collectFields(
    selectionSets: readonly SelectionSetNode[],
    objectType: GraphQLObjectType,
  ): { fields: Map<string, FieldNode[]>; deferred: number } {
    const fields = new Map<string, FieldNode[]>();
    const visitedFragments = new Set<string>();
    let deferred = 0;
    const collect = (selections: readonly SelectionNode[]) => {
      for (const selection of selections) {
        if (!this.included(selection)) continue;
        if (selection.kind === Kind.FIELD) {
          const responseKey = selection.alias?.value ?? selection.name.value;
          fields.set(responseKey, [...(fields.get(responseKey) ?? []), selection]);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (!this.applies(selection.typeCondition, objectType)) continue;
          if (this.deferred(selection)) deferred++;
          collect(selection.selectionSet.selections);
        } else {
          const name = selection.name.value;
          const fragment = this.fragments.get(name);
          // As the executor collects: a fragment spread again is skipped, unless deferred (each deferred spread is a part).
          const isDeferred = this.deferred(selection);
          if (!fragment || (visitedFragments.has(name) && !isDeferred)) continue;
          if (!isDeferred) visitedFragments.add(name);
          if (!this.applies(fragment.typeCondition, objectType)) continue;
          if (isDeferred) deferred++;
          collect(fragment.selectionSet.selections);
        }
      }
    };
    for (const selectionSet of selectionSets) collect(selectionSet.selections);
    return { fields, deferred };
  }

  /** With @defer (its `if` not false): a part of its own. */
  private deferred(selection: SelectionNode): boolean {
    const defer = getDirectiveValues(GraphQLDeferDirective, selection, this.variables);
    return defer !== undefined && defer.if !== false;
  }

  /** Of a field with @stream (its `if` not false), the items in the first part: each item after them is a part. */
  private streamedAfter(nodes: readonly FieldNode[]): number | undefined {
    for (const node of nodes) {
      const stream = getDirectiveValues(GraphQLStreamDirective, node, this.variables);
      if (stream !== undefined && stream.if !== false) return typeof stream.initialCount === 'number' ? stream.initialCount : 0;
    }
    return undefined;
  }

  private included(selection: SelectionNode): boolean {
    const skip = getDirectiveValues(GraphQLSkipDirective, selection, this.variables);
    if (skip?.if === true) return false;
    const include = getDirectiveValues(GraphQLIncludeDirective, selection, this.variables);
    return include?.if !== false;
  }

  private applies(typeCondition: NamedTypeNode | undefined, objectType: GraphQLObjectType): boolean {
    if (!typeCondition) return true;
    const conditionType = typeFromAST(this.schema, typeCondition);
    if (conditionType === objectType) return true;
    return conditionType !== undefined && isAbstractType(conditionType) && this.schema.isSubType(conditionType, objectType);
  }

  private idOf(selectionSet: SelectionSetNode): number {
    let id = this.selectionSetIds.get(selectionSet);
    if (id === undefined) {
      id = this.selectionSetIds.size;
      this.selectionSetIds.set(selectionSet, id);
    }
    return id;
  }
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

/** Aliased fields written in the operation and in the fragments it uses (each written alias once). */
function countAliases(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): number {
  const pending: Array<OperationDefinitionNode | FragmentDefinitionNode> = [operation];
  const reached = new Set<string>();
  let aliases = 0;
  for (let definition = pending.pop(); definition; definition = pending.pop()) {
    visit(definition, {
      Field(node) {
        if (node.alias) aliases++;
      },
      FragmentSpread(node) {
        const fragment = fragments.get(node.name.value);
        if (fragment && !reached.has(node.name.value)) {
          reached.add(node.name.value);
          pending.push(fragment);
        }
      },
    });
  }
  return aliases;
}
