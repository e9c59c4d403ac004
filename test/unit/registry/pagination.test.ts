import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../../src/registry/errors.js';
import { lastFromLink, listField, nextLink, nextPagePath } from '../../../src/registry/pagination.js';
import type { TransportResponse } from '../../../src/registry/transport.js';

const ORIGIN = 'http://registry.test';

function page(headers: TransportResponse['headers'], body = '{}'): TransportResponse {
  return { method: 'GET', url: `${ORIGIN}/v2/repo/tags/list`, status: 200, headers, body: Buffer.from(body) };
}

describe('nextLink', () => {
  it.each<[string | string[] | undefined, string | undefined]>([
    ['</v2/_catalog?last=b&n=2>; rel="next"', '/v2/_catalog?last=b&n=2'],
    ['<http://registry.test/v2/_catalog?last=b&n=2>; rel=next', 'http://registry.test/v2/_catalog?last=b&n=2'],
    ['</v2/x?last=a>; rel="prev", </v2/x?last=c>; rel="next"', '/v2/x?last=c'],
    ['</v2/x?last=c>;rel="next last"', '/v2/x?last=c'],
    ['</v2/x?last=c>; REL="Next"', '/v2/x?last=c'],
    ['</v2/x?last=c>; title="a, b; c"; rel="next"', '/v2/x?last=c'],
    [['</v2/x?last=a>; rel="prev"', '</v2/x?last=c>; rel="next"'], '/v2/x?last=c'],
    ['</v2/x?last=c>; rel="prev"', undefined],
    ['</v2/x?last=c>', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %s', (header, next) => {
    expect(nextLink(header)).toBe(next);
  });
});

describe('lastFromLink', () => {
  it.each([
    ['/v2/_catalog?last=b&n=2', 'b'],
    ['http://registry.test/v2/_catalog?n=2&last=a%2Fb', 'a/b'],
    ['/v2/_catalog?n=2', undefined],
  ])('%s → %s', (link, last) => {
    expect(lastFromLink(link)).toBe(last);
  });
});

describe('nextPagePath', () => {
  it('resolves a relative link against the page', () => {
    expect(nextPagePath(page({ link: '</v2/repo/tags/list?last=b&n=2>; rel="next"' }), ORIGIN)).toBe('/v2/repo/tags/list?last=b&n=2');
  });

  it('accepts an absolute link on the registry', () => {
    expect(nextPagePath(page({ link: `<${ORIGIN}/v2/repo/tags/list?last=b>; rel="next"` }), ORIGIN)).toBe('/v2/repo/tags/list?last=b');
  });

  it('refuses a link to another origin, redacting its query', () => {
    const response = page({ link: '<http://elsewhere.test/v2/repo/tags/list?last=b&token=secret>; rel="next"' });
    expect(() => nextPagePath(response, ORIGIN)).toThrow(RegistryError);
    expect(() => nextPagePath(response, ORIGIN)).toThrow(/outside the registry: http:\/\/elsewhere.test\/.*token=REDACTED/);
  });

  it('is undefined without a next link', () => {
    expect(nextPagePath(page({}), ORIGIN)).toBeUndefined();
  });
});

describe('listField', () => {
  it.each([
    ['{"name":"repo","tags":["a","b"]}', ['a', 'b']],
    ['{"name":"repo","tags":null}', []],
    ['{"name":"repo"}', []],
  ])('%s', (body, tags) => {
    expect(listField(page({}, body), 'tags')).toEqual(tags);
  });

  it.each([['{"tags":[1]}'], ['{"tags":"a"}'], ['[]'], ['not json']])('rejects %s as PROTOCOL', (body) => {
    expect(() => listField(page({}, body), 'tags')).toThrow(expect.objectContaining({ kind: 'PROTOCOL' }));
  });
});
