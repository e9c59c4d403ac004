/** Quoting input in a message: at most QUOTED_LENGTH characters of it, so no answer or log line grows with what a caller sends. */
export const QUOTED_LENGTH = 100;

export function quote(value: string, max = QUOTED_LENGTH): string {
  if (value.length <= max) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, max))}… (${value.length} characters)`;
}
