import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { whenAborted } from '../../../src/registry/abortListeners.js';

describe('whenAborted', () => {
  it('calls each registration once when the signal aborts, except those taken back', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const record = (name: string) => () => calls.push(name);
    whenAborted(controller.signal, record('a'));
    const stopB = whenAborted(controller.signal, record('b'));
    const same = record('twice');
    whenAborted(controller.signal, same);
    whenAborted(controller.signal, same);
    stopB();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    controller.abort();
    expect(calls.sort()).toEqual(['a', 'twice', 'twice']);
  });

  it('listens again on a signal after its earlier registrations were all taken back', () => {
    const controller = new AbortController();
    whenAborted(controller.signal, () => {})();
    let called = 0;
    whenAborted(controller.signal, () => called++);
    controller.abort();
    expect(called).toBe(1);
  });

  it('calls the other callbacks when one throws, and reports the error as uncaught', async () => {
    const controller = new AbortController();
    const reported: unknown[] = [];
    const onUncaught = (error: unknown) => reported.push(error);
    const listeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', onUncaught);
    try {
      const after = vi.fn();
      whenAborted(controller.signal, () => {
        throw new Error('a callback failed');
      });
      whenAborted(controller.signal, after);
      controller.abort();
      expect(after).toHaveBeenCalledTimes(1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(reported.map((error) => (error as Error).message)).toEqual(['a callback failed']);
    } finally {
      process.removeListener('uncaughtException', onUncaught);
      for (const listener of listeners) process.on('uncaughtException', listener);
    }
  });
});
