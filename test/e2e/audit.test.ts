/** One audit line per write and per refused write: who, what, where, how it ended; never the token. */
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LocalRegistry } from '../../fixtures/registry/localRegistry.js';
import { createTestGateway, type TestGateway } from '../support/gateway.js';
import { startSeededRegistry } from '../support/registry.js';
import { ACCESS, TOKENS, bearer } from '../support/writes.js';

let registry: LocalRegistry;
let gateway: TestGateway;
const lines: Array<Record<string, unknown>> = [];
const raw: string[] = [];

beforeAll(async () => {
  registry = await startSeededRegistry();
  const logger = pino({ level: 'info' }, { write: (line: string) => void (raw.push(line), lines.push(JSON.parse(line))) });
  gateway = createTestGateway({ registryUrl: registry.url, config: { access: ACCESS }, logger });
});
afterAll(async () => {
  await gateway.close();
  await registry.stop();
});

const audited = () => lines.filter((line) => line.audit).map((line) => line.audit);

async function write(mutation: string, token?: string) {
  lines.length = 0;
  await (await gateway.post({ query: `mutation { ${mutation} }` }, bearer(token))).json();
  return audited();
}

it('logs a write that is done, with the token name, the mutation and what it named', async () => {
  expect(
    await write('tagManifest(input: { repository: "team/app", source: "dev", tag: "audited" }) { tag { name } }', TOKENS.admin),
  ).toEqual([
    { token: 'admin', mutation: 'tagManifest', repository: 'team/app', source: 'dev', tag: 'audited', dryRun: false, outcome: 'done' },
  ]);
  expect(await write('deleteTag(input: { repository: "team/app", tag: "audited", dryRun: true }) { tag }', TOKENS.admin)).toEqual([
    {
      token: 'admin',
      mutation: 'deleteTag',
      repository: 'team/app',
      tag: 'audited',
      keepManifest: false,
      dryRun: true,
      outcome: 'dry-run',
    },
  ]);
});

it('logs refused and failed writes with their code', async () => {
  expect(await write('deleteTag(input: { repository: "team/app", tag: "dev" }) { tag }')).toMatchObject([
    { token: null, mutation: 'deleteTag', tag: 'dev', outcome: 'refused', code: 'UNAUTHENTICATED' },
  ]);
  expect(
    await write('deleteManifest(input: { repository: "team/app", digest: "sha256:' + '0'.repeat(64) + '" }) { digest }', TOKENS.writer),
  ).toMatchObject([{ token: 'writer', mutation: 'deleteManifest', outcome: 'refused', code: 'FORBIDDEN' }]);
  expect(
    await write('tagManifest(input: { repository: "team/app", source: "no-such-tag", tag: "x" }) { tag { name } }', TOKENS.admin),
  ).toMatchObject([{ token: 'admin', mutation: 'tagManifest', outcome: 'refused', code: 'NOT_FOUND' }]);
  expect(await write('deleteTag(input: { repository: "Bad Name", tag: "dev" }) { tag }', TOKENS.admin)).toMatchObject([
    { token: 'admin', mutation: 'deleteTag', outcome: 'refused', code: 'BAD_USER_INPUT' },
  ]);
});

it('never logs a token', () => {
  const text = raw.join('');
  for (const token of Object.values(TOKENS)) expect(text).not.toContain(token);
});
