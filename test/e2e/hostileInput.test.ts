/** What an attacker can send before any authentication: oversized input is refused early and never echoed whole. */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { createTestGateway } from '../support/gateway.js';

const registryUrl = inject('registryUrl');
const gateway = createTestGateway({ registryUrl });
afterAll(() => gateway.close());

describe('input too long for its grammar', () => {
  it('is refused before any upstream call, quoting at most 100 characters of it', async () => {
    const name = 'a'.repeat(100_000);
    const aliases = Array.from({ length: 10 }, (_, index) => `r${index}: repository(name: "${name}") { name }`).join(' ');
    gateway.takeUpstream();
    const response = await gateway.post({ query: `{ ${aliases} }` });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(JSON.parse(text).errors).toHaveLength(10);
    expect(JSON.parse(text).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(JSON.parse(text).errors[0].message).toContain('100000 characters');
    // Ten errors of a few hundred bytes, not ten copies of a 100 kB name.
    expect(text.length).toBeLessThan(10 * 600);
    expect(gateway.takeUpstream()).toEqual([]);
  });

  it('in a variable graphql-js cannot coerce is cut short in the message', async () => {
    const response = await gateway.post({
      query: 'query ($first: Int) { registry { repositories(first: $first) { edges { cursor } } } }',
      variables: { first: 'x'.repeat(200_000) },
    });
    const text = await response.text();
    expect(JSON.parse(text).errors[0].message).toContain('cut short');
    expect(text.length).toBeLessThan(2_000);
  });

  it('in a string argument without a grammar (a prefix, a cursor) is refused past its bound', async () => {
    const result = await gateway.query(`{ registry { repositories(prefix: "${'p'.repeat(5000)}") { edges { cursor } } } }`);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(result).length).toBeLessThan(1_000);
  });
});

describe('the request body', () => {
  it('is refused above server.maxRequestBytes with 413, before it is read whole', async () => {
    const small = createTestGateway({ registryUrl, config: { server: { maxRequestBytes: 4096 } } });
    try {
      const response = await small.post({ query: `{ registry { name } }`, padding: 'x'.repeat(10_000) });
      expect(response.status).toBe(413);
      expect((await small.post({ query: '{ registry { name } }' })).status).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe('CORS', () => {
  const preflight = (target: ReturnType<typeof createTestGateway>, origin: string) =>
    target.app.yoga.fetch('http://127.0.0.1/graphql', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    });

  it('is closed by default: no page of another origin may read an answer', async () => {
    const response = await preflight(gateway, 'https://evil.example');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    const answer = await gateway.app.yoga.fetch('http://127.0.0.1/graphql?query=%7Bregistry%7Bname%7D%7D', {
      headers: { origin: 'https://evil.example' },
    });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('opens to the configured origins only, with credentials when asked', async () => {
    const open = createTestGateway({ registryUrl, config: { server: { cors: { origins: ['https://app.example'], credentials: true } } } });
    try {
      const allowed = await preflight(open, 'https://app.example');
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
      expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
      const other = await preflight(open, 'https://evil.example');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      const sandboxed = await preflight(open, 'null');
      expect(sandboxed.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await open.close();
    }
  });

  it('"*" opens to every origin, never with credentials, and the configuration refuses both together', async () => {
    const any = createTestGateway({ registryUrl, config: { server: { cors: { origins: ['*'] } } } });
    try {
      const response = await preflight(any, 'https://anywhere.example');
      expect(response.headers.get('access-control-allow-origin')).toBe('https://anywhere.example');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    } finally {
      await any.close();
    }
    expect(() =>
      parseConfig({ registries: [{ name: 'r', url: 'http://127.0.0.1:5000' }], server: { cors: { origins: ['*'], credentials: true } } }),
    ).toThrow(/server\.cors: credentials: true needs a list of origins/);
  });
});
