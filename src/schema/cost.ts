/**
 * What resolving a field can cost upstream, declared beside the field (`...cost(...)` in its
 * options) and read from the schema by the query cost limit (src/server/queryCost.ts), which
 * multiplies these costs through the operation before anything runs. Fields that declare
 * nothing cost no upstream call.
 */

export interface FieldCost {
  /** Upstream calls each resolution of the field makes. */
  calls?: number;
  /**
   * Calls that load something other fields of the same object may load too (a repository's
   * tag list, a tag's manifest, an image's config): the loaders make them once per object, so
   * they are counted once per object whichever fields ask.
   */
  shared?: Readonly<Record<string, number>>;
  /** How many times the field's selections resolve per resolution: a page size, a list's estimated length. */
  items?: number;
}

export interface CostContext {
  /** The field's argument values, defaults applied. */
  args: Readonly<Record<string, unknown>>;
  /** The object type the field resolves on: an interface field may cost differently per implementation. */
  parentType: string;
  /** How many registries are configured (`registries` lists them all). */
  registries: number;
}

export type CostDeclaration = FieldCost | ((context: CostContext) => FieldCost);

/**
 * Lengths no argument bounds, estimated as typical: the entries of an index (two platforms
 * and their attestations) and the layers of an image.
 */
export const ESTIMATED_INDEX_ENTRIES = 4;
export const ESTIMATED_LAYERS = 10;

/** Options for a field that costs upstream calls. */
export function cost(declaration: CostDeclaration) {
  return { extensions: { cost: declaration } };
}

/** What a field with these extensions costs in this context; nothing when it declares no cost. */
export function fieldCost(extensions: Readonly<Record<string, unknown>> | null | undefined, context: CostContext): FieldCost {
  const declaration = extensions?.cost as CostDeclaration | undefined;
  if (declaration === undefined) return {};
  return typeof declaration === 'function' ? declaration(context) : declaration;
}

/** A page size as the resolver will use it: the default when absent, the maximum when above it (the resolver refuses that). */
export function pageSizeEstimate(first: unknown, defaultSize: number, maxSize: number): number {
  if (typeof first !== 'number' || !Number.isFinite(first)) return defaultSize;
  return Math.min(Math.max(Math.floor(first), 1), maxSize);
}
