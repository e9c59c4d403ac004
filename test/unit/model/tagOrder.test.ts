import { describe, expect, it } from 'vitest';
import { parseVersionTag, sortByCreated, sortByName, sortBySemver } from '../../../src/model/tagOrder.js';

describe('parseVersionTag', () => {
  it.each([
    ['1.2.3', [1, 2, 3], undefined],
    ['v1.2.3', [1, 2, 3], undefined],
    ['3.19', [3, 19, 0], undefined],
    ['7', [7, 0, 0], undefined],
    ['1.0.0-rc.1', [1, 0, 0], ['rc', '1']],
    ['1.0.0+build.5', [1, 0, 0], undefined],
  ])('%s', (tag, numbers, prerelease) => {
    expect(parseVersionTag(tag)).toEqual({ numbers, prerelease });
  });

  it.each(['latest', 'dev', 'sha256-abc.sig', '1.2.3.4', 'v', '1..2'])('%s is not a version', (tag) => {
    expect(parseVersionTag(tag)).toBeUndefined();
  });
});

describe('sortBySemver', () => {
  it('puts versions newest first by precedence, then other tags by name', () => {
    const tags = ['latest', '1.10.0', '1.2.0', 'dev', '2.0.0-rc.1', '2.0.0', '1.9.9', '2.0.0-beta', '2.0.0-rc.10', '2.0.0-rc.2'];
    expect(sortBySemver(tags)).toEqual([
      '2.0.0',
      '2.0.0-rc.10',
      '2.0.0-rc.2',
      '2.0.0-rc.1',
      '2.0.0-beta',
      '1.10.0',
      '1.9.9',
      '1.2.0',
      'dev',
      'latest',
    ]);
  });

  it('orders numeric pre-release identifiers below alphanumeric ones', () => {
    expect(sortBySemver(['1.0.0-1', '1.0.0-alpha'])).toEqual(['1.0.0-alpha', '1.0.0-1']);
  });

  it('breaks ties between equal versions by name', () => {
    expect(sortBySemver(['v1.2', '1.2.0', '1.2'])).toEqual(['1.2', '1.2.0', 'v1.2']);
  });
});

describe('sortByCreated', () => {
  it('puts the newest first and tags without a date last, by name', () => {
    const created = new Map<string, string | null>([
      ['old', '2020-01-01T00:00:00Z'],
      ['new', '2024-01-01T00:00:00Z'],
      ['b-undated', null],
      ['a-undated', null],
      ['same-b', '2022-01-01T00:00:00Z'],
      ['same-a', '2022-01-01T00:00:00.000Z'],
    ]);
    expect(sortByCreated([...created.keys()], created)).toEqual(['new', 'same-a', 'same-b', 'old', 'a-undated', 'b-undated']);
  });

  it('orders dates microseconds and nanoseconds apart, and across time zones', () => {
    const created = new Map<string, string | null>([
      ['first', '2026-11-29T19:14:14.461775486Z'],
      ['later-by-23-microseconds', '2026-11-29T19:14:14.461798486Z'],
      ['later-by-1-nanosecond', '2026-11-29T19:14:14.461798487Z'],
      ['an-hour-earlier-in-utc', '2026-11-29T19:14:14.5+01:00'],
    ]);
    expect(sortByCreated([...created.keys()], created)).toEqual([
      'later-by-1-nanosecond',
      'later-by-23-microseconds',
      'first',
      'an-hour-earlier-in-utc',
    ]);
  });
});

describe('sortByName', () => {
  it('uses byte order, not the locale', () => {
    expect(sortByName(['b', 'B', 'a', '_x', '1'], false)).toEqual(['1', 'B', '_x', 'a', 'b']);
    expect(sortByName(['a', 'c', 'b'], true)).toEqual(['c', 'b', 'a']);
  });
});
