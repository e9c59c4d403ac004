/**
 * Docker is not available where the tests run, so the container files are checked for what can
 * go wrong without it: the registry's notifications reach the gateway's endpoint with the secret
 * the gateway expects, and the image runs what `npm run build` makes, as a non-root user.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig, parseConfig } from '../../src/config/index.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const SECRET = 'a-secret-from-dot-env-0123456789abcdef';
/** What Compose does with ${VAR} and ${VAR:?message} in the file. */
const interpolate = (text: string) => text.replace(/\$\{REGQL_NOTIFICATIONS_TOKEN(?::\?[^}]*)?\}/g, SECRET);

describe('deploy/compose.yaml', () => {
  const compose = parseYaml(interpolate(read('deploy/compose.yaml'))) as any;
  const registryConfig = parseYaml(compose.configs['registry-config'].content) as any;
  const gatewayService = compose.services.regql;
  const gatewayConfig = parseConfig(parseYaml(compose.configs['regql-config'].content), 'regql-config', gatewayService.environment);

  it("points the registry's notifications at the gateway's endpoint for that registry, with the gateway's secret", () => {
    const [endpoint] = registryConfig.notifications.endpoints;
    const url = new URL(endpoint.url);
    expect(compose.services).toHaveProperty(url.hostname);
    expect(Number(url.port)).toBe(gatewayConfig.server.port);
    expect(gatewayService.ports).toContain(`${gatewayConfig.server.port}:${gatewayConfig.server.port}`);
    const [, name] = /^\/notifications\/([^/]+)$/.exec(url.pathname)!;
    const registry = gatewayConfig.registries.find((candidate) => candidate.name === name)!;
    expect(registry.notifications).toBeDefined();
    expect(registry.notifications!.secret.admits(endpoint.headers.Authorization[0])).toBe(true);
    expect(endpoint.ignore.actions).toEqual(['pull']);
  });

  it("points the gateway at the registry service's port, with deletes enabled for the gateway's writes", () => {
    const registryUrl = new URL(gatewayConfig.registries[0]!.url);
    expect(compose.services).toHaveProperty(registryUrl.hostname);
    expect(registryConfig.http.addr).toBe(`:${registryUrl.port}`);
    expect(registryConfig.storage.delete.enabled).toBe(true);
    expect(gatewayService.environment.REGQL_CONFIG).toBe(gatewayService.configs[0].target);
    expect(gatewayConfig.server.host).toBe('0.0.0.0');
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const packageJson = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

  it('runs what npm start runs, built by npm run build, as the unprivileged user', () => {
    const [, environment, nodeOptions, start] = /^(?:(\w+=\S+) )?node ((?:--\S+ )*)(\S+)$/.exec(packageJson.scripts.start!)!;
    const command = ['node', ...nodeOptions!.split(' ').filter(Boolean), start!];
    expect(dockerfile).toContain(`CMD [${command.map((word) => JSON.stringify(word)).join(', ')}]`);
    if (environment) expect(dockerfile).toMatch(new RegExp(`ENV .*${environment}`));
    expect(dockerfile).toContain('RUN npm run build');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/ENV .*HOST=0\.0\.0\.0/);
  });

  it("starts with npm start's node options: V8 takes them (some are V8's own flags, which a node release may drop)", () => {
    const [, nodeOptions] = /node ((?:--\S+ )*)/.exec(packageJson.scripts.start!)!;
    const options = nodeOptions!.split(' ').filter(Boolean);
    expect(options.length).toBeGreaterThan(0);
    const run = spawnSync(process.execPath, [...options, '-e', 'process.exit(0)'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('copies into the build what npm run build reads: the TypeScript configuration, src/ and ui/ (the registry browser)', () => {
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap(([, sources]) => sources!.split(' '));
    expect(copied).toEqual(expect.arrayContaining(['tsconfig.json', 'tsconfig.build.json', 'src', 'ui']));
  });

  it('checks its health on /healthz, which the gateway serves', () => {
    expect(dockerfile).toMatch(/HEALTHCHECK[^\n]*\n?.*\/healthz/);
  });
});

describe('deploy/compose.replicas.yaml', () => {
  const compose = parseYaml(interpolate(read('deploy/compose.replicas.yaml'))) as any;
  const registryConfig = parseYaml(compose.configs['registry-config'].content) as any;
  const gatewayService = compose.services.regql;
  // As the container reads it: the file the config names, and its environment (REDIS_URL).
  const file = join(mkdtempSync(join(tmpdir(), 'regql-compose-')), 'config.yaml');
  writeFileSync(file, compose.configs['regql-config'].content);
  const gatewayConfig = loadConfig({ argv: [], env: { ...gatewayService.environment, REGQL_CONFIG: file } });

  it('gives every replica the same Redis and the registry, and Redis an eviction policy for a cache', () => {
    expect(new URL(gatewayConfig.redis!.url).hostname).toBe('redis');
    expect(compose.services).toHaveProperty('redis');
    expect(compose.services.redis.command).toEqual(expect.arrayContaining(['--maxmemory-policy', 'allkeys-lru']));
    expect(compose.services).toHaveProperty(new URL(gatewayConfig.registries[0]!.url).hostname);
  });

  it("sends the registry's notifications through the proxy, which passes them (and streams) to the replicas", () => {
    const [endpoint] = registryConfig.notifications.endpoints;
    const url = new URL(endpoint.url);
    expect(url.hostname).toBe('proxy');
    expect(url.pathname).toBe('/notifications/local');
    expect(gatewayConfig.registries[0]!.notifications!.secret.admits(endpoint.headers.Authorization[0])).toBe(true);
    const proxy = compose.configs['proxy-config'].content as string;
    expect(proxy).toContain(`listen ${url.port}`);
    expect(proxy).toContain(`server regql:${gatewayConfig.server.port}`);
    expect(proxy).toMatch(/proxy_buffering off/);
  });
});
