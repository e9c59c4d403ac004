/**
 * WWW-Authenticate challenges (RFC 7235): `Bearer realm="https://auth.example/token",
 * service="registry.example",scope="repository:a:pull,push"`. Challenges and their parameters
 * are both separated by commas, and quoted values may hold commas too, so the header is read
 * token by token rather than split.
 */

export interface Challenge {
  /** Lowercased: `basic`, `bearer`, ... */
  scheme: string;
  /** Parameters by lowercased name, quoted values unescaped. */
  params: Record<string, string>;
  /** The token68 form (`Negotiate abc==`) some schemes use instead of parameters. */
  token68?: string;
}

const TOKEN_CHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;
const TOKEN68 = /^[A-Za-z0-9._~+/-]+=*/;

/** Every challenge of the header's values, in order; malformed parts are skipped, never thrown. */
export function parseChallenges(header: string | readonly string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  return (typeof header === 'string' ? [header] : header).flatMap((value) => new ChallengeReader(value).readAll());
}

class ChallengeReader {
  private pos = 0;

  constructor(private readonly text: string) {}

  readAll(): Challenge[] {
    const challenges: Challenge[] = [];
    for (;;) {
      this.skip(/[\s,]/);
      if (this.pos >= this.text.length) return challenges;
      const scheme = this.readToken();
      if (scheme === '') {
        // Not a challenge: drop everything up to the next comma.
        this.skipUntilComma();
        continue;
      }
      challenges.push(this.readChallengeBody(scheme.toLowerCase()));
    }
  }

  /** Parameters (or a token68) up to the next challenge's scheme or the end. */
  private readChallengeBody(scheme: string): Challenge {
    const challenge: Challenge = { scheme, params: {} };
    this.skip(/[ \t]/);
    const token68 = TOKEN68.exec(this.text.slice(this.pos))?.[0];
    if (token68 !== undefined && !this.isParameterAt(this.pos)) {
      challenge.token68 = token68;
      this.pos += token68.length;
      return challenge;
    }
    while (this.isParameterAt(this.pos)) {
      const name = this.readToken().toLowerCase();
      this.skip(/[ \t]/);
      this.pos++; // '='
      this.skip(/[ \t]/);
      const value = this.text[this.pos] === '"' ? this.readQuoted() : this.readToken();
      // The first occurrence wins; a repeated parameter makes the challenge ambiguous anyway.
      if (!(name in challenge.params)) challenge.params[name] = value;
      this.skip(/[ \t]/);
      if (this.text[this.pos] !== ',') break;
      // After the comma comes another parameter, or the next challenge's scheme.
      const afterComma = this.pos + 1 + (/^[\s,]*/.exec(this.text.slice(this.pos + 1))?.[0].length ?? 0);
      if (!this.isParameterAt(afterComma)) break;
      this.pos = afterComma;
    }
    this.skipUntilComma();
    return challenge;
  }

  /** Whether `token BWS "=" BWS` starts at position, not followed by another "=" (which would be a token68's padding). */
  private isParameterAt(position: number): boolean {
    const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]*=(?!=)/.exec(this.text.slice(position));
    return match !== null;
  }

  private readToken(): string {
    const start = this.pos;
    while (this.pos < this.text.length && TOKEN_CHAR.test(this.text[this.pos]!)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** A quoted-string from its opening quote, backslash escapes resolved; an unterminated one runs to the end. */
  private readQuoted(): string {
    let value = '';
    this.pos++;
    while (this.pos < this.text.length) {
      const char = this.text[this.pos++]!;
      if (char === '"') return value;
      value += char === '\\' && this.pos < this.text.length ? this.text[this.pos++]! : char;
    }
    return value;
  }

  private skip(pattern: RegExp): void {
    while (this.pos < this.text.length && pattern.test(this.text[this.pos]!)) this.pos++;
  }

  private skipUntilComma(): void {
    while (this.pos < this.text.length && this.text[this.pos] !== ',') {
      if (this.text[this.pos] === '"') this.readQuoted();
      else this.pos++;
    }
  }
}
