import { describe, expect, it } from 'vitest';
import { describeRequest, redactPath, redactUrl } from '../../../src/registry/errors.js';
import { excerpt, parseErrorBody, responseError } from '../../../src/registry/responses.js';

const URL_ = 'http://registry.test/v2/foo/manifests/bar';

function errorFor(status: number, body: string, method = 'GET') {
  return responseError({ method, url: URL_, status, body: Buffer.from(body) });
}

describe('responseError', () => {
  it.each([
    [400, 'INVALID'],
    [401, 'UNAUTHORIZED'],
    [403, 'DENIED'],
    [404, 'NOT_FOUND'],
    [405, 'UNSUPPORTED'],
    [429, 'RATE_LIMITED'],
    [500, 'UNAVAILABLE'],
    [502, 'UNAVAILABLE'],
    [503, 'UNAVAILABLE'],
    [302, 'PROTOCOL'],
    [409, 'PROTOCOL'],
    [418, 'PROTOCOL'],
  ])('maps status %i to %s', (status, kind) => {
    expect(errorFor(status, '')).toMatchObject({ kind, status, method: 'GET', url: URL_ });
  });

  it.each([
    [403, 'TOOMANYREQUESTS', 'RATE_LIMITED'],
    [401, 'DENIED', 'DENIED'],
    [403, 'UNAUTHORIZED', 'UNAUTHORIZED'],
    [400, 'UNSUPPORTED', 'UNSUPPORTED'],
    [404, 'MANIFEST_UNKNOWN', 'NOT_FOUND'],
  ])('status %i with body code %s is %s', (status, code, kind) => {
    expect(errorFor(status, JSON.stringify({ errors: [{ code, message: 'm' }] })).kind).toBe(kind);
  });

  it('parses the distribution error body into registryErrors and the message', () => {
    const error = errorFor(404, '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"bar"}}]}');
    expect(error.message).toBe('GET /v2/foo/manifests/bar: 404 MANIFEST_UNKNOWN manifest unknown');
    expect(error.registryErrors).toEqual([{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: { Tag: 'bar' } }]);
  });

  it('joins several registry errors', () => {
    const error = errorFor(400, '{"errors":[{"code":"NAME_INVALID","message":"bad name"},{"code":"TAG_INVALID"}]}');
    expect(error.message).toBe('GET /v2/foo/manifests/bar: 400 NAME_INVALID bad name; TAG_INVALID');
  });

  it('keeps a trimmed excerpt of a plain-text body', () => {
    const error = errorFor(405, 'read-only mode\n', 'PUT');
    expect(error).toMatchObject({ kind: 'UNSUPPORTED', registryErrors: [] });
    expect(error.message).toBe('PUT /v2/foo/manifests/bar: 405 read-only mode');
  });

  it("keeps at most 200 characters of a proxy's HTML page", () => {
    const html = `<html>\n  <head><title>502 Bad Gateway</title></head>\n<body>${'x'.repeat(500)}</body></html>`;
    const error = errorFor(502, html);
    expect(error.kind).toBe('UNAVAILABLE');
    const detail = error.message.slice('GET /v2/foo/manifests/bar: 502 '.length);
    expect(detail.startsWith('<html> <head><title>502 Bad Gateway</title></head> <body>xxx')).toBe(true);
    expect(detail.length).toBe(200);
  });

  it('falls back to the status text when there is no body (HEAD)', () => {
    expect(errorFor(404, '', 'HEAD').message).toBe('HEAD /v2/foo/manifests/bar: 404 Not Found');
  });

  it('never shows credentials or token values from the URL', () => {
    const error = responseError({
      method: 'PUT',
      url: 'https://user:secret@registry.test/v2/foo/blobs/uploads/1?_state=tok3n&digest=sha256:abc',
      status: 500,
      body: Buffer.from(''),
    });
    expect(error.message).toBe('PUT /v2/foo/blobs/uploads/1?_state=REDACTED&digest=REDACTED: 500 Internal Server Error');
    expect(error.url).toBe('https://registry.test/v2/foo/blobs/uploads/1?_state=REDACTED&digest=REDACTED');
    expect(JSON.stringify(error)).not.toMatch(/secret|tok3n/);
  });
});

describe('parseErrorBody', () => {
  it.each([
    ['{"errors":[{"code":"DENIED","message":"no"}]}', [{ code: 'DENIED', message: 'no' }]],
    ['{"errors":[{"code":"X","detail":null}]}', [{ code: 'X', detail: null }]],
    ['{"errors":[{"message":"no code"},"junk",null,{"code":"Y"}]}', [{ code: 'Y' }]],
    ['{"errors":"nope"}', []],
    ['{"message":"not the spec shape"}', []],
    ['null', []],
    ['read-only mode', []],
    ['', []],
  ])('%s', (body, entries) => {
    expect(parseErrorBody(Buffer.from(body))).toEqual(entries);
  });
});

describe('excerpt', () => {
  it.each([
    ['  a\n\tb  ', 'a b'],
    ['x'.repeat(200), 'x'.repeat(200)],
    ['x'.repeat(201), `${'x'.repeat(199)}…`],
  ])('%j', (text, expected) => {
    expect(excerpt(text)).toBe(expected);
  });
});

describe('redaction', () => {
  it.each([
    ['http://u:p@registry.test/v2/', 'http://registry.test/v2/'],
    ['http://registry.test/v2/_catalog?n=10&last=foo', 'http://registry.test/v2/_catalog?n=10&last=foo'],
    [
      'https://s3.test/blob?X-Amz-Signature=abc&X-Amz-Credential=def',
      'https://s3.test/blob?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED',
    ],
    ['not a url', '<invalid url>'],
  ])('redactUrl(%s)', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });

  it('redactPath keeps path and redacted query only', () => {
    expect(redactPath('http://u:p@registry.test/v2/a/blobs/uploads/1?_state=s&n=1')).toBe('/v2/a/blobs/uploads/1?_state=REDACTED&n=1');
    expect(describeRequest('GET', 'http://registry.test/v2/')).toBe('GET /v2/');
  });
});
