import { expect } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/index.js';

/** The message of the ConfigError that parsing input (with this environment) must throw. */
export function configErrorMessage(input: unknown, env: NodeJS.ProcessEnv = {}): string {
  try {
    parseConfig(input, 'configuration', env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}
