import { describe, expect, inject, it } from 'vitest';
import pino from 'pino';
import { parseConfig } from '../../src/config/index.js';
import { createGatewayApp } from '../../src/server/app.js';
import { yogaLogger } from '../../src/server/logging.js';

/** A logger at the most verbose level whose lines the test reads back as objects. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

describe("yoga's log calls as pino lines", () => {
  it('puts the text in msg and an error under err with its stack, never as numbered fields', () => {
    const { logger, lines } = capture();
    const log = yogaLogger(logger, () => false);
    log.debug('Processing GraphQL Parameters');
    log.error(new Error('boom'));
    log.warn('deprecated', { field: 'x' });
    expect(lines.map(({ level, msg }) => [level, msg])).toEqual([
      [20, 'Processing GraphQL Parameters'],
      [50, 'boom'],
      [40, 'deprecated'],
    ]);
    expect((lines[1]!.err as { stack: string }).stack).toContain('Error: boom');
    expect(lines[2]!.details).toEqual([{ field: 'x' }]);
    for (const line of lines) expect(Object.keys(line).filter((key) => /^\d+$/.test(key))).toEqual([]);
  });

  it('logs errors the answer explains at debug, and nothing at all when that level is off', () => {
    const { logger, lines } = capture();
    yogaLogger(logger, () => true).error(new Error('bad input'));
    expect(lines.map(({ level }) => level)).toEqual([20]);
    logger.level = 'info';
    yogaLogger(logger, () => true).error(new Error('bad input'));
    expect(lines).toHaveLength(1);
  });
});

describe('the gateway does not log client mistakes as errors', () => {
  it.each([
    ['a malformed node id', '{ node(id: "bm90IGFuIGlk") { id } }'],
    ['an unknown registry', '{ registry(name: "elsewhere") { name } }'],
    ['an invalid repository name', '{ repository(name: "Not/Valid") { name } }'],
    ['a query that does not validate', '{ nosuchfield }'],
  ])('%s', async (_what, query) => {
    const { logger, lines } = capture();
    const app = createGatewayApp({ config: parseConfig({ registries: [{ name: 'local', url: inject('registryUrl') }] }), logger });
    try {
      const response = await app.yoga.fetch('http://127.0.0.1/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      const body = (await response.json()) as { errors?: unknown[] };
      expect(body.errors?.length).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
    expect(lines.filter(({ level }) => (level as number) >= 50)).toEqual([]);
  });
});
