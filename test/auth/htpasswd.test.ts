/**
 * The gateway against a real registry (distribution 2.8) that requires HTTP Basic login from an
 * htpasswd file, with credentials given each way the configuration allows.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { DashboardDocument } from '../../src/client/index.js';
import { type HtpasswdRegistry, startHtpasswdRegistry } from '../support/authRegistry.js';
import { createTestGateway } from '../support/gateway.js';
import { capturedLogs, dashboardWithoutLatency, queryApp } from '../support/authGateway.js';

const USERS = { admin: 'admin-pw-9f2c1', reader: 'reader-pw-77ab3' };
const STATUS_QUERY = 'query { registry { status { reachable authenticated error errorCode } } }';
const REPOSITORIES_QUERY =
  'query { registry { status { authenticated errorCode error } repositories(first: 3) { edges { node { name } } } } }';

let auth: HtpasswdRegistry;
let url: string;

beforeAll(async () => {
  auth = await startHtpasswdRegistry(USERS);
  url = auth.registry.url;
});
afterAll(() => auth?.stop());

function gatewayWith(authSettings: Record<string, unknown>) {
  return createTestGateway({ registryUrl: url, config: { registries: [{ name: 'local', url, auth: authSettings }] } });
}

describe('a registry with htpasswd login', () => {
  it('answers the dashboard query as a registry without login does, sending the credentials up front once challenged', async () => {
    const reference = createTestGateway({ registryUrl: inject('registryUrl') });
    const gateway = gatewayWith({ username: 'reader', password: USERS.reader });
    try {
      const expected = await reference.execute(DashboardDocument, { repositories: 100, tags: 100 });
      const first = await gateway.execute(DashboardDocument, { repositories: 100, tags: 100 });
      expect(first.errors).toBeUndefined();
      expect(dashboardWithoutLatency(first)).toEqual(dashboardWithoutLatency(expected));
      expect(gateway.takeUpstream().filter((event) => event.status === 401).length).toBeGreaterThan(0);

      const again = await gateway.execute(DashboardDocument, { repositories: 100, tags: 100 });
      expect(again.errors).toBeUndefined();
      expect(gateway.takeUpstream().filter((event) => event.status === 401)).toEqual([]);

      const { data } = await gateway.query(STATUS_QUERY);
      expect(data.registry.status).toEqual({ reachable: true, authenticated: true, error: null, errorCode: null });
    } finally {
      await Promise.all([reference.close(), gateway.close()]);
    }
  });

  it('bad credentials: UPSTREAM_UNAUTHORIZED in the status and on every query, never showing the password', async () => {
    const gateway = gatewayWith({ username: 'reader', password: 'wrong-password-123' });
    try {
      const response = await gateway.query(REPOSITORIES_QUERY);
      expect(response.data.registry.status).toMatchObject({ authenticated: false, errorCode: 'UPSTREAM_UNAUTHORIZED' });
      expect(response.data.registry.status.error).toBe(
        'GET /v2/: 401 UNAUTHORIZED authentication required (the registry refused the credentials from the configuration)',
      );
      expect(response.data.registry.repositories).toBeNull();
      expect(response.errors).toMatchObject([{ extensions: { code: 'UPSTREAM_UNAUTHORIZED', upstreamStatus: 401 } }]);
      expect(JSON.stringify(response)).not.toContain('wrong-password-123');
    } finally {
      await gateway.close();
    }
  });

  it('no credentials: UPSTREAM_UNAUTHORIZED saying none are configured', async () => {
    const gateway = gatewayWith({ anonymous: true });
    try {
      const { data } = await gateway.query(STATUS_QUERY);
      expect(data.registry.status).toEqual({
        reachable: true,
        authenticated: false,
        errorCode: 'UPSTREAM_UNAUTHORIZED',
        error: 'GET /v2/: 401 UNAUTHORIZED authentication required (the registry requires credentials and none are configured for it)',
      });
    } finally {
      await gateway.close();
    }
  });

  describe('credentials from each source', () => {
    const dir = mkdtempSync(join(tmpdir(), 'regql-auth-sources-'));
    const passwordFile = join(dir, 'password');
    writeFileSync(passwordFile, `${USERS.reader}\n`);
    const dockerConfigDir = join(dir, 'docker');
    mkdirSync(dockerConfigDir);

    function configFile(auth: string): string {
      const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(file, `registries:\n  - name: local\n    url: ${url}\n${auth}`);
      return file;
    }

    const sources: Array<[string, () => { file: string; env: NodeJS.ProcessEnv }]> = [
      ['password', () => ({ file: configFile(`    auth: {username: reader, password: "${USERS.reader}"}\n`), env: {} })],
      [
        'passwordEnv',
        () => ({
          file: configFile('    auth: {username: reader, passwordEnv: REGISTRY_PASSWORD}\n'),
          env: { REGISTRY_PASSWORD: USERS.reader },
        }),
      ],
      ['passwordFile', () => ({ file: configFile(`    auth: {username: reader, passwordFile: ${passwordFile}}\n`), env: {} })],
      [
        'the Docker config named by DOCKER_CONFIG, without any auth setting',
        () => {
          const host = new URL(url).host;
          const entry = { auth: Buffer.from(`reader:${USERS.reader}`).toString('base64') };
          writeFileSync(join(dockerConfigDir, 'config.json'), JSON.stringify({ auths: { [host]: entry } }));
          return { file: configFile(''), env: { DOCKER_CONFIG: dockerConfigDir } };
        },
      ],
      [
        'the Docker config under HOME, username and password fields, with dockerConfig: true',
        () => {
          const home = mkdtempSync(join(tmpdir(), 'regql-home-'));
          mkdirSync(join(home, '.docker'));
          const entry = { username: 'reader', password: USERS.reader };
          writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [`http://${new URL(url).host}/v2/`]: entry } }));
          return { file: configFile('    auth: {dockerConfig: true}\n'), env: { HOME: home } };
        },
      ],
    ];

    it.each(sources)('logs in with %s, and the logs show no credentials', async (_source, prepare) => {
      const { file, env } = prepare();
      const logs = capturedLogs();
      const result = await queryApp(loadConfig({ argv: ['--config', file], env }), STATUS_QUERY, logs.logger);
      expect(result.data.registry.status).toEqual({ reachable: true, authenticated: true, error: null, errorCode: null });
      expect(logs.text()).toContain('upstream request');
      expect(logs.text()).not.toContain(USERS.reader);
      expect(logs.text()).not.toContain(Buffer.from(`reader:${USERS.reader}`).toString('base64'));
    });
  });
});
