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

/**
 * What the gateway has seen of the registries' sizes (src/loaders/observedSizes.ts), so that
 * an estimate counts what is there, not what a page could hold.
 */
export interface SizeEstimates {
  /** Repositories a catalog page of `first` holds. */
  repositoriesOnPage(first: number): number;
  /** Tags a page of `first` holds. */
  tagsOnPage(first: number): number;
  /** Tags of a repository, for what reads all of them. */
  tagsPerRepository(): number;
  entriesPerIndex(): number;
  layersPerImage(): number;
  /** Of the manifests seen, the share that are images rather than indexes; undefined before any. */
  imageShare(): number | undefined;
  /** The share of content addressed by digest that is not in the cache: 1 on a cold gateway, near 0 once warm. */
  uncachedShare(): number;
}

export interface CostContext {
  /** The field's argument values, defaults applied. */
  args: Readonly<Record<string, unknown>>;
  /** The object type the field resolves on: an interface field may cost differently per implementation. */
  parentType: string;
  /** How many registries are configured (`registries` lists them all). */
  registries: number;
  sizes: SizeEstimates;
}

export type CostDeclaration = FieldCost | ((context: CostContext) => FieldCost);

/**
 * How often each type of an interface comes up, for an expected cost rather than the costliest
 * type's: manifests are images or indexes in the proportion seen so far. undefined: unknown.
 */
export function typeShares(interfaceName: string, sizes: SizeEstimates): Readonly<Record<string, number>> | undefined {
  const images = interfaceName === 'Manifest' ? sizes.imageShare() : undefined;
  return images === undefined ? undefined : { ImageManifest: images, ImageIndex: 1 - images };
}

/**
 * Whether a reference names content by digest, which the cache may hold: `repo@sha256:...` as an
 * image reference, `sha256:...` as a tag or digest (a tag never holds ':' or '@').
 */
export function namesDigest(reference: unknown, form: 'imageReference' | 'tagOrDigest'): boolean {
  return typeof reference === 'string' && reference.includes(form === 'imageReference' ? '@' : ':');
}

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
