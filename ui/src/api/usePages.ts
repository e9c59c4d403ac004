import { useState } from 'react';

/** Cursor paging state: the `after` of the current page, and those of the pages before it. */
export function usePages(resetKey: string) {
  const [state, setState] = useState<{ key: string; afters: (string | null)[] }>({ key: resetKey, afters: [null] });
  // A new search or order starts again at the first page.
  const afters = state.key === resetKey ? state.afters : [null];
  return {
    after: afters.at(-1) ?? null,
    pageNumber: afters.length,
    next: (endCursor: string) => setState({ key: resetKey, afters: [...afters, endCursor] }),
    previous: () => setState({ key: resetKey, afters: afters.slice(0, -1) }),
  };
}
