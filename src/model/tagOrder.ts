/** Tag orders that don't trust the registry's listing order (distribution 2.8 lists tags unsorted). */
import { compareNewestFirst } from './dates.js';

export type TagOrderName = 'NAME_ASC' | 'NAME_DESC' | 'SEMVER_DESC' | 'CREATED_DESC';

/** Byte order, like the registry's catalog; locale-independent so cursors stay stable. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Version {
  numbers: number[];
  prerelease: string[] | undefined;
}

/**
 * Versions as tags spell them: an optional "v", one to three dot-separated numbers (1, 1.2,
 * 1.2.3: images are often tagged by minor version), an optional -prerelease and +build.
 */
export function parseVersionTag(tag: string): Version | undefined {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(tag);
  if (!match) return undefined;
  const numbers = [match[1], match[2], match[3]].map((part) => (part === undefined ? 0 : Number(part)));
  return { numbers, prerelease: match[4]?.split('.') };
}

/** Semantic Versioning 2.0 precedence, newest first. */
function compareVersionsDescending(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) {
    const difference = b.numbers[i]! - a.numbers[i]!;
    if (difference !== 0) return difference;
  }
  if (!a.prerelease || !b.prerelease) return (a.prerelease ? 1 : 0) - (b.prerelease ? 1 : 0);
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    const xNumeric = /^\d+$/.test(x);
    const yNumeric = /^\d+$/.test(y);
    if (xNumeric && yNumeric && Number(x) !== Number(y)) return Number(y) - Number(x);
    if (xNumeric !== yNumeric) return xNumeric ? 1 : -1;
    if (x !== y) return compareNames(y, x);
  }
  return 0;
}

/** Versions newest first (ties, such as 1.2 and 1.2.0, by name), then the other tags by name. */
export function sortBySemver(tags: readonly string[]): string[] {
  const versions = new Map(tags.map((tag) => [tag, parseVersionTag(tag)]));
  return [...tags].sort((a, b) => {
    const va = versions.get(a);
    const vb = versions.get(b);
    if (va && vb) return compareVersionsDescending(va, vb) || compareNames(a, b);
    if (va || vb) return va ? -1 : 1;
    return compareNames(a, b);
  });
}

/** Newest first, to the last digit of the dates (RFC 3339); tags without a date last, by name. */
export function sortByCreated(tags: readonly string[], created: ReadonlyMap<string, string | null>): string[] {
  return [...tags].sort((a, b) => {
    const da = created.get(a) ?? undefined;
    const db = created.get(b) ?? undefined;
    if (da !== undefined && db !== undefined) return compareNewestFirst(da, db) || compareNames(a, b);
    if ((da === undefined) !== (db === undefined)) return da === undefined ? 1 : -1;
    return compareNames(a, b);
  });
}

export function sortByName(tags: readonly string[], descending: boolean): string[] {
  const sorted = [...tags].sort(compareNames);
  return descending ? sorted.reverse() : sorted;
}
