/** Subscribing to the gateway as clients do: Server-Sent Events over fetch, and graphql-ws over a WebSocket. */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** Collects the events of one subscription until stopped; `next(count)` waits until `count` have arrived. */
export interface Subscription<T> {
  received: T[];
  errors: unknown[];
  next(count: number, timeoutMs?: number): Promise<T[]>;
  stop(): Promise<void>;
}

function collector<T>(): { subscription: Omit<Subscription<T>, 'stop'>; push(value: T): void; fail(error: unknown): void } {
  const received: T[] = [];
  const errors: unknown[] = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  return {
    subscription: {
      received,
      errors,
      async next(count, timeoutMs = 10_000) {
        const deadline = Date.now() + timeoutMs;
        while (received.length < count && errors.length === 0) {
          if (Date.now() > deadline) throw new Error(`only ${received.length} of ${count} events after ${timeoutMs} ms`);
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 100);
            waiters.add(() => {
              clearTimeout(timer);
              resolve();
            });
          });
          waiters.clear();
        }
        if (errors.length > 0) throw errors[0];
        return received.slice(0, count);
      },
    },
    push: (value) => {
      received.push(value);
      wake();
    },
    fail: (error) => {
      errors.push(error);
      wake();
    },
  };
}

/** A subscription over Server-Sent Events: POST with Accept: text/event-stream, as graphql-sse's distinct connections mode and yoga do. */
export async function subscribeSse<T>(url: string, query: string, headers: Record<string, string> = {}): Promise<Subscription<T>> {
  const { subscription, push, fail } = collector<T>();
  const controller = new AbortController();
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query }),
    signal: controller.signal,
  });
  if (!response.ok || !response.body) throw new Error(`SSE subscription answered ${response.status}: ${await response.text()}`);
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) !== -1) {
          const message = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = message
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trim())
            .join('\n');
          if (!data) continue;
          const payload = JSON.parse(data) as { data?: T; errors?: unknown[] };
          if (payload.errors) fail(payload.errors);
          else if (payload.data !== undefined) push(payload.data);
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) fail(error);
    }
  })();
  return {
    ...subscription,
    stop: async () => {
      controller.abort();
      await reading;
    },
  };
}

/** A subscription over graphql-ws, the protocol of Apollo's GraphQLWsLink and urql's subscription exchange. */
export function subscribeWs<T>(url: string, query: string, connectionParams: Record<string, unknown> = {}): Subscription<T> {
  const { subscription, push, fail } = collector<T>();
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
  });
  const unsubscribe = client.subscribe<T>(
    { query },
    {
      next: (result) => (result.errors ? fail(result.errors) : push(result.data as T)),
      error: fail,
      complete: () => {},
    },
  );
  return {
    ...subscription,
    stop: async () => {
      unsubscribe();
      await client.dispose();
    },
  };
}
