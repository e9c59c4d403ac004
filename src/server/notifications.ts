import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { RegistryConfig } from '../config/index.js';
import { EnvelopeError, NOTIFICATION_MEDIA_TYPES } from '../model/events/envelope.js';
import type { NotificationReceiver } from '../model/events/notifications.js';
import type { GatewayMetrics } from './metrics.js';

/** An envelope is a batch of events; distribution sends a few at a time. */
const MAX_ENVELOPE_BYTES = 1024 * 1024;
const PATH = /^\/notifications\/([^/]+)\/?$/;

export interface NotificationsOptions {
  registries: readonly RegistryConfig[];
  receiver: NotificationReceiver;
  logger?: Logger | undefined;
  metrics?: GatewayMetrics | undefined;
}

/**
 * POST /notifications/<registry>: where a registry (distribution's `notifications.endpoints`)
 * posts its events, with the configured secret as `Authorization: Bearer <secret>`. Answers at
 * once (the registry waits for it, and retries what is not answered 2xx): 401 without the
 * secret, 404 for a registry not configured to send events, 400 for what is not an envelope.
 */
export function useNotifications({ registries, receiver, logger, metrics }: NotificationsOptions): Plugin {
  const byName = new Map(registries.map((registry) => [registry.name, registry]));
  return {
    async onRequest({ request, url, endResponse }) {
      const match = PATH.exec(url.pathname);
      if (!match) return;
      const answer = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
        endResponse(Response.json(body, { status, headers }));
      const name = safeDecode(match[1]!);
      const notifications = name === undefined ? undefined : byName.get(name)?.notifications;
      if (name === undefined || !notifications) {
        answer(404, { error: 'no registry of this name is configured to send notifications (registries[].notifications)' });
        return;
      }
      if (request.method !== 'POST') {
        answer(405, { error: 'notifications are POSTed' }, { allow: 'POST' });
        return;
      }
      if (!notifications.secret.admits(request.headers.get('authorization'))) {
        logger?.warn({ registry: name }, 'notification refused: no or wrong secret');
        answer(
          401,
          { error: 'expected "Authorization: Bearer <the secret of registries[].notifications>"' },
          { 'www-authenticate': 'Bearer' },
        );
        return;
      }
      const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
      if (!NOTIFICATION_MEDIA_TYPES.includes(mediaType)) {
        answer(415, { error: `expected one of ${NOTIFICATION_MEDIA_TYPES.join(', ')}` });
        return;
      }
      let envelope: unknown;
      try {
        envelope = JSON.parse(await readBounded(request, MAX_ENVELOPE_BYTES));
      } catch (error) {
        const tooLarge = error instanceof RangeError;
        logger?.warn({ registry: name, error: (error as Error).message.slice(0, 200) }, 'notification refused: unreadable body');
        answer(tooLarge ? 413 : 400, { error: tooLarge ? `the envelope exceeds ${MAX_ENVELOPE_BYTES} bytes` : 'the body is not JSON' });
        return;
      }
      try {
        const batch = await receiver.receive(name, envelope);
        for (const event of batch.events) metrics?.eventReceived(name, event.action);
        const line = {
          registry: name,
          events: batch.events.length,
          ignored: batch.ignored,
          duplicates: batch.duplicates,
          repositories: [...new Set(batch.events.map((event) => event.repository))].slice(0, 20),
        };
        // Batches of nothing but blob pushes (most of what a push sends) are not worth a line at info.
        if (batch.events.length > 0) logger?.info(line, 'notification batch');
        else logger?.debug(line, 'notification batch');
        answer(200, { accepted: batch.events.length, ignored: batch.ignored, duplicates: batch.duplicates });
      } catch (error) {
        if (!(error instanceof EnvelopeError)) throw error;
        logger?.warn({ registry: name, error: error.message }, 'notification refused: not an envelope');
        answer(400, { error: error.message });
      }
    },
  };
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The body as text, refusing (RangeError) more than limit bytes. */
async function readBounded(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length'));
  if (declared > limit) throw new RangeError('too large');
  if (!request.body) return '';
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    length += chunk.byteLength;
    if (length > limit) throw new RangeError('too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
