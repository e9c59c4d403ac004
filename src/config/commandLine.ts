/** The gateway's command line: `regql [--config FILE] [--help] [--version]`. */
import { parseArgs } from 'node:util';
import { ConfigError } from './parse.js';

export interface CommandLine {
  /** The configuration file given with --config. */
  config?: string;
  help: boolean;
  version: boolean;
}

export const USAGE = `Usage: regql [--config FILE]

A GraphQL gateway in front of container registries (Docker Registry HTTP API V2 / OCI Distribution).
Serves GraphQL and GraphiQL at http://HOST:PORT/graphql.

Options:
  --config FILE   configuration file, YAML or JSON (also REGQL_CONFIG)
  --help          print this text and exit
  --version       print the version and exit

Environment:
  REGISTRY_URL    the one registry (named "default") when no configuration file is given;
                  default http://127.0.0.1:5000
  REGQL_CONFIG    configuration file, like --config
  PORT, HOST      where the gateway listens (override the file); default 127.0.0.1:4000
  LOG_LEVEL       fatal, error, warn, info, debug, trace or silent (overrides the file)

Every configuration key is documented in the README, section "Configuration".
`;

/** Throws ConfigError for an unknown option or a --config without a file name. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  let values: { config?: string | undefined; help?: boolean | undefined; version?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && argv.some((arg) => arg === '--config')) {
      throw new ConfigError('--config needs a file name');
    }
    // parseArgs names the offending argument; cut it short, it is the caller's input.
    const detail = (error as Error).message.split('\n')[0]!.slice(0, 200);
    throw new ConfigError(`${detail} (see --help)`);
  }
  if (values.config !== undefined && (values.config === '' || values.config.startsWith('--'))) {
    throw new ConfigError('--config needs a file name');
  }
  return { ...(values.config !== undefined && { config: values.config }), help: values.help ?? false, version: values.version ?? false };
}
