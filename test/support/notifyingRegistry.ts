/** A gateway and a seeded registry that sends it its notifications, as deploy/compose.yaml sets them up. */
import { findFreePort } from '../../fixtures/ports.js';
import type { LocalRegistry } from '../../fixtures/registry/localRegistry.js';
import { type GatewayConfigInput, parseConfig } from '../../src/config/index.js';
import { startServer, type RunningServer } from '../../src/server/listen.js';
import { startSeededRegistry } from './registry.js';

/** The secret the registry sends, and the gateway expects. */
export const NOTIFICATION_SECRET = 'notification-secret-0123456789abcdef';

/** The gateway first, so that the registry's events (those of the seeding too) find it listening. */
export async function startGatewayWithNotifyingRegistry(
  config: Partial<GatewayConfigInput> = {},
): Promise<{ gateway: RunningServer; registry: LocalRegistry }> {
  const [registryPort, gatewayPort] = [await findFreePort(), await findFreePort()];
  const gateway = await startServer({
    config: parseConfig({
      registries: [{ name: 'local', url: `http://127.0.0.1:${registryPort}`, notifications: { token: NOTIFICATION_SECRET } }],
      ...config,
    }),
    port: gatewayPort,
    host: '127.0.0.1',
  });
  try {
    const registry = await startSeededRegistry({
      port: registryPort,
      notifications: { url: `${gateway.url}/notifications/local`, headers: { Authorization: `Bearer ${NOTIFICATION_SECRET}` } },
    });
    return { gateway, registry };
  } catch (error) {
    await gateway.close();
    throw error;
  }
}
