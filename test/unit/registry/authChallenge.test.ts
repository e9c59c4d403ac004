import { describe, expect, it } from 'vitest';
import { parseChallenges } from '../../../src/registry/auth/challenge.js';

describe('parseChallenges', () => {
  it('reads a Bearer challenge with quoted values holding commas and colons', () => {
    const header = 'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:team/app:pull,push"';
    expect(parseChallenges(header)).toEqual([
      {
        scheme: 'bearer',
        params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:team/app:pull,push' },
      },
    ]);
  });

  it('takes parameters in any order, with spaces around "=" and ",", names in any case', () => {
    const [challenge] = parseChallenges('BEARER  Scope = "registry:catalog:*" ,  Service=registry.example ,REALM="https://a/t"');
    expect(challenge).toEqual({
      scheme: 'bearer',
      params: { scope: 'registry:catalog:*', service: 'registry.example', realm: 'https://a/t' },
    });
  });

  it('separates several challenges in one header and across header values', () => {
    const challenges = parseChallenges([
      'Basic realm="Registry Realm", Bearer realm="https://auth/token",service="svc",error="invalid_token"',
      'Negotiate',
    ]);
    expect(challenges).toEqual([
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
      { scheme: 'bearer', params: { realm: 'https://auth/token', service: 'svc', error: 'invalid_token' } },
      { scheme: 'negotiate', params: {} },
    ]);
  });

  it('unescapes quoted-pairs and keeps commas and "=" inside quotes', () => {
    const [challenge] = parseChallenges('Basic realm="a \\"quoted\\" realm, with = signs"');
    expect(challenge!.params.realm).toBe('a "quoted" realm, with = signs');
  });

  it('reads the token68 form and tells it from a parameter', () => {
    expect(parseChallenges('Negotiate YWJjZGVm==, Basic realm="r"')).toEqual([
      { scheme: 'negotiate', params: {}, token68: 'YWJjZGVm==' },
      { scheme: 'basic', params: { realm: 'r' } },
    ]);
  });

  it('keeps the first of a repeated parameter', () => {
    expect(parseChallenges('Bearer realm="first",realm="second"')[0]!.params.realm).toBe('first');
  });

  it('survives malformed input without throwing', () => {
    expect(parseChallenges(undefined)).toEqual([]);
    expect(parseChallenges('')).toEqual([]);
    expect(parseChallenges(', ,')).toEqual([]);
    expect(parseChallenges('Bearer realm="unterminated')).toEqual([{ scheme: 'bearer', params: { realm: 'unterminated' } }]);
    expect(parseChallenges('"junk", Basic realm=x')).toEqual([{ scheme: 'basic', params: { realm: 'x' } }]);
  });
});
