/** The login the transport sends (src/config/credentials.ts says where it comes from). */
import { inspect } from 'node:util';

/**
 * A username and password. The password cannot be read back, only turned into an Authorization
 * header, and neither shows when the object is logged or serialized.
 */
export class Credentials {
  readonly #username: string;
  readonly #password: string;
  /** Where they came from (never the secret), for messages. */
  readonly source: string;

  constructor(username: string, password: string, source: string) {
    this.#username = username;
    this.#password = password;
    this.source = source;
  }

  /** The `Authorization` header value for HTTP Basic authentication. */
  basicAuthorization(): string {
    return `Basic ${Buffer.from(`${this.#username}:${this.#password}`, 'utf8').toString('base64')}`;
  }

  toJSON(): string {
    return this.toString();
  }

  toString(): string {
    return `[credentials from ${this.source}]`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
