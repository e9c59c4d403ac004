/**
 * The registry client against a registry that misbehaves (test/support/fakeRegistry.ts): retries,
 * deadlines, cancellation, counting, and lists of any size. Waits between retries go through a
 * clock whose sleeps return at once and are recorded.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RegistryClient, type RegistryClientOptions } from '../../src/registry/client.js';
import { RegistryError } from '../../src/registry/errors.js';
import type { Clock, UpstreamRequestEvent } from '../../src/registry/types.js';
import { fakeImage, fakeRepository, startFakeRegistry, type FakeRegistry } from '../support/fakeRegistry.js';

const image = fakeImage('2026-01-01T00:00:00Z');
let registry: FakeRegistry;
let sleeps: number[];
const clock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    sleeps.push(ms);
    if (signal?.aborted) throw signal.reason;
  },
};

beforeAll(async () => {
  registry = await startFakeRegistry(new Map([['team/app', fakeRepository(['v1'], [image])]]));
});
afterAll(() => registry.stop());
beforeEach(() => {
  registry.intercept = undefined;
  registry.requests.length = 0;
  sleeps = [];
});

function client(options: Partial<RegistryClientOptions> = {}): RegistryClient {
  return new RegistryClient({
    name: 'fake',
    url: registry.url,
    concurrency: 1,
    timeoutMs: 2_000,
    maxManifestBytes: 1024 * 1024,
    maxBlobBytes: 1024 * 1024,
    clock,
    random: () => 0.5,
    ...options,
  });
}

async function using<T>(options: Partial<RegistryClientOptions>, use: (client: RegistryClient) => Promise<T>): Promise<T> {
  const created = client(options);
  try {
    return await use(created);
  } finally {
    await created.close();
  }
}

/** Answers the first `count` requests with `status` (and headers), then lets the content answer. */
function failFirst(count: number, status: number, headers: Record<string, string> = {}) {
  let failed = 0;
  registry.intercept = (_request, response) => {
    if (failed >= count) return false;
    failed++;
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify({ errors: [{ code: status === 429 ? 'TOOMANYREQUESTS' : 'UNAVAILABLE', message: 'not now' }] }));
    return true;
  };
}

describe('retries', () => {
  it('tries a read again after a burst of 503s, waiting longer each time', async () => {
    failFirst(2, 503);
    const manifest = await using({}, (c) => c.manifestGet('team/app', 'v1'));
    expect(manifest.digest).toBe(image.digest);
    expect(registry.requests.map(({ method }) => method)).toEqual(['GET', 'GET', 'GET']);
    expect(sleeps).toEqual([150, 300]);
  });

  it("waits for a 429's Retry-After, in seconds or as an HTTP date", async () => {
    failFirst(1, 429, { 'retry-after': '2' });
    await using({}, (c) => c.manifestHead('team/app', 'v1'));
    expect(sleeps).toEqual([2000]);
    sleeps = [];
    failFirst(1, 429, { 'retry-after': new Date(Date.now() + 4_000).toUTCString() });
    await using({}, (c) => c.manifestHead('team/app', 'v1'));
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(2_000);
    expect(sleeps[0]).toBeLessThanOrEqual(4_000);
  });

  it('gives up at once when Retry-After asks for longer than the policy allows', async () => {
    failFirst(1, 429, { 'retry-after': '3600' });
    await expect(using({}, (c) => c.manifestHead('team/app', 'v1'))).rejects.toMatchObject({
      kind: 'RATE_LIMITED',
      retryAfterMs: 3_600_000,
    });
    expect(registry.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('stops after the configured attempts with the last failure', async () => {
    failFirst(10, 503);
    const error = await using({ retry: { attempts: 4, baseDelayMs: 10, maxDelayMs: 1000, maxTotalWaitMs: 10_000 } }, (c) =>
      c.manifestGet('team/app', 'v1'),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'UNAVAILABLE', status: 503 });
    expect(registry.requests).toHaveLength(4);
  });

  it('never repeats a write the registry may have applied', async () => {
    failFirst(1, 503);
    await expect(using({}, (c) => c.manifestPut('team/app', 'v2', image.manifest.bytes, image.manifest.mediaType))).rejects.toMatchObject({
      kind: 'UNAVAILABLE',
    });
    expect(registry.requests.map(({ method }) => method)).toEqual(['PUT']);
  });

  it('tries again after a connection reset', async () => {
    let reset = false;
    registry.intercept = (request) => {
      if (reset) return false;
      reset = true;
      request.socket.destroy();
      return true;
    };
    expect((await using({}, (c) => c.manifestHead('team/app', 'v1'))).digest).toBe(image.digest);
    expect(registry.requests).toHaveLength(2);
  });
});

describe('deadlines', () => {
  it('aborts a body that drips, at the deadline for headers and body together, and frees the connection', async () => {
    registry.intercept = (request, response) => {
      if (request.method !== 'GET' || !request.url!.includes('/manifests/')) return false;
      response.writeHead(200, { 'content-type': image.manifest.mediaType, 'content-length': image.manifest.bytes.length });
      let sent = 0;
      const drip = setInterval(() => {
        if (sent < image.manifest.bytes.length && !response.destroyed) response.write(image.manifest.bytes.subarray(sent, ++sent));
        else clearInterval(drip);
      }, 50);
      response.on('close', () => clearInterval(drip));
      return true;
    };
    // One connection: the HEAD after the dripping GET can only be served if the GET's connection was given up.
    await using({ timeoutMs: 300 }, async (c) => {
      const error = await c.manifestGet('team/app', 'v1').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RegistryError);
      expect(error).toMatchObject({
        kind: 'UNAVAILABLE',
        timedOut: true,
        message: expect.stringContaining('no complete answer within 300 ms'),
      });
      expect((await c.manifestHead('team/app', 'v1')).digest).toBe(image.digest);
    });
    expect(registry.requests.map(({ method, abandoned }) => [method, abandoned])).toEqual([
      ['GET', true],
      ['HEAD', false],
    ]);
  });
});

describe('the bound on requests in flight', () => {
  it('starts the deadline when a request gets its slot, not while it waits behind a slow one', async () => {
    let stalled = false;
    registry.intercept = (request) => {
      if (stalled || !request.url!.includes('/manifests/')) return false;
      stalled = true;
      return true; // the first manifest request never gets an answer
    };
    await using({ concurrency: 1, timeoutMs: 300 }, async (c) => {
      const [first, second] = await Promise.allSettled([c.manifestGet('team/app', 'v1'), c.manifestHead('team/app', 'v1')]);
      expect(first).toMatchObject({ status: 'rejected', reason: { timedOut: true } });
      // Queued for as long as the first one's deadline, then answered within its own.
      expect(second).toMatchObject({ status: 'fulfilled', value: { digest: image.digest } });
    });
  });

  it('lets a request of a cancelled operation leave the queue unsent', async () => {
    registry.intercept = () => true; // never answers
    const controller = new AbortController();
    await using({ concurrency: 1 }, async (c) => {
      const view = c.withContext({ signal: controller.signal });
      const running = view.ping().catch((error: unknown) => error);
      const queued = view.manifestHead('team/app', 'v1').catch((error: unknown) => error);
      while (registry.requests.length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort(new Error('gone'));
      expect(await running).toMatchObject({ message: 'gone' });
      expect(await queued).toMatchObject({ message: 'gone' });
    });
    expect(registry.requests.map(({ path }) => path)).toEqual(['/v2/']);
  });
});

describe("an operation's context", () => {
  it('aborts its requests in flight when its signal fires, and starts none after', async () => {
    registry.intercept = () => true; // never answers
    const controller = new AbortController();
    const reason = new Error('the client went away');
    await using({ concurrency: 4 }, async (c) => {
      const view = c.withContext({ signal: controller.signal });
      const pending = Promise.allSettled([view.manifestGet('team/app', 'v1'), view.tagsList('team/app')]);
      while (registry.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort(reason);
      expect((await pending).map((result) => (result as PromiseRejectedResult).reason)).toEqual([reason, reason]);
      await expect(view.manifestHead('team/app', 'v1')).rejects.toBe(reason);
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(registry.requests).toHaveLength(2);
    expect(registry.requests.every(({ abandoned }) => abandoned)).toBe(true);
  });

  it('counts every request it sends, retries included, and may refuse one before it is sent', async () => {
    failFirst(1, 503);
    const counted: string[] = [];
    await using({}, async (c) => {
      const view = c.withContext({
        beforeRequest: ({ kind, method }) => {
          if (counted.length === 3) throw new Error('over budget');
          counted.push(`${method} ${kind}`);
        },
      });
      await view.manifestGet('team/app', 'v1');
      await view.ping();
      await expect(view.ping()).rejects.toThrow('over budget');
    });
    expect(counted).toEqual(['GET manifest', 'GET manifest', 'GET ping']);
    expect(registry.requests).toHaveLength(3);
  });
});

describe('lists of any size', () => {
  it('follows a Link chain that never ends only up to maxListPages', async () => {
    registry.intercept = (request, response) => {
      const url = new URL(request.url!, 'http://x');
      if (url.pathname !== '/v2/team/app/tags/list') return false;
      const page = Number(url.searchParams.get('page') ?? '0');
      response.writeHead(200, { 'content-type': 'application/json', link: `</v2/team/app/tags/list?page=${page + 1}>; rel="next"` });
      response.end(JSON.stringify({ name: 'team/app', tags: [`t${page}`] }));
      return true;
    };
    const events: UpstreamRequestEvent[] = [];
    const error = await using({ maxListPages: 50, onRequest: (event) => events.push(event) }, (c) => c.tagsList('team/app')).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ kind: 'TOO_LARGE', message: expect.stringContaining('more than 50 pages') });
    expect(events).toHaveLength(50);
  });

  it('reads a page of a million tags', async () => {
    const tags = Array.from({ length: 1_000_000 }, (_, index) => `build-${index}`);
    registry.repositories.set('huge', { tags: () => tags });
    const listed = await using({}, (c) => c.tagsList('huge'));
    expect(listed).toHaveLength(1_000_000);
    expect(listed.at(-1)).toBe('build-999999');
  });

  it('refuses a list larger than maxListBytes', async () => {
    registry.repositories.set('wide', { tags: () => Array.from({ length: 10_000 }, (_, index) => `tag-${index}`) });
    await expect(using({ maxListBytes: 50_000 }, (c) => c.tagsList('wide'))).rejects.toMatchObject({ kind: 'TOO_LARGE' });
  });
});
