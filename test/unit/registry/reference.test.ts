import { describe, expect, it } from 'vitest';
import {
  InvalidReferenceError,
  assertTagOrDigest,
  isDigest,
  isValidDigest,
  isValidRepositoryName,
  isValidTag,
  parseReference,
} from '../../../src/registry/reference.js';

const SHA256 = `sha256:${'a'.repeat(64)}`;
const SHA512 = `sha512:${'0123456789abcdef'.repeat(8)}`;

describe('isValidRepositoryName', () => {
  it.each([
    ['library/alpine', true],
    ['a', true],
    ['a0/b1/c2', true],
    ['my.repo', true],
    ['my_repo', true],
    ['my__repo', true],
    ['my-repo', true],
    ['my---repo', true],
    ['a'.repeat(255), true],
    ['a'.repeat(256), false],
    ['', false],
    ['Alpine', false],
    ['my___repo', false],
    ['my..repo', false],
    ['-repo', false],
    ['repo-', false],
    ['.repo', false],
    ['a//b', false],
    ['/a', false],
    ['a/', false],
    ['localhost:5000/a', false],
    ['a:tag', false],
    ['a@sha256:abc', false],
    ['a b', false],
  ])('%s → %s', (name, valid) => {
    expect(isValidRepositoryName(name)).toBe(valid);
  });
});

describe('isValidTag', () => {
  it.each([
    ['latest', true],
    ['v1.2.3-rc_1', true],
    ['_private', true],
    ['A', true],
    ['x'.repeat(128), true],
    ['x'.repeat(129), false],
    ['', false],
    ['.hidden', false],
    ['-dash', false],
    ['a:b', false],
    ['a/b', false],
    ['ünïcode', false],
  ])('%s → %s', (tag, valid) => {
    expect(isValidTag(tag)).toBe(valid);
  });
});

describe('isValidDigest', () => {
  it.each([
    [SHA256, true],
    [SHA512, true],
    [`sha256:${'A'.repeat(64)}`, false],
    [`sha256:${'a'.repeat(63)}`, false],
    [`sha256:${'g'.repeat(64)}`, false],
    [`sha512:${'a'.repeat(64)}`, false],
    [`md5:${'a'.repeat(32)}`, false],
    ['sha256', false],
    [`:${'a'.repeat(64)}`, false],
  ])('%s → %s', (digest, valid) => {
    expect(isValidDigest(digest)).toBe(valid);
  });
});

describe('isDigest', () => {
  it('tells a digest from a tag by its shape', () => {
    expect(isDigest(SHA256)).toBe(true);
    expect(isDigest('md5:abc')).toBe(true);
    expect(isDigest('latest')).toBe(false);
  });
});

describe('assertTagOrDigest', () => {
  it.each([
    ['latest', undefined],
    [SHA256, undefined],
    ['md5:abc', /invalid digest "md5:abc": unsupported algorithm "md5"/],
    [`sha256:${'A'.repeat(64)}`, /sha256 needs exactly 64 lowercase hex characters/],
    ['.bad', /invalid tag "\.bad": must start with/],
  ])('%s', (reference, message) => {
    if (message === undefined) expect(() => assertTagOrDigest(reference)).not.toThrow();
    else expect(() => assertTagOrDigest(reference)).toThrow(message);
  });
});

describe('parseReference', () => {
  it.each([
    ['alpine', { repository: 'alpine' }],
    ['library/alpine:3.20', { repository: 'library/alpine', tag: '3.20' }],
    [`library/alpine@${SHA256}`, { repository: 'library/alpine', digest: SHA256 }],
    [`alpine:3.20@${SHA512}`, { repository: 'alpine', tag: '3.20', digest: SHA512 }],
  ])('%s', (reference, parsed) => {
    expect(parseReference(reference)).toEqual(parsed);
  });

  it.each([
    ['', 'reference', /repository name is missing/],
    [':latest', 'reference', /repository name is missing/],
    ['Alpine:latest', 'repository', /path component "Alpine" must be lowercase/],
    ['localhost:5000/alpine', 'repository', /must not contain a registry host/],
    ['alpine:', 'tag', /invalid tag ""/],
    ['alpine:-x', 'tag', /must start with a letter/],
    ['alpine@sha256:abc', 'digest', /sha256 needs exactly 64/],
    [`alpine@sha1:${'a'.repeat(40)}`, 'digest', /unsupported algorithm "sha1"/],
    [`alpine@${SHA256}@${SHA256}`, 'digest', /sha256 needs exactly 64/],
    ['alpine@latest', 'digest', /expected 'algorithm:hex'/],
  ])('rejects %s (bad %s)', (reference, part, message) => {
    const error = captureError(() => parseReference(reference));
    expect(error).toBeInstanceOf(InvalidReferenceError);
    expect(error).toMatchObject({ name: 'InvalidReferenceError', part });
    expect((error as Error).message).toMatch(message);
  });
});

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
