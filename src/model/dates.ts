/**
 * Dates as the registry's documents write them: RFC 3339 date-times, kept as written (a config's
 * `created` has nanoseconds, which a JavaScript Date would cut to milliseconds) and ordered to the
 * last digit.
 */
import { quote } from '../util/quote.js';
import { GatewayError } from './errors.js';

const RFC_3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Whether value is an RFC 3339 date-time (section 5.6) naming a real instant. */
export function isRfc3339(value: string): boolean {
  const match = RFC_3339.exec(value);
  if (!match) return false;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  const date = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!));
  // Date.UTC rolls 31 February over into March: a real date comes back as written.
  return date.getUTCMonth() === month! - 1 && date.getUTCDate() === day! && hour! < 24 && minute! < 60 && second! <= 60;
}

/** The value when it is an RFC 3339 date-time, else null: a date is never guessed. */
export function rfc3339OrNull(value: unknown): string | null {
  return typeof value === 'string' && isRfc3339(value) ? value : null;
}

/** Newest first, to the last digit of the fraction; a and b are RFC 3339. */
export function compareNewestFirst(a: string, b: string): number {
  const [msA, fractionA] = instant(a);
  const [msB, fractionB] = instant(b);
  return msB - msA || (fractionB > fractionA ? 1 : fractionB < fractionA ? -1 : 0);
}

/** Milliseconds since the epoch, and the digits of the fraction past the milliseconds, padded to compare as text. */
function instant(value: string): [number, string] {
  const fraction = /\.(\d+)/.exec(value)?.[1] ?? '';
  return [Date.parse(value), fraction.slice(3).padEnd(12, '0')];
}

/**
 * A date field of a registry's document for an answer: null when absent, the value when it is
 * RFC 3339, and otherwise an UPSTREAM_INVALID failure of that field (the registry's data is
 * wrong; a date is never guessed).
 */
export function documentDate(value: unknown, what: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string' && isRfc3339(value)) return value;
  const shown = typeof value === 'string' ? quote(value) : typeof value;
  throw new GatewayError('UPSTREAM_INVALID', `${what} is not an RFC 3339 date-time: ${shown}`);
}
