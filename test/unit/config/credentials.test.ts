import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CredentialSourceError, resolveCredentials } from '../../../src/config/credentials.js';
import { Credentials } from '../../../src/registry/auth/credentials.js';
import { DockerConfigError, findDockerCredentials, registryHost } from '../../../src/config/dockerConfig.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const b64 = (text: string) => Buffer.from(text).toString('base64');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'regql-credentials-'));
}

/** A HOME whose .docker/config.json holds config. */
function homeWithDockerConfig(config: unknown): string {
  const home = tempDir();
  mkdirSync(join(home, '.docker'));
  writeFileSync(join(home, '.docker', 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return home;
}

describe('findDockerCredentials', () => {
  it('matches entries by host, with or without scheme and path, Docker Hub under any of its names', () => {
    expect(registryHost('https://index.docker.io/v1/')).toBe('docker.io');
    expect(registryHost('https://registry-1.docker.io')).toBe('docker.io');
    expect(registryHost('http://Registry.Example:5000/v2/')).toBe('registry.example:5000');
    const config = JSON.stringify({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pass') },
        'ghcr.io': { username: 'gh', password: 'ghp_x' },
        'registry.example:5000': { auth: b64('local:pw') },
      },
    });
    expect(findDockerCredentials(config, 'https://registry-1.docker.io')).toEqual({
      found: { username: 'hubuser', password: 'hub:pass' },
      key: 'https://index.docker.io/v1/',
    });
    expect(findDockerCredentials(config, 'https://ghcr.io').found).toEqual({ username: 'gh', password: 'ghp_x' });
    expect(findDockerCredentials(config, 'http://registry.example:5000').found).toEqual({ username: 'local', password: 'pw' });
    expect(findDockerCredentials(config, 'http://registry.example:5001')).toEqual({
      found: undefined,
      reason: 'it has no entry for registry.example:5001',
    });
  });

  it('explains entries left to a credential helper, or empty', () => {
    const reasonFor = (config: string, url: string) => {
      const lookup = findDockerCredentials(config, url);
      return lookup.found ? undefined : lookup.reason;
    };
    const desktop = JSON.stringify({ auths: { 'ghcr.io': {} }, credsStore: 'desktop' });
    expect(reasonFor(desktop, 'https://ghcr.io')).toMatch(/credential helper "desktop"/);
    const perHost = JSON.stringify({ credHelpers: { 'registry.example': 'ecr-login' } });
    expect(reasonFor(perHost, 'https://registry.example')).toMatch(/"ecr-login"/);
    const empty = JSON.stringify({ auths: { 'ghcr.io': {} } });
    expect(reasonFor(empty, 'https://ghcr.io')).toMatch(/no username and password/);
  });

  it('refuses what is not a Docker config, without quoting an auth value', () => {
    expect(() => findDockerCredentials('{', 'https://ghcr.io')).toThrow(DockerConfigError);
    expect(() => findDockerCredentials('[]', 'https://ghcr.io')).toThrow(DockerConfigError);
    expect(() => findDockerCredentials('{"auths": 1}', 'https://ghcr.io')).toThrow(DockerConfigError);
    const secret = b64('no-colon-secret');
    expect(() => findDockerCredentials(JSON.stringify({ auths: { 'ghcr.io': { auth: secret } } }), 'https://ghcr.io')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secret) }),
    );
  });
});

describe('resolveCredentials', () => {
  const url = 'https://registry.example';

  it('takes the password inline, from an environment variable or from a file', () => {
    expect(resolveCredentials({ username: 'u', password: 'inline' }, url, {})!.basicAuthorization()).toBe(basic('u', 'inline'));
    expect(resolveCredentials({ username: 'u', passwordEnv: 'REG_PW' }, url, { REG_PW: 'from-env' })!.basicAuthorization()).toBe(
      basic('u', 'from-env'),
    );
    const file = join(tempDir(), 'password');
    writeFileSync(file, 'from-file\n');
    expect(resolveCredentials({ username: 'u', passwordFile: file }, url, {})!.basicAuthorization()).toBe(basic('u', 'from-file'));
  });

  it('names the setting at fault when the environment variable or file is missing', () => {
    expect(() => resolveCredentials({ username: 'u', passwordEnv: 'REG_PW' }, url, {})).toThrow(
      expect.objectContaining({ key: 'passwordEnv', message: 'environment variable REG_PW is not set' }),
    );
    const missing = join(tempDir(), 'missing');
    expect(() => resolveCredentials({ username: 'u', passwordFile: missing }, url, {})).toThrow(
      expect.objectContaining({ key: 'passwordFile', message: `cannot read ${missing}: ENOENT` }),
    );
    const empty = join(tempDir(), 'empty');
    writeFileSync(empty, '\n');
    expect(() => resolveCredentials({ username: 'u', passwordFile: empty }, url, {})).toThrow(CredentialSourceError);
  });

  it('falls back to the Docker config under HOME, or DOCKER_CONFIG, and to anonymous without an entry', () => {
    const home = homeWithDockerConfig({ auths: { 'registry.example': { auth: b64('docker:login') } } });
    expect(resolveCredentials(undefined, url, { HOME: home })!.basicAuthorization()).toBe(basic('docker', 'login'));
    expect(resolveCredentials(undefined, url, { HOME: tempDir(), DOCKER_CONFIG: join(home, '.docker') })!.basicAuthorization()).toBe(
      basic('docker', 'login'),
    );
    expect(resolveCredentials(undefined, 'https://other.example', { HOME: home })).toBeUndefined();
    expect(resolveCredentials(undefined, url, { HOME: tempDir() })).toBeUndefined();
    expect(resolveCredentials(undefined, url, {})).toBeUndefined();
    expect(resolveCredentials({ anonymous: true }, url, { HOME: home })).toBeUndefined();
  });

  it('requires an entry when dockerConfig is asked for explicitly', () => {
    const home = homeWithDockerConfig({ auths: {} });
    expect(() => resolveCredentials({ dockerConfig: true }, url, { HOME: home })).toThrow(
      expect.objectContaining({ key: 'dockerConfig', message: expect.stringContaining('no entry for registry.example') }),
    );
    expect(() => resolveCredentials({ dockerConfig: true }, url, { HOME: tempDir() })).toThrow(
      expect.objectContaining({ key: 'dockerConfig', message: expect.stringContaining('ENOENT') }),
    );
    expect(() => resolveCredentials({ dockerConfig: true }, url, {})).toThrow(expect.objectContaining({ key: 'dockerConfig' }));
  });

  it('reports a broken Docker config even when it is only consulted by default', () => {
    const home = homeWithDockerConfig('{ not json');
    expect(() => resolveCredentials(undefined, url, { HOME: home })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('anonymous: true') }),
    );
  });
});

describe('Credentials', () => {
  it('never shows the secret when logged or serialized', () => {
    const credentials = new Credentials('someone', 'hunter2-secret', 'environment variable REG_PW');
    for (const shown of [JSON.stringify({ credentials }), String(credentials), inspect(credentials), inspect({ credentials })]) {
      expect(shown).not.toContain('hunter2-secret');
      expect(shown).not.toContain('someone');
      expect(shown).toContain('environment variable REG_PW');
    }
  });
});
