/**
 * yoga's log calls (`logger.error(error)`, `logger.debug('Request aborted')`, a message and
 * values) as pino log lines: the text in `msg`, an error under `err` with its stack, other values
 * under `details`. yoga logs every error that masking replaces at level error; the ones that are
 * the client's or the registry's (they have a code in the answer) are not the gateway's fault,
 * and go to debug.
 */
import type { Logger } from 'pino';

type YogaLevel = 'debug' | 'info' | 'warn' | 'error';
export type YogaLogger = Record<YogaLevel, (...args: unknown[]) => void>;

/** isExpected: whether an error is one the answer explains (a client mistake, a registry failure), not a bug. */
export function yogaLogger(logger: Logger, isExpected: (error: unknown) => boolean): YogaLogger {
  const forward =
    (level: YogaLevel) =>
    (...args: unknown[]): void => {
      const error = args.find((arg): arg is Error => arg instanceof Error);
      const effective = level === 'error' && error !== undefined && isExpected(error) ? 'debug' : level;
      // Disabled levels cost nothing beyond this check.
      if (!logger.isLevelEnabled(effective)) return;
      const texts = args.filter((arg): arg is string => typeof arg === 'string');
      const details = args.filter((arg) => typeof arg !== 'string' && arg !== error);
      const message = texts.join(' ') || (error ? error.message : `yoga ${level}`);
      logger[effective]({ ...(error && { err: error }), ...(details.length > 0 && { details }) }, message);
    };
  return { debug: forward('debug'), info: forward('info'), warn: forward('warn'), error: forward('error') };
}
