/**
 * Incremental delivery (@defer, @stream): an answer that comes as multipart/mixed parts, the
 * first with the data known at once, the next ones adding deferred fields (`data` at a `path`)
 * and streamed list items (`items` from a `path`). Each part is merged into the answer so far.
 */

interface IncrementalPayload {
  data?: Record<string, unknown> | null;
  items?: unknown[];
  path?: ReadonlyArray<string | number>;
  errors?: unknown[];
}

export interface GraphqlPart {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: (string | number)[]; extensions?: { code?: string } }>;
  incremental?: IncrementalPayload[];
  hasNext?: boolean;
}

/** The whole answer so far, after each part; ends with the last part. */
export async function* incrementalAnswers(response: Response): AsyncGenerator<GraphqlPart> {
  const boundary = /boundary="?([^";]+)"?/.exec(response.headers.get('content-type') ?? '')?.[1] ?? '-';
  const delimiter = `\r\n--${boundary}`;
  const decoder = new TextDecoder();
  const reader = response.body!.getReader();
  let buffered = '';
  let answer: GraphqlPart | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (value) buffered += decoder.decode(value, { stream: true });
      for (let end = buffered.indexOf(delimiter); end >= 0; end = buffered.indexOf(delimiter)) {
        const part = buffered.slice(0, end);
        buffered = buffered.slice(end + delimiter.length);
        const json = part.slice(part.indexOf('\r\n\r\n') + 4).trim();
        if (!json.startsWith('{')) continue;
        answer = merge(answer, JSON.parse(json) as GraphqlPart);
        yield answer;
      }
      if (done) return;
    }
  } finally {
    // A reader that stops early (the page moved on) lets the connection go.
    await reader.cancel().catch(() => undefined);
  }
}

function merge(answer: GraphqlPart | undefined, part: GraphqlPart): GraphqlPart {
  if (!answer) return part;
  const next = structuredClone(answer);
  for (const payload of part.incremental ?? []) {
    const path = payload.path ?? [];
    if (payload.items) {
      const list = at(next.data, path.slice(0, -1)) as unknown[] | undefined;
      list?.splice(Number(path.at(-1)), 0, ...payload.items);
    } else if (payload.data) {
      const target = at(next.data, path) as Record<string, unknown> | undefined;
      if (target) deepAssign(target, payload.data);
    }
    if (payload.errors) next.errors = [...(next.errors ?? []), ...(payload.errors as NonNullable<GraphqlPart['errors']>)];
  }
  next.hasNext = part.hasNext;
  return next;
}

function at(value: unknown, path: ReadonlyArray<string | number>): unknown {
  return path.reduce<unknown>((current, key) => (current as Record<string | number, unknown> | null | undefined)?.[key], value);
}

function deepAssign(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isObject(existing) && isObject(value)) deepAssign(existing, value);
    else target[key] = value;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
