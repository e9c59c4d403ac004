import { describe, expect, it } from 'vitest';
import { EnvelopeError, parseEnvelope } from '../../../src/model/events/envelope.js';
import { EventBus, SubscriberTooSlowError } from '../../../src/model/events/eventBus.js';
import type { RegistryEvent } from '../../../src/model/events/registryEvent.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const event = (action: string, target: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: `id-${action}-${JSON.stringify(target).length}-${Math.random()}`,
  timestamp: '2026-11-29T12:00:00.123456789Z',
  action,
  target: { repository: 'team/app', ...target },
  actor: { name: 'ci' },
  ...extra,
});

describe('parseEnvelope (distribution 2.8 and 3)', () => {
  it.each([
    [
      'a tag push',
      event('push', { mediaType: MANIFEST, digest: DIGEST, tag: 'v1' }),
      { action: 'PUSH', tag: 'v1', digest: DIGEST, mediaType: MANIFEST },
    ],
    [
      'a push by digest (an index child)',
      event('push', { mediaType: MANIFEST, digest: DIGEST }),
      { action: 'PUSH', tag: null, digest: DIGEST },
    ],
    ['a delete by digest', event('delete', { digest: DIGEST }), { action: 'DELETE', tag: null, digest: DIGEST }],
    ['a tag removed with it', event('delete', { tag: 'v1' }), { action: 'DELETE', tag: 'v1', digest: null }],
    [
      'a mount',
      event('mount', { mediaType: 'application/octet-stream', digest: DIGEST }, { fromRepository: 'other' }),
      { action: 'MOUNT', digest: DIGEST },
    ],
  ])('%s is an event', (_what, raw, expected) => {
    const { events, ignored } = parseEnvelope({ events: [raw] }, 'local');
    expect(ignored).toBe(0);
    expect(events).toEqual([
      expect.objectContaining({
        id: raw.id,
        registry: 'local',
        repository: 'team/app',
        actor: 'ci',
        timestamp: '2026-11-29T12:00:00.123456789Z',
        ...expected,
      }),
    ]);
  });

  it.each([
    ['a pull', event('pull', { mediaType: MANIFEST, digest: DIGEST, tag: 'v1' })],
    ['a layer push', event('push', { mediaType: 'application/octet-stream', digest: DIGEST })],
    ['a config push', event('push', { mediaType: 'application/vnd.oci.image.config.v1+json', digest: DIGEST })],
    ['an unknown action', event('rename', { digest: DIGEST })],
  ])('%s is left out', (_what, raw) => {
    expect(parseEnvelope({ events: [raw] }, 'local')).toEqual({ events: [], ignored: 1 });
  });

  it.each([
    ['not an object', []],
    ['no events list', { event: [] }],
    ['an event without target', { events: [{ id: 'x', action: 'push' }] }],
    ['a repository that breaks the grammar', { events: [event('push', { repository: '../x', tag: 'v1' })] }],
    ['a bad tag', { events: [event('push', { tag: '-bad', mediaType: MANIFEST })] }],
    ['a bad digest', { events: [event('delete', { digest: 'sha256:short' })] }],
    ['no id', { events: [{ ...event('push', { tag: 'v1' }), id: undefined }] }],
  ])('refuses %s', (_what, body) => {
    expect(() => parseEnvelope(body, 'local')).toThrow(EnvelopeError);
  });
});

describe('EventBus', () => {
  const make = (id: string, overrides: Partial<RegistryEvent> = {}): RegistryEvent => ({
    id,
    registry: 'local',
    action: 'PUSH',
    repository: 'team/app',
    tag: 'v1',
    digest: DIGEST,
    mediaType: MANIFEST,
    timestamp: '1970-01-01T00:00:00Z',
    actor: null,
    ...overrides,
  });

  it('gives each subscriber the events its filter lets through, in order, each id once', async () => {
    const bus = new EventBus();
    const all = bus.subscribe({});
    const deletesOfApi = bus.subscribe({ repository: 'team/api', actions: ['DELETE'] });
    bus.publish([make('1'), make('2', { repository: 'team/api', action: 'DELETE' }), make('1')]);
    bus.publish([make('2', { repository: 'team/api', action: 'DELETE' }), make('3', { registry: 'other' })]);
    expect([(await all.next()).value.id, (await all.next()).value.id, (await all.next()).value.id]).toEqual(['1', '2', '3']);
    expect((await deletesOfApi.next()).value.id).toBe('2');
    await all.return!();
    expect(bus.subscriberCount).toBe(1);
  });

  it('ends a subscriber that falls behind with an error saying so, instead of buffering without bound', async () => {
    const bus = new EventBus();
    const slow = bus.subscribe({}, 3);
    bus.publish(['a', 'b', 'c', 'd', 'e'].map((id) => make(id)));
    expect(bus.subscriberCount).toBe(0);
    for (const id of ['a', 'b', 'c']) expect((await slow.next()).value.id).toBe(id);
    await expect(slow.next()).rejects.toBeInstanceOf(SubscriberTooSlowError);
  });

  it('completes the subscriptions when closed', async () => {
    const bus = new EventBus();
    const subscription = bus.subscribe({});
    const pending = subscription.next();
    bus.close();
    expect(await pending).toEqual({ value: undefined, done: true });
  });
});
