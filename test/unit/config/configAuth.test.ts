import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../src/config/index.js';
import { configErrorMessage } from '../../support/config.js';

const SECRET = 'correct-horse-battery-staple';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function registryWith(extra: Record<string, unknown>) {
  return { registries: [{ name: 'r', url: 'https://registry.example', ...extra }] };
}

describe('registry auth settings', () => {
  it('turns auth into credentials that the parsed configuration never shows', () => {
    const config = parseConfig(registryWith({ auth: { username: 'ci', password: SECRET } }), 'configuration', {});
    const registry = config.registries[0]!;
    expect(registry.credentials!.basicAuthorization()).toBe(basic('ci', SECRET));
    expect(registry).not.toHaveProperty('auth');
    expect(JSON.stringify(config)).not.toContain(SECRET);
  });

  it('reads passwordEnv from the environment loadConfig is given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'regql-config-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'registries:\n  - name: r\n    url: https://registry.example\n    auth: {username: ci, passwordEnv: REG_PW}\n');
    const config = loadConfig({ argv: ['--config', file], env: { REG_PW: SECRET } });
    expect(config.registries[0]!.credentials!.basicAuthorization()).toBe(basic('ci', SECRET));
    expect(() => loadConfig({ argv: ['--config', file], env: {} })).toThrow(
      `invalid configuration file ${file}: registries.0.auth.passwordEnv: environment variable REG_PW is not set`,
    );
  });

  it('names the key of a missing password file', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'regql-config-')), 'nope');
    expect(configErrorMessage(registryWith({ auth: { username: 'ci', passwordFile: missing } }))).toBe(
      `invalid configuration: registries.0.auth.passwordFile: cannot read ${missing}: ENOENT`,
    );
  });

  it('refuses ambiguous or incomplete auth without echoing the password', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ username: 'ci' }, 'registries.0.auth.username: exactly one of password, passwordEnv and passwordFile'],
      [{ username: 'ci', password: SECRET, passwordEnv: 'X' }, 'registries.0.auth.username: exactly one of password'],
      [{ password: SECRET }, 'registries.0.auth.password: only with username'],
      [{ username: 'ci', password: SECRET, anonymous: true }, 'registries.0.auth: exactly one of username'],
      [{ dockerConfig: false }, 'registries.0.auth.dockerConfig'],
      [{ username: 'c:i', password: SECRET }, 'registries.0.auth.username: no ":"'],
      [{ username: 'ci', password: SECRET, token: SECRET }, 'registries.0.auth'],
    ];
    for (const [auth, expected] of cases) {
      const message = configErrorMessage(registryWith({ auth }));
      expect(message).toContain(expected);
      expect(message).not.toContain(SECRET);
    }
  });

  it('takes credentials from the Docker config when auth is left out, and not with anonymous: true', () => {
    const home = mkdtempSync(join(tmpdir(), 'regql-home-'));
    mkdirSync(join(home, '.docker'));
    const auth = Buffer.from(`docker:${SECRET}`).toString('base64');
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { 'registry.example': { auth } } }));
    expect(parseConfig(registryWith({}), 'configuration', { HOME: home }).registries[0]!.credentials!.basicAuthorization()).toBe(
      basic('docker', SECRET),
    );
    expect(
      parseConfig(registryWith({ auth: { anonymous: true } }), 'configuration', { HOME: home }).registries[0]!.credentials,
    ).toBeUndefined();
    expect(
      configErrorMessage(registryWith({ auth: { dockerConfig: true } }), { HOME: mkdtempSync(join(tmpdir(), 'regql-home-')) }),
    ).toMatch(/^invalid configuration: registries\.0\.auth\.dockerConfig: cannot read the Docker config .*ENOENT$/);
  });
});

describe('static repository lists', () => {
  it('keeps them sorted and without duplicates', () => {
    const config = parseConfig(registryWith({ repositories: ['team/b', 'library/alpine', 'team/b', 'team/a'] }), 'configuration', {});
    expect(config.registries[0]!.repositories).toEqual(['library/alpine', 'team/a', 'team/b']);
  });

  it('refuses names outside the grammar and empty lists', () => {
    expect(configErrorMessage(registryWith({ repositories: ['library/alpine', 'Team/App'] }))).toContain(
      'registries.0.repositories.1: a repository name',
    );
    expect(configErrorMessage(registryWith({ repositories: [] }))).toContain('registries.0.repositories: at least one repository');
  });
});
