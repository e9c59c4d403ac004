/** What went wrong, in words, from the API's error codes. */
const EXPLANATIONS: Record<string, string> = {
  NETWORK: 'The gateway did not answer. Is it running?',
  UPSTREAM_UNAVAILABLE: 'The registry did not answer: it may be down or overloaded.',
  UPSTREAM_RATE_LIMITED: 'The registry asks to slow down (rate limited). Try again in a moment.',
  UPSTREAM_UNAUTHORIZED: 'The registry refused the gateway’s credentials: an operator needs to fix the gateway’s registry login.',
  UPSTREAM_DENIED: 'The registry does not allow the gateway this.',
  UPSTREAM_INVALID: 'The registry sent something that is not valid.',
  UPSTREAM_TOO_LARGE: 'The registry sent a document larger than the gateway accepts.',
  DIGEST_MISMATCH: 'The registry sent content that does not match its digest.',
  UNAUTHENTICATED: 'This needs an access token: enter one under “Access token”.',
  FORBIDDEN: 'Your access token lacks the scope for this.',
  NOT_FOUND: 'Not found.',
  BAD_USER_INPUT: 'The input is not valid.',
  CONFLICT: 'The registry changed meanwhile; reload and try again.',
  UNSUPPORTED: 'The registry does not offer this (for example, deleting is disabled).',
  QUERY_TOO_COSTLY: 'This would ask the registry too much at once: use a smaller page or a prefix.',
  PERSISTED_QUERY_NOT_IN_LIST: 'The gateway runs only trusted operations, and this one is not among them.',
};

export function explain(code: string): string {
  return EXPLANATIONS[code] ?? 'Something went wrong.';
}
