/**
 * The Redis that replicas of the gateway share (ioredis). Everything kept there is also kept,
 * or can be had again, in the process, so Redis is never on the path of an answer: a command
 * that fails, or that does not answer within COMMAND_TIMEOUT_MS, is a miss; while the
 * connection is down commands fail at once (no offline queue), ioredis reconnects by itself, and
 * each change of availability is reported once (a log line, a metric).
 */
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis, RedisOptions } from 'ioredis';

/** ioredis, loaded when a Redis is configured: a gateway without one does not carry it in memory. */
function redisClass(): typeof Redis {
  return (createRequire(import.meta.url)('ioredis') as typeof import('ioredis')).Redis;
}

/** What a Redis command may take before the gateway goes on without it. */
const COMMAND_TIMEOUT_MS = 500;

export interface SharedRedisOptions {
  url: string;
  /** Put before every key; the version in it changes when what is stored changes shape. */
  keyPrefix: string;
  /** Called when Redis becomes unavailable (with why) and when it is back. */
  onAvailability?: (available: boolean, reason?: string) => void;
}

export class SharedRedis {
  readonly client: Redis;
  readonly keyPrefix: string;
  private up = false;
  private readonly onAvailability: (available: boolean, reason?: string) => void;
  private readonly url: string;

  constructor({ url, keyPrefix, onAvailability = () => {} }: SharedRedisOptions) {
    this.url = url;
    this.keyPrefix = keyPrefix;
    this.onAvailability = onAvailability;
    this.client = new (redisClass())(url, connectionOptions());
    this.client.on('ready', () => this.mark(true));
    this.client.on('error', (error: Error) => this.mark(false, error.message));
    this.client.on('close', () => this.mark(false, 'connection closed'));
  }

  get available(): boolean {
    return this.up;
  }

  /** The command's answer, or undefined when Redis is down, fails or is slow. */
  async run<T>(command: (redis: Redis) => Promise<T>): Promise<T | undefined> {
    if (!this.up) return undefined;
    const timeout = new AbortController();
    try {
      return await Promise.race([
        command(this.client),
        sleep(COMMAND_TIMEOUT_MS, undefined, { signal: timeout.signal }).catch(() => undefined),
      ]);
    } catch {
      // A failed command is a miss; the connection's own events say whether Redis is gone.
      return undefined;
    } finally {
      timeout.abort();
    }
  }

  /**
   * A second connection, for a subscriber (a connection in subscriber mode runs no other
   * command). It queues its SUBSCRIBE until connected and subscribes again after a reconnect.
   */
  subscriber(): Redis {
    return new (redisClass())(this.url, { ...connectionOptions(), enableOfflineQueue: true, maxRetriesPerRequest: null });
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private mark(available: boolean, reason?: string): void {
    if (available === this.up) return;
    this.up = available;
    this.onAvailability(available, reason);
  }
}

function connectionOptions(): RedisOptions {
  return {
    // Fail at once while disconnected: a cache that waits is worse than none.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    // Reconnect for ever, at most every 2 s.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
  };
}
