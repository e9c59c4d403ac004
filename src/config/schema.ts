/**
 * The configuration file's grammar (YAML or JSON), with every default; docs/configuration in the
 * README lists the same keys. Checking secrets and reading them is parse.ts's business.
 */
import { z } from 'zod';
import { ACCESS_SCOPES } from '../access.js';
import { isValidRepositoryName } from '../registry/reference.js';
import { DEFAULT_RETRY_POLICY } from '../registry/retry.js';
import { DEFAULT_LIST_LIMITS } from '../registry/tags.js';

const MiB = 1024 * 1024;

/** Long enough that guessing is hopeless; `openssl rand -hex 32` gives 64 characters. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * A shared secret (an access token, the registry's notification secret, the metrics token):
 * inline, from an environment variable or from a file, exactly one of them. Messages never
 * include the secret: zod's own messages do not echo values, and ours neither.
 */
const secretFields = {
  token: z.string().min(MIN_TOKEN_LENGTH, `at least ${MIN_TOKEN_LENGTH} characters`).regex(/^\S+$/, 'no whitespace').optional(),
  /** Name of an environment variable holding the secret. */
  tokenEnv: z.string().min(1).optional(),
  /** A file holding the secret (surrounding whitespace ignored). */
  tokenFile: z.string().min(1).optional(),
};

export type SecretEntry = { token?: string | undefined; tokenEnv?: string | undefined; tokenFile?: string | undefined };

const oneSecret = [
  (entry: SecretEntry) => [entry.token, entry.tokenEnv, entry.tokenFile].filter((source) => source !== undefined).length === 1,
  'exactly one of token, tokenEnv and tokenFile',
] as const;

const registrySchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-", starting with a letter or digit'),
    url: z
      .url({ protocol: /^https?$/, error: 'an http:// or https:// URL' })
      .refine((url) => !/^https?:\/\/[^/]*@/.test(url), 'a URL without user:password@ (credentials are configured separately)')
      .transform((url) => url.replace(/\/+$/, '')),
    /** Upstream requests in flight at once toward this registry. */
    concurrency: z.int().min(1).max(256).default(16),
    /** Deadline of each attempt of an upstream request, headers and body together. */
    timeoutMs: z.int().min(100).max(600_000).default(30_000),
    /** When failed reads are tried again (connection errors, 429, 502, 503, 504). */
    retry: z
      .object({
        attempts: z.int().min(1).max(10).default(DEFAULT_RETRY_POLICY.attempts),
        baseDelayMs: z.int().min(0).max(60_000).default(DEFAULT_RETRY_POLICY.baseDelayMs),
        maxDelayMs: z.int().min(0).max(300_000).default(DEFAULT_RETRY_POLICY.maxDelayMs),
        maxTotalWaitMs: z.int().min(0).max(600_000).default(DEFAULT_RETRY_POLICY.maxTotalWaitMs),
      })
      .strict()
      .prefault({}),
    /** How the gateway logs in; without it, the Docker config's entry for the registry's host, if any. */
    auth: z
      .object({
        username: z
          .string()
          .min(1)
          .regex(/^[^:]*$/, 'no ":" (HTTP Basic authentication cannot carry it)')
          .optional(),
        password: z.string().min(1).optional(),
        passwordEnv: z.string().min(1).optional(),
        passwordFile: z.string().min(1).optional(),
        dockerConfig: z.literal(true).optional(),
        anonymous: z.literal(true).optional(),
      })
      .strict()
      .superRefine((auth, ctx) => {
        const ways = [auth.username, auth.dockerConfig, auth.anonymous].filter((way) => way !== undefined);
        if (ways.length !== 1) {
          ctx.addIssue({ code: 'custom', message: 'exactly one of username (with a password), dockerConfig: true and anonymous: true' });
        }
        const passwords = (['password', 'passwordEnv', 'passwordFile'] as const).filter((key) => auth[key] !== undefined);
        if (auth.username !== undefined && passwords.length !== 1) {
          ctx.addIssue({
            code: 'custom',
            path: ['username'],
            message: 'exactly one of password, passwordEnv and passwordFile goes with it',
          });
        }
        if (auth.username === undefined) {
          for (const key of passwords) ctx.addIssue({ code: 'custom', path: [key], message: 'only with username' });
        }
      })
      .optional(),
    /**
     * The registry posts its events (distribution's notifications) to /notifications/<name>
     * with this secret as a bearer token; the gateway then keeps what it read until an event
     * says it changed, or maxStalenessMs passed.
     */
    notifications: z
      .object({
        ...secretFields,
        /** How long what was read stays trusted without an event: the registry loses undelivered events when it restarts. */
        maxStalenessMs: z.int().min(0).max(86_400_000).default(300_000),
      })
      .strict()
      .refine(...oneSecret)
      .optional(),
    /** The repositories to list, for registries without a usable catalog; sorted, as the catalog would be. */
    repositories: z
      .array(z.string().refine(isValidRepositoryName, 'a repository name (lowercase components of [a-z0-9._-] separated by "/")'))
      .min(1, 'at least one repository (or leave the key out to read the catalog)')
      .transform((names) => [...new Set(names)].sort())
      .optional(),
  })
  .strict();

const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const accessTokenSchema = z
  .object({
    /** Shown in FORBIDDEN messages and logs instead of the token. */
    name: z.string().regex(TOKEN_NAME, 'letters, digits, ".", "_" and "-", starting with a letter or digit'),
    scopes: z.array(z.enum(ACCESS_SCOPES)).min(1, `at least one of ${ACCESS_SCOPES.join(', ')}`),
    ...secretFields,
  })
  .strict()
  .refine(...oneSecret);

export const configSchema = z
  .object({
    registries: z.array(registrySchema).min(1, 'at least one registry'),
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.int().min(0).max(65535).default(4000),
        /** GET /metrics (Prometheus); with a token, only for requests bearing it. */
        metrics: z
          .object({ enabled: z.boolean().default(true), ...secretFields })
          .strict()
          .refine((metrics) => [metrics.token, metrics.tokenEnv, metrics.tokenFile].filter((source) => source !== undefined).length <= 1, {
            message: 'at most one of token, tokenEnv and tokenFile',
          })
          .prefault({}),
        /** Bytes a request body may have; a GraphQL query is rarely more than a few KiB. */
        maxRequestBytes: z
          .int()
          .min(1024)
          .default(1 * MiB),
        /**
         * Least time between two asks of the executor for the next part of a @defer or @stream
         * answer (multipart/mixed, SSE, graphql-ws): a part carries what completed since the one
         * before. 0: each part asked for as soon as the one before is sent.
         */
        incrementalPartIntervalMs: z.int().min(0).max(10_000).default(50),
        /** Web pages of other origins that may call the gateway from a browser; none by default. */
        cors: z
          .object({
            origins: z
              .array(z.union([z.literal('*'), z.url({ protocol: /^https?$/, error: 'an origin such as https://app.example' })]))
              .default([]),
            /** Browsers send cookies and Authorization to the gateway from those origins. Not with "*". */
            credentials: z.boolean().default(false),
          })
          .strict()
          .prefault({})
          .refine((cors) => !(cors.credentials && cors.origins.includes('*')), {
            message: 'credentials: true needs a list of origins, not "*" (any site could then act with the user\'s credentials)',
          })
          .transform((cors) => ({ ...cors, origins: cors.origins.map((origin) => (origin === '*' ? origin : new URL(origin).origin)) })),
        /** The registry browser at `/`; GraphiQL stays at /graphql either way. */
        ui: z
          .object({
            enabled: z.boolean().default(true),
            /** The built UI; default: dist/ui of this installation (`npm run build` makes it). */
            directory: z.string().min(1).optional(),
          })
          .strict()
          .prefault({}),
        /**
         * Operations sent as the SHA-256 of their text. automatic: Apollo's automatic persisted
         * queries (a client sends the hash, and the text once when told PERSISTED_QUERY_NOT_FOUND);
         * trusted: only the operations the project ships and those of `documents`; off: neither.
         */
        persistedQueries: z
          .object({
            mode: z.enum(['automatic', 'trusted', 'off']).default('automatic'),
            /** Files of further trusted documents: persisted-documents.json as graphql-codegen's client preset writes it. */
            documents: z.array(z.string().min(1)).default([]),
            /** Bytes of operation text automatic persisted queries keep; the least recently used go first. */
            maxStoredBytes: z
              .int()
              .min(0)
              .default(16 * MiB),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    cache: z
      .object({
        /** Process-wide cache of content addressed by digest (manifests, image configs). */
        maxBytes: z
          .int()
          .min(0)
          .default(64 * MiB),
      })
      .strict()
      .prefault({}),
    limits: z
      .object({
        maxManifestBytes: z
          .int()
          .min(1024)
          .default(4 * MiB),
        maxConfigBytes: z
          .int()
          .min(1024)
          .default(8 * MiB),
        /** Bytes of one blob uploaded through the gateway (uploadBlob, or an upload over all its chunks). */
        maxUploadBytes: z
          .int()
          .min(1)
          .default(10 * 1024 * MiB),
        /** Upstream calls an operation may make: refused beforehand when expected to exceed it, stopped when it does. */
        maxQueryCost: z.int().min(1).default(100_000),
        /** Time an operation may take; then its upstream requests are aborted. */
        maxQueryMs: z.int().min(100).max(3_600_000).default(60_000),
        /** Pages of one tag list the gateway follows. */
        maxListPages: z.int().min(1).default(DEFAULT_LIST_LIMITS.maxPages),
        /** Bytes of one tag list over all its pages. */
        maxListBytes: z.int().min(1024).default(DEFAULT_LIST_LIMITS.maxBytes),
        /** Field nesting a query may have (introspection not counted). */
        maxDepth: z.int().min(1).default(15),
        /** Aliased fields a query may have. */
        maxAliases: z.int().min(0).default(50),
        /** Deferred fragments and streamed items an answer may be expected to deliver. */
        maxIncrementalParts: z.int().min(0).default(1000),
      })
      .strict()
      .prefault({}),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Shared by replicas of the gateway: the digest cache, freshness, events, persisted queries. Without it, all stays in the process. */
    redis: z
      .object({
        url: z.url({ protocol: /^rediss?$/, error: 'a redis:// or rediss:// URL' }),
        /** Before every key, so that several gateways (or other programs) can share one Redis. */
        keyPrefix: z.string().min(1).max(100).default('regql:'),
      })
      .strict()
      .optional(),
    /** Bearer tokens for writes (and, with requireReadToken, reads); none: the gateway is read-only. */
    access: z
      .object({
        tokens: z.array(accessTokenSchema).default([]),
        requireReadToken: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    const tokenNames = new Set<string>();
    config.access.tokens.forEach((token, index) => {
      if (tokenNames.has(token.name)) {
        ctx.addIssue({ code: 'custom', path: ['access', 'tokens', index, 'name'], message: `duplicate token name "${token.name}"` });
      }
      tokenNames.add(token.name);
    });
    if (config.access.requireReadToken && !config.access.tokens.some((token) => token.scopes.includes('read'))) {
      ctx.addIssue({
        code: 'custom',
        path: ['access', 'requireReadToken'],
        message: 'no token has the read scope, so nothing could query the gateway',
      });
    }
    const seen = new Set<string>();
    config.registries.forEach((registry, index) => {
      if (seen.has(registry.name)) {
        ctx.addIssue({ code: 'custom', path: ['registries', index, 'name'], message: `duplicate registry name "${registry.name}"` });
      }
      seen.add(registry.name);
    });
  });

export type ParsedConfig = z.output<typeof configSchema>;
export type AccessTokenEntry = z.output<typeof accessTokenSchema>;
/** What a caller may write: every default filled in by parseConfig. */
export type GatewayConfigInput = z.input<typeof configSchema>;
