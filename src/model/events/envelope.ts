/**
 * CNCF Distribution's notification envelopes (`application/vnd.docker.distribution.events.v1+json`,
 * v2 in distribution 3): `{"events": [{id, timestamp, action, target: {mediaType, digest,
 * repository, tag, ...}, actor: {name}, ...}]}`. A manifest push is one push event with its tag
 * (none when pushed by digest); a layer push is a push with a blob's media type; a delete by
 * digest is one delete with the digest and one per removed tag; a cross-repository mount is a
 * mount. Pulls are ignored, and so are blob pushes and deletes: they change no tag.
 */
import { MediaType } from '../../registry/mediaTypes.js';
import { isValidDigest, isValidRepositoryName, isValidTag } from '../../registry/reference.js';
import { isRecord } from '../../util/isRecord.js';
import { rfc3339OrNull } from '../dates.js';
import type { RegistryEvent, RegistryEventAction } from './registryEvent.js';

export const NOTIFICATION_MEDIA_TYPES = [
  'application/vnd.docker.distribution.events.v1+json',
  'application/vnd.docker.distribution.events.v2+json',
  'application/json',
];

/** Manifests in events; anything else is a blob (distribution reports layer pushes as application/octet-stream). */
const MANIFEST_MEDIA_TYPES = new Set([
  MediaType.ociManifest,
  MediaType.ociIndex,
  MediaType.dockerManifest,
  MediaType.dockerManifestList,
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
]);

export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
}

export interface ParsedEnvelope {
  events: RegistryEvent[];
  /** Events left out: pulls, blob pushes and deletes, actions the gateway does not know. */
  ignored: number;
}

const ACTIONS: Readonly<Record<string, RegistryEventAction>> = { push: 'PUSH', delete: 'DELETE', mount: 'MOUNT' };

/** The events of an envelope, for the registry configured as `registry`; EnvelopeError when it is not one. */
export function parseEnvelope(body: unknown, registry: string): ParsedEnvelope {
  if (!isRecord(body) || !Array.isArray(body.events)) throw new EnvelopeError('expected a JSON object with an "events" list');
  const events: RegistryEvent[] = [];
  let ignored = 0;
  body.events.forEach((raw: unknown, index) => {
    const event = parseEvent(raw, index, registry);
    if (event) events.push(event);
    else ignored++;
  });
  return { events, ignored };
}

function parseEvent(raw: unknown, index: number, registry: string): RegistryEvent | undefined {
  const where = `events[${index}]`;
  if (!isRecord(raw) || !isRecord(raw.target)) throw new EnvelopeError(`${where}: expected an object with a "target"`);
  const action = typeof raw.action === 'string' ? ACTIONS[raw.action] : undefined;
  if (action === undefined) return undefined;
  const target = raw.target;
  const repository = stringOf(target.repository);
  if (repository === null || !isValidRepositoryName(repository))
    throw new EnvelopeError(`${where}.target.repository: not a repository name`);
  const id = stringOf(raw.id);
  if (id === null || id.length > 200) throw new EnvelopeError(`${where}.id: missing`);
  const tag = stringOf(target.tag);
  if (tag !== null && !isValidTag(tag)) throw new EnvelopeError(`${where}.target.tag: not a tag`);
  const digest = stringOf(target.digest);
  if (digest !== null && !isValidDigest(digest)) throw new EnvelopeError(`${where}.target.digest: not a digest`);
  const mediaType = stringOf(target.mediaType);
  // A blob pushed or deleted changes no tag and no manifest: the manifest push that follows says what changed.
  if (action !== 'MOUNT' && tag === null && mediaType !== null && !MANIFEST_MEDIA_TYPES.has(mediaType)) return undefined;
  const timestamp = rfc3339OrNull(raw.timestamp) ?? new Date().toISOString();
  const actor = isRecord(raw.actor) ? stringOf(raw.actor.name) : null;
  return {
    id,
    registry,
    action,
    repository,
    tag,
    digest,
    mediaType,
    timestamp,
    actor: actor === '' ? null : actor,
  };
}

function stringOf(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
