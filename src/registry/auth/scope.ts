/**
 * Token scopes (`repository:team/app:pull,push`, `registry:catalog:*`): what a request needs,
 * derived from the request itself so that no caller has to say it, and how scopes combine.
 */

export interface Scope {
  /** `repository` or `registry`. */
  type: string;
  /** A repository name, or `catalog`; may hold ':' (a host with a port), so it is the middle part. */
  name: string;
  /** Sorted, without duplicates. */
  actions: string[];
}

/** `/v2/<name>/manifests|blobs|tags|referrers/...`: the name is everything before the last such part. */
const REPOSITORY_PATH = /^\/v2\/(.+)\/(?:manifests|blobs|tags|referrers)\//;

/**
 * The scopes a request to the registry needs: nothing for `/v2/`, `registry:catalog:*` for the
 * catalog, and for a repository `pull` to read, `pull,push` to write (plus `pull` on the source
 * of a cross-repository mount) and `delete` to delete.
 */
export function requestScopes(method: string, url: URL): Scope[] {
  if (url.pathname === '/v2/_catalog') return [{ type: 'registry', name: 'catalog', actions: ['*'] }];
  const name = REPOSITORY_PATH.exec(url.pathname)?.[1];
  if (name === undefined) return [];
  switch (method) {
    case 'GET':
    case 'HEAD':
      return [repositoryScope(name, ['pull'])];
    case 'DELETE':
      return [repositoryScope(name, ['delete'])];
    default: {
      const scopes = [repositoryScope(name, ['pull', 'push'])];
      const mountFrom = url.searchParams.has('mount') ? url.searchParams.get('from') : null;
      if (mountFrom) scopes.push(repositoryScope(mountFrom, ['pull']));
      return mergeScopes(scopes);
    }
  }
}

function repositoryScope(name: string, actions: string[]): Scope {
  return { type: 'repository', name, actions };
}

/** `type:name:action,action`; undefined for anything else. */
export function parseScope(text: string): Scope | undefined {
  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  if (first <= 0 || last === first || last === text.length - 1) return undefined;
  const actions = text
    .slice(last + 1)
    .split(',')
    .filter((action) => action !== '');
  return { type: text.slice(0, first), name: text.slice(first + 1, last), actions: [...new Set(actions)].sort() };
}

/** A challenge's `scope` parameter: several scopes separated by spaces. */
export function parseScopeList(text: string | undefined): Scope[] {
  if (text === undefined) return [];
  return text.split(/\s+/).flatMap((part) => parseScope(part) ?? []);
}

export function formatScope(scope: Scope): string {
  return `${scope.type}:${scope.name}:${scope.actions.join(',')}`;
}

/** One scope per resource with the union of its actions, in a stable order. */
export function mergeScopes(...lists: readonly Scope[][]): Scope[] {
  const byResource = new Map<string, Scope>();
  for (const scope of lists.flat()) {
    const resource = `${scope.type}:${scope.name}`;
    const known = byResource.get(resource);
    const actions = new Set([...(known?.actions ?? []), ...scope.actions]);
    byResource.set(resource, { type: scope.type, name: scope.name, actions: [...actions].sort() });
  }
  return [...byResource.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, scope]) => scope);
}

/** The same text for the same set of scopes, whatever their order: the token cache's key. */
export function scopesKey(scopes: readonly Scope[]): string {
  return mergeScopes([...scopes])
    .map(formatScope)
    .join(' ');
}

/** Whether what was asked for (granted) includes every action of needed. */
export function coversScopes(granted: readonly Scope[], needed: readonly Scope[]): boolean {
  return needed.every((scope) => {
    const match = granted.find((candidate) => candidate.type === scope.type && candidate.name === scope.name);
    return match !== undefined && scope.actions.every((action) => match.actions.includes(action) || match.actions.includes('*'));
  });
}
