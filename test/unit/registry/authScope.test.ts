import { describe, expect, it } from 'vitest';
import {
  coversScopes,
  formatScope,
  mergeScopes,
  parseScope,
  parseScopeList,
  requestScopes,
  scopesKey,
} from '../../../src/registry/auth/scope.js';

const ORIGIN = 'https://registry.example';
const scopesOf = (method: string, target: string) => requestScopes(method, new URL(target, ORIGIN)).map(formatScope);

describe('requestScopes', () => {
  it('asks for nothing on /v2/ and for registry:catalog:* on the catalog', () => {
    expect(scopesOf('GET', '/v2/')).toEqual([]);
    expect(scopesOf('GET', '/v2/_catalog?n=100&last=a')).toEqual(['registry:catalog:*']);
  });

  it('asks for pull to read a repository, whatever its depth', () => {
    expect(scopesOf('GET', '/v2/tools/ci/runner/tags/list')).toEqual(['repository:tools/ci/runner:pull']);
    expect(scopesOf('HEAD', '/v2/library/alpine/manifests/3.19')).toEqual(['repository:library/alpine:pull']);
    expect(scopesOf('GET', '/v2/team/app/blobs/sha256:abc')).toEqual(['repository:team/app:pull']);
    expect(scopesOf('GET', '/v2/team/app/referrers/sha256:abc')).toEqual(['repository:team/app:pull']);
  });

  it('finds the name before the last resource part, even when a component is called "blobs"', () => {
    expect(scopesOf('GET', '/v2/a/blobs/b/manifests/latest')).toEqual(['repository:a/blobs/b:pull']);
    expect(scopesOf('GET', '/v2/a/manifests/blobs')).toEqual(['repository:a:pull']);
  });

  it('asks for pull,push to write and delete to delete', () => {
    expect(scopesOf('POST', '/v2/team/app/blobs/uploads/')).toEqual(['repository:team/app:pull,push']);
    expect(scopesOf('PATCH', '/v2/team/app/blobs/uploads/5f1e?_state=x')).toEqual(['repository:team/app:pull,push']);
    expect(scopesOf('PUT', '/v2/team/app/manifests/1.0')).toEqual(['repository:team/app:pull,push']);
    expect(scopesOf('DELETE', '/v2/team/app/manifests/sha256:abc')).toEqual(['repository:team/app:delete']);
  });

  it('adds pull on the source of a cross-repository mount', () => {
    expect(scopesOf('POST', '/v2/team/app/blobs/uploads/?mount=sha256:abc&from=library/alpine')).toEqual([
      'repository:library/alpine:pull',
      'repository:team/app:pull,push',
    ]);
    expect(scopesOf('POST', '/v2/team/app/blobs/uploads/?mount=sha256:abc&from=team/app')).toEqual(['repository:team/app:pull,push']);
  });

  it('asks for nothing on paths that name no repository', () => {
    expect(scopesOf('GET', '/v2/team/app')).toEqual([]);
    expect(scopesOf('GET', '/service/token')).toEqual([]);
  });
});

describe('scopes', () => {
  it('parses type:name:actions with a name holding ":"', () => {
    expect(parseScope('repository:localhost:5000/app:push,pull,push')).toEqual({
      type: 'repository',
      name: 'localhost:5000/app',
      actions: ['pull', 'push'],
    });
    expect(parseScope('registry:catalog:*')).toEqual({ type: 'registry', name: 'catalog', actions: ['*'] });
    for (const bad of ['', 'repository', 'repository:app', 'repository:app:', ':app:pull']) expect(parseScope(bad)).toBeUndefined();
  });

  it('reads a space-separated scope parameter', () => {
    expect(parseScopeList('repository:a:pull  repository:b:push bad')).toHaveLength(2);
    expect(parseScopeList(undefined)).toEqual([]);
  });

  it('merges actions per resource and keys a set of scopes the same in any order', () => {
    const a = parseScopeList('repository:b:pull repository:a:push');
    const b = parseScopeList('repository:a:pull,push repository:b:pull');
    expect(mergeScopes(a, parseScopeList('repository:a:pull')).map(formatScope)).toEqual(['repository:a:pull,push', 'repository:b:pull']);
    expect(scopesKey(mergeScopes(a, parseScopeList('repository:a:pull')))).toBe(scopesKey(b));
    expect(scopesKey([])).toBe('');
  });

  it('tells whether asked-for scopes cover needed ones', () => {
    const granted = parseScopeList('repository:a:pull,push registry:catalog:*');
    expect(coversScopes(granted, parseScopeList('repository:a:pull'))).toBe(true);
    expect(coversScopes(granted, parseScopeList('registry:catalog:search'))).toBe(true);
    expect(coversScopes(granted, parseScopeList('repository:a:delete'))).toBe(false);
    expect(coversScopes(granted, parseScopeList('repository:b:pull'))).toBe(false);
    expect(coversScopes([], [])).toBe(true);
  });
});
