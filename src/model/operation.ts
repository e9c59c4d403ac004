/**
 * One GraphQL operation as the registries see it: the upstream calls it makes, counted against
 * its budget while it runs, and its end: the client went away (queries), its deadline passed, or
 * it finished. When it ends, the requests it still has in flight are aborted and none is started.
 */
import { setMaxListeners } from 'node:events';
import type { CallContext, RequestKind } from '../registry/types.js';
import { GatewayError } from './errors.js';

export interface OperationLimits {
  /** Upstream calls the operation may make (limits.maxQueryCost). */
  maxQueryCost: number;
  /** Time the operation may take (limits.maxQueryMs). */
  maxQueryMs: number;
}

export interface OperationCost {
  /** The estimate made before it ran; 0 when none was made. */
  estimated: number;
  /** Upstream requests it made: what the registries saw (attempts, pages, token requests). */
  actual: number;
  budget: number;
}

export class Operation {
  /** Set by the query cost check before execution. */
  estimated = 0;
  private spent = 0;
  private readonly controller = new AbortController();
  private readonly deadline: NodeJS.Timeout;

  constructor(private readonly limits: OperationLimits) {
    // Every request in flight listens for the operation's end: hundreds at once are expected.
    setMaxListeners(0, this.controller.signal);
    this.deadline = setTimeout(() => {
      const message =
        `the operation's deadline of ${limits.maxQueryMs} ms (limits.maxQueryMs) passed before the registry answered; ` +
        'what arrived before is in the answer';
      this.controller.abort(new GatewayError('UPSTREAM_UNAVAILABLE', message));
    }, limits.maxQueryMs);
    this.deadline.unref();
  }

  /** What the operation's upstream requests carry: its cancellation and its count. */
  get callContext(): CallContext {
    return { signal: this.controller.signal, beforeRequest: (request) => this.spend(request.kind) };
  }

  /** Ends the operation when the client goes away (the request's signal fires). Not for writes, which finish what they start. */
  endWhen(signal: AbortSignal): void {
    const end = () => this.controller.abort(new GatewayError('CANCELLED', 'the client went away before the answer was complete'));
    if (signal.aborted) end();
    else signal.addEventListener('abort', end, { once: true });
  }

  /** After the answer: nothing of this operation goes on upstream. */
  finish(): void {
    clearTimeout(this.deadline);
    if (!this.controller.signal.aborted) this.controller.abort(new GatewayError('CANCELLED', 'the operation has finished'));
  }

  get cost(): OperationCost {
    return { estimated: this.estimated, actual: this.spent, budget: this.limits.maxQueryCost };
  }

  private spend(kind: RequestKind): void {
    if (this.spent >= this.limits.maxQueryCost) {
      throw new GatewayError(
        'QUERY_TOO_COSTLY',
        `the query used its budget of ${this.limits.maxQueryCost} upstream calls (limits.maxQueryCost) before this ${kind} request; ` +
          'what was fetched before is in the answer',
      );
    }
    this.spent++;
  }
}
