import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AccessControl } from '../../src/access.js';
import { parseConfig } from '../../src/config/index.js';
import { configErrorMessage } from '../support/config.js';

const SECRET = 'sEcReT-0123456789abcdef';
const registries = [{ name: 'local', url: 'http://127.0.0.1:5000' }];
const parse = (access: unknown, env: NodeJS.ProcessEnv = {}) => parseConfig({ registries, access }, 'configuration', env);
const configError = (access: unknown, env: NodeJS.ProcessEnv = {}) => configErrorMessage({ registries, access }, env);

describe('access configuration', () => {
  it('defaults to no tokens and no read token: a read-only gateway', () => {
    expect(parseConfig({ registries }).access).toEqual({ tokens: [], requireReadToken: false });
  });

  it('reads tokens inline, from the environment and from a file (trimmed)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'regql-token-')), 'token');
    writeFileSync(file, `${SECRET}-file\n`);
    const config = parse(
      {
        tokens: [
          { name: 'inline', scopes: ['write'], token: `${SECRET}-inline` },
          { name: 'env', scopes: ['read', 'write'], tokenEnv: 'REGQL_WRITE_TOKEN' },
          { name: 'file', scopes: ['delete'], tokenFile: file },
        ],
      },
      { REGQL_WRITE_TOKEN: ` ${SECRET}-env ` },
    );
    const access = new AccessControl(config.access);
    expect(access.forRequest(`Bearer ${SECRET}-inline`).allows('write')).toBe(true);
    expect(access.forRequest(`Bearer ${SECRET}-env`).allows('write')).toBe(true);
    expect(access.forRequest(`bearer ${SECRET}-file`).allows('delete')).toBe(true);
    expect(access.forRequest(`Bearer ${SECRET}-file`).allows('write')).toBe(false);
  });

  it('never shows a token when the configuration is printed or serialized', () => {
    const config = parse({ tokens: [{ name: 'ci', scopes: ['write'], token: SECRET }] });
    expect(JSON.stringify(config)).not.toContain(SECRET);
    expect(inspect(config, { depth: 10 })).not.toContain(SECRET);
    expect(JSON.parse(JSON.stringify(config.access))).toEqual({ tokens: [{ name: 'ci', scopes: ['write'] }], requireReadToken: false });
  });

  it.each([
    [
      'a missing environment variable',
      { tokens: [{ name: 'ci', scopes: ['write'], tokenEnv: 'NOT_SET' }] },
      'access.tokens.0.tokenEnv: environment variable NOT_SET is not set',
    ],
    [
      'a missing file',
      { tokens: [{ name: 'ci', scopes: ['write'], tokenFile: '/nonexistent/token' }] },
      'access.tokens.0.tokenFile: cannot read /nonexistent/token: ENOENT',
    ],
    ['no token source', { tokens: [{ name: 'ci', scopes: ['write'] }] }, 'access.tokens.0: exactly one of token, tokenEnv and tokenFile'],
    ['an unknown scope', { tokens: [{ name: 'ci', scopes: ['admin'], token: SECRET }] }, 'access.tokens.0.scopes.0'],
    [
      'a duplicate name',
      {
        tokens: [
          { name: 'ci', scopes: ['write'], token: SECRET },
          { name: 'ci', scopes: ['read'], token: `${SECRET}2` },
        ],
      },
      'access.tokens.1.name: duplicate token name "ci"',
    ],
    [
      'the same token twice',
      {
        tokens: [
          { name: 'a', scopes: ['write'], token: SECRET },
          { name: 'b', scopes: ['read'], token: SECRET },
        ],
      },
      'access.tokens.1: the same token as access.tokens.0',
    ],
    [
      'requireReadToken without a read token',
      { tokens: [{ name: 'ci', scopes: ['write'], token: SECRET }], requireReadToken: true },
      'access.requireReadToken',
    ],
  ])('%s is a ConfigError naming the key', (_what, access, expected) => {
    expect(configError(access)).toContain(expected);
  });

  it('a short token is refused without being echoed', () => {
    const message = configError({ tokens: [{ name: 'ci', scopes: ['write'], token: 'short-secret' }] });
    expect(message).toContain('access.tokens.0.token');
    expect(message).not.toContain('short-secret');
    const fromEnv = configError({ tokens: [{ name: 'ci', scopes: ['write'], tokenEnv: 'T' }] }, { T: 'short-secret' });
    expect(fromEnv).toContain('access.tokens.0.tokenEnv');
    expect(fromEnv).not.toContain('short-secret');
  });
});

describe('AccessControl', () => {
  const tokens = parse({
    tokens: [
      { name: 'writer', scopes: ['write'], token: `${SECRET}-w` },
      { name: 'reader', scopes: ['read'], token: `${SECRET}-r` },
    ],
  }).access.tokens;

  it('grants read to everyone unless requireReadToken', () => {
    expect(new AccessControl({ tokens, requireReadToken: false }).forRequest(null).allows('read')).toBe(true);
    const strict = new AccessControl({ tokens, requireReadToken: true });
    expect(strict.forRequest(null).allows('read')).toBe(false);
    expect(strict.forRequest(`Bearer ${SECRET}-r`).allows('read')).toBe(true);
    expect(strict.forRequest(`Bearer ${SECRET}-w`).allows('read')).toBe(false);
  });

  it.each([
    ['no header', null, 'UNAUTHENTICATED'],
    ['an empty header', '', 'UNAUTHENTICATED'],
    ['an unknown token', 'Bearer nope-nope-nope-nope', 'UNAUTHENTICATED'],
    ['another scheme', `Basic ${SECRET}-w`, 'UNAUTHENTICATED'],
    ['a token without the scope', `Bearer ${SECRET}-r`, 'FORBIDDEN'],
  ])('%s is %s', (_what, header, code) => {
    const denial = new AccessControl({ tokens, requireReadToken: false }).forRequest(header).denial('write', 'tagManifest');
    expect(denial.code).toBe(code);
    expect(denial.message).toContain('tagManifest needs a token with the write scope');
    expect(denial.message).not.toContain(SECRET);
  });

  it('without any token configured, every write is FORBIDDEN with how to enable writes', () => {
    const denial = new AccessControl({ tokens: [], requireReadToken: false })
      .forRequest(`Bearer ${SECRET}`)
      .denial('delete', 'deleteManifest');
    expect(denial.code).toBe('FORBIDDEN');
    expect(denial.message).toContain('access.tokens');
  });
});
