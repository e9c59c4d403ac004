/**
 * Authentication toward one registry, driven by its challenges: the transport asks what to send
 * up front, and after a 401 what to retry with. `Basic` gets the configured credentials;
 * `Bearer` gets a token from the challenge's realm for the request's scopes (with the
 * credentials toward the token server when there are any, anonymously otherwise), cached per
 * scope set until shortly before it expires.
 */
import { RegistryError, rephrased } from '../errors.js';
import type { CallContext } from '../types.js';
import { type Challenge, parseChallenges } from './challenge.js';
import type { Credentials } from './credentials.js';
import { type Scope, coversScopes, formatScope, mergeScopes, parseScopeList, scopesKey } from './scope.js';
import { type CachedToken, TokenCache } from './tokenCache.js';
import { TokenResponseError, parseTokenResponse } from './tokenResponse.js';

/** What a request carries: the Authorization header value, and the token behind it when it is one. */
export interface Authorization {
  header: string;
  token?: CachedToken;
}

/**
 * The token server's answer, fetched by the transport (so it is counted, bounded and timed like
 * every request), for the operation whose request needed the token.
 */
export type FetchToken = (url: URL, headers: Record<string, string>, context: CallContext) => Promise<{ body: Buffer; url: string }>;

export interface AuthenticatorOptions {
  /** Base URL of the registry: decides whether a token realm may receive the credentials. */
  registryUrl: string;
  credentials?: Credentials;
  fetchToken: FetchToken;
  now?: () => number;
}

/** The WWW-Authenticate header of a 401, as received. */
type ChallengeHeader = string | string[] | undefined;

/** What the registry's challenges taught: how every later request authenticates. */
type Learned = { scheme: 'basic' } | { scheme: 'bearer'; realm: URL; service: string | undefined };

export class Authenticator {
  private readonly registryProtocol: string;
  private readonly credentials: Credentials | undefined;
  private readonly fetchToken: FetchToken;
  private readonly now: () => number;
  private readonly tokens: TokenCache;
  private learned: Learned | undefined;

  constructor(options: AuthenticatorOptions) {
    this.registryProtocol = new URL(options.registryUrl).protocol;
    this.credentials = options.credentials;
    this.fetchToken = options.fetchToken;
    this.now = options.now ?? Date.now;
    this.tokens = new TokenCache(this.now);
  }

  /**
   * What to send with a request needing scopes, before any 401: nothing until the registry has
   * challenged once; then the credentials (Basic) or a token for the scopes (Bearer), fetched
   * now when none is cached, which saves the round trip of a 401.
   */
  async authorize(scopes: Scope[], context: CallContext = {}): Promise<Authorization | undefined> {
    const learned = this.learned;
    if (learned?.scheme === 'basic') return this.basic();
    if (learned?.scheme === 'bearer') return this.bearer(learned, scopes, scopes, context);
    return undefined;
  }

  /**
   * What to retry with after the registry answered 401 with these challenges, or undefined when
   * nothing better than what was sent can be tried.
   */
  async answer(
    header: ChallengeHeader,
    scopes: Scope[],
    sent: Authorization | undefined,
    context: CallContext = {},
  ): Promise<Authorization | undefined> {
    const challenges = parseChallenges(header);
    const bearer = challenges.find((challenge) => challenge.scheme === 'bearer' && challenge.params.realm !== undefined);
    if (bearer) {
      const learned = this.learnBearer(bearer);
      if (sent?.token) this.tokens.discard(scopesKey(scopes), sent.token.token);
      const needed = mergeScopes(scopes, parseScopeList(bearer.params.scope));
      // The token server was asked for all of it already and granted less: asking again changes nothing.
      const deniedAlready = sent?.token && bearer.params.error === 'insufficient_scope' && coversScopes(sent.token.requested, needed);
      if (deniedAlready) return undefined;
      return this.bearer(learned, scopes, needed, context);
    }
    const basic = challenges.some((challenge) => challenge.scheme === 'basic');
    if (basic && this.credentials && sent === undefined) {
      this.learned = { scheme: 'basic' };
      return this.basic();
    }
    return undefined;
  }

  /** The error for a request the registry still refuses (401), saying why in terms a user can act on. */
  refusal(error: RegistryError, header: ChallengeHeader, scopes: Scope[], sent: Authorization | undefined): RegistryError {
    const challenges = parseChallenges(header);
    const bearer = challenges.find((challenge) => challenge.scheme === 'bearer');
    let kind: 'UNAUTHORIZED' | 'DENIED' = 'UNAUTHORIZED';
    let reason: string;
    if (bearer?.params.error === 'insufficient_scope') {
      const needed = mergeScopes(scopes, parseScopeList(bearer.params.scope)).map(formatScope).join(' ') || 'access';
      if (this.credentials) {
        kind = 'DENIED';
        reason = `the token server did not grant ${needed} to the configured user`;
      } else {
        reason = `anonymous access does not include ${needed}; no credentials are configured for this registry`;
      }
    } else if (sent?.token) {
      reason = 'the registry did not accept the token from its token server';
    } else if (sent && this.credentials) {
      reason = `the registry refused the credentials from ${this.credentials.source}`;
    } else if (challenges.some((challenge) => challenge.scheme === 'basic' || challenge.scheme === 'bearer')) {
      reason = 'the registry requires credentials and none are configured for it';
    } else {
      const schemes = challenges.map((challenge) => challenge.scheme).join(', ');
      reason = schemes
        ? `the registry asks for ${schemes} authentication, which the gateway does not support`
        : 'the registry sent no challenge';
    }
    return withMessage(error, `${error.message} (${reason})`, kind);
  }

  private basic(): Authorization | undefined {
    return this.credentials ? { header: this.credentials.basicAuthorization() } : undefined;
  }

  private learnBearer(challenge: Challenge): Learned & { scheme: 'bearer' } {
    const realm = URL.canParse(challenge.params.realm!) ? new URL(challenge.params.realm!) : undefined;
    if (realm?.protocol !== 'https:' && realm?.protocol !== 'http:') {
      const message = `the registry names an unusable token realm "${challenge.params.realm!.slice(0, 200)}"`;
      throw new RegistryError({ kind: 'PROTOCOL', message });
    }
    // Credentials go to a realm over plain HTTP only when the registry itself is reached that way.
    if (realm.protocol === 'http:' && this.registryProtocol === 'https:' && this.credentials) {
      const message = `the registry names a token realm without TLS (${realm.origin}); credentials are not sent there`;
      throw new RegistryError({ kind: 'PROTOCOL', message });
    }
    const learned = { scheme: 'bearer' as const, realm, service: challenge.params.service };
    this.learned = learned;
    return learned;
  }

  /** A token for scopes (the cache key), asked for with needed (scopes plus what a challenge added). */
  private async bearer(
    learned: Learned & { scheme: 'bearer' },
    scopes: Scope[],
    needed: Scope[],
    context: CallContext,
  ): Promise<Authorization> {
    const obtain = () => this.tokens.obtain(scopesKey(scopes), () => this.requestToken(learned, needed, context));
    let token: CachedToken;
    try {
      token = await obtain();
    } catch (error) {
      // Not the registry's failure but the refusal of the operation that asked first (its call
      // budget, its cancellation): this operation asks for itself.
      if (error instanceof RegistryError) throw error;
      token = await obtain();
    }
    return { header: `Bearer ${token.token}`, token };
  }

  private async requestToken(
    { realm, service }: Learned & { scheme: 'bearer' },
    scopes: Scope[],
    context: CallContext,
  ): Promise<CachedToken> {
    const url = new URL(realm);
    if (service !== undefined) url.searchParams.set('service', service);
    for (const scope of scopes) url.searchParams.append('scope', formatScope(scope));
    const headers: Record<string, string> = this.credentials ? { authorization: this.credentials.basicAuthorization() } : {};
    let response: Awaited<ReturnType<FetchToken>>;
    try {
      response = await this.fetchToken(url, headers, context);
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      const who = this.credentials ? `with the credentials from ${this.credentials.source}` : 'without credentials';
      throw withMessage(error, `token request ${who} failed: ${error.message}`);
    }
    try {
      return { ...parseTokenResponse(JSON.parse(response.body.toString('utf8')), this.now()), requested: scopes };
    } catch (error) {
      const detail = error instanceof TokenResponseError ? error.message : 'the token server did not answer with JSON';
      throw new RegistryError({ kind: 'PROTOCOL', message: `token request: ${detail}`, url: response.url });
    }
  }
}

function withMessage(error: RegistryError, message: string, kind = error.kind): RegistryError {
  return rephrased(error, message, { kind });
}
