/**
 * Secrets named by the configuration: an environment variable or a file holding a password or
 * an access token. One rule for both: surrounding whitespace (the newline `echo` and editors
 * write, a stray space) is not part of the secret. Messages name the variable or the file,
 * never what it holds.
 */
import { readFileSync } from 'node:fs';

/** Where a secret is: exactly one of the two. */
export type SecretSource = { env: string } | { file: string };

/** A secret that cannot be read; `from` says which kind of source failed. */
export class SecretSourceError extends Error {
  override name = 'SecretSourceError';
  constructor(
    readonly from: 'env' | 'file',
    message: string,
  ) {
    super(message);
  }
}

export function readSecret(source: SecretSource, env: Readonly<Record<string, string | undefined>>): string {
  if ('env' in source) {
    const value = env[source.env]?.trim();
    if (!value) throw new SecretSourceError('env', `environment variable ${source.env} is not set`);
    return value;
  }
  let text: string;
  try {
    text = readFileSync(source.file, 'utf8');
  } catch (error) {
    throw new SecretSourceError('file', `cannot read ${source.file}: ${(error as NodeJS.ErrnoException).code ?? 'read error'}`);
  }
  const value = text.trim();
  if (value === '') throw new SecretSourceError('file', `${source.file} is empty`);
  return value;
}
