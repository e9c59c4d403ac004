/** What replicas of the gateway share through Redis, or nothing when there is no Redis. */
import { type SharedContent, redisSharedContent, unsharedContent } from './sharedContent.js';
import { type SharedFreshness, redisSharedFreshness, unsharedFreshness } from './sharedFreshness.js';
import type { SharedRedis } from './redis.js';

export interface SharedState {
  content: SharedContent;
  freshness: SharedFreshness;
}

export const UNSHARED: SharedState = { content: unsharedContent, freshness: unsharedFreshness };

export function sharedStateOf(redis: SharedRedis | undefined): SharedState {
  return redis ? { content: redisSharedContent(redis), freshness: redisSharedFreshness(redis) } : UNSHARED;
}
