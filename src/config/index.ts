// The configuration's public surface: what the server, the scripts and the tests use.
export { DEFAULT_REGISTRY_URL, loadConfig, type ConfigSources } from './load.js';
export {
  ConfigError,
  parseConfig,
  type GatewayConfig,
  type MetricsConfig,
  type NotificationsConfig,
  type PersistedQueriesConfig,
  type RegistryConfig,
} from './parse.js';
export type { GatewayConfigInput } from './schema.js';
