import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../src/config/commandLine.js';
import { ConfigError, DEFAULT_REGISTRY_URL, loadConfig } from '../../../src/config/index.js';
import { DEFAULT_RETRY_POLICY } from '../../../src/registry/retry.js';

function configFile(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'regql-config-')), 'config.yaml');
  writeFileSync(file, content);
  return file;
}

describe('loadConfig', () => {
  it('targets the local registry with defaults when nothing is given', () => {
    const config = loadConfig({ argv: [], env: {} });
    expect(config.registries).toEqual([
      { name: 'default', url: DEFAULT_REGISTRY_URL, concurrency: 16, timeoutMs: 30_000, retry: DEFAULT_RETRY_POLICY },
    ]);
    expect(config.server).toEqual({
      host: '127.0.0.1',
      port: 4000,
      maxRequestBytes: 1024 * 1024,
      incrementalPartIntervalMs: 50,
      cors: { origins: [], credentials: false },
      metrics: { enabled: true },
      persistedQueries: { mode: 'automatic', documents: new Map(), maxStoredBytes: 16 * 1024 * 1024 },
      ui: { enabled: true },
    });
    expect(config.limits).toMatchObject({ maxQueryCost: 100_000, maxQueryMs: 60_000, maxListPages: 1000, maxListBytes: 64 * 1024 * 1024 });
    expect(config.cache.maxBytes).toBe(64 * 1024 * 1024);
  });

  it('takes REGISTRY_URL, PORT and HOST from the environment', () => {
    const config = loadConfig({ argv: [], env: { REGISTRY_URL: 'http://127.0.0.1:5001/', PORT: '4100', HOST: '0.0.0.0' } });
    expect(config.registries[0]!.url).toBe('http://127.0.0.1:5001');
    expect(config.server).toMatchObject({ host: '0.0.0.0', port: 4100 });
  });

  it('has no Redis unless configured; REDIS_URL sets or overrides redis.url; a URL that is not redis:// is refused', () => {
    expect(loadConfig({ argv: [], env: {} }).redis).toBeUndefined();
    expect(loadConfig({ argv: [], env: { REDIS_URL: 'redis://127.0.0.1:6390' } }).redis).toEqual({
      url: 'redis://127.0.0.1:6390',
      keyPrefix: 'regql:',
    });
    const file = configFile(
      'registries:\n  - name: a\n    url: http://127.0.0.1:5000\nredis:\n  url: redis://cache:6379\n  keyPrefix: "team-a:"\n',
    );
    expect(loadConfig({ argv: ['--config', file], env: {} }).redis).toEqual({ url: 'redis://cache:6379', keyPrefix: 'team-a:' });
    expect(loadConfig({ argv: ['--config', file], env: { REDIS_URL: 'rediss://other:6380' } }).redis).toEqual({
      url: 'rediss://other:6380',
      keyPrefix: 'team-a:',
    });
    expect(() => loadConfig({ argv: [], env: { REDIS_URL: 'http://cache:6379' } })).toThrow(/redis\.url: a redis:\/\/ or rediss:\/\/ URL/);
  });

  it('reads several registries from --config, the first being the default', () => {
    const file = configFile(
      'registries:\n  - name: a\n    url: http://127.0.0.1:5000\n    concurrency: 4\n  - name: b\n    url: https://b.example\n',
    );
    for (const argv of [['--config', file], [`--config=${file}`]]) {
      const config = loadConfig({ argv, env: { REGISTRY_URL: 'http://ignored' } });
      expect(config.registries.map((registry) => [registry.name, registry.url, registry.concurrency])).toEqual([
        ['a', 'http://127.0.0.1:5000', 4],
        ['b', 'https://b.example', 16],
      ]);
    }
  });

  it('reads REGQL_CONFIG like --config', () => {
    const file = configFile('{"registries": [{"name": "json", "url": "http://127.0.0.1:5000"}]}');
    expect(loadConfig({ argv: [], env: { REGQL_CONFIG: file } }).registries[0]!.name).toBe('json');
  });

  it.each([
    ['registries: []\n', 'registries: at least one registry'],
    ['registries:\n  - name: a\n    url: ftp://x\n', 'registries.0.url'],
    ['registries:\n  - name: a\n    url: http://user:secret@x\n', 'registries.0.url'],
    ['registries:\n  - name: a\n    url: http://x\n    concurency: 4\n', 'registries.0'],
    ['registries:\n  - name: a\n    url: http://x\n  - name: a\n    url: http://y\n', 'registries.1.name: duplicate registry name'],
    ['registries:\n  - name: a\n    url: http://x\nserver:\n  port: 70000\n', 'server.port'],
    ['registries:\n  - name: a\n    url: http://x\ncache:\n  maxBytes: -1\n', 'cache.maxBytes'],
    ['- just\n- a list\n', 'expected a mapping'],
    ['registries: [\n', 'not valid YAML'],
  ])('refuses %j naming the bad key', (content, expected) => {
    const file = configFile(content);
    expect(() => loadConfig({ argv: ['--config', file], env: {} })).toThrow(ConfigError);
    expect(() => loadConfig({ argv: ['--config', file], env: {} })).toThrow(expected);
  });

  it('never echoes a password from a refused URL', () => {
    const file = configFile('registries:\n  - name: a\n    url: http://user:secret@x\n');
    expect(() => loadConfig({ argv: ['--config', file], env: {} })).not.toThrow(/secret/);
  });

  it('refuses a missing file, a --config without a value, and a non-numeric PORT', () => {
    expect(() => loadConfig({ argv: ['--config', '/nonexistent/regql.yaml'], env: {} })).toThrow(/cannot read configuration file .*ENOENT/);
    expect(() => loadConfig({ argv: ['--config'], env: {} })).toThrow('--config needs a file name');
    expect(() => loadConfig({ argv: [], env: { PORT: 'eighty' } })).toThrow('PORT: expected an integer');
  });
});

describe('parseCommandLine', () => {
  it('reads --config in both spellings, --help, -h and --version', () => {
    expect(parseCommandLine(['--config', 'a.yaml'])).toEqual({ config: 'a.yaml', help: false, version: false });
    expect(parseCommandLine(['--config=b.yaml'])).toEqual({ config: 'b.yaml', help: false, version: false });
    expect(parseCommandLine(['-h']).help).toBe(true);
    expect(parseCommandLine(['--version']).version).toBe(true);
  });

  it('refuses positional arguments and unknown options, quoting them only briefly', () => {
    expect(() => parseCommandLine(['serve'])).toThrow(ConfigError);
    expect(() => parseCommandLine([`--${'x'.repeat(10_000)}`])).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^.{0,220}$/) }),
    );
  });
});
