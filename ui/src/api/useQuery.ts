import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  QueryClient,
  experimental_streamedQuery as streamedQuery,
  keepPreviousData,
  useQuery as useTanstackQuery,
} from '@tanstack/react-query';
import { type Answer, ApiError, answers, hashOf } from './client';

/**
 * Answers kept for going back and forth between pages; asked again only when a page asks for it
 * (after a write, or a registry event), so each page view is exactly the requests it needs.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { staleTime: 30_000, refetchOnWindowFocus: false, refetchOnReconnect: false, retry: false },
  },
});

export interface QueryState<Result> {
  answer: Answer<Result> | undefined;
  error: ApiError | null;
  loading: boolean;
  refetch: () => void;
}

/** A document of regql/client with its variables; the previous answer stays on screen while the next page loads. */
export function useQuery<Result, Variables extends object>(
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
): QueryState<Result> {
  const query = useTanstackQuery({
    queryKey: [hashOf(document), variables],
    // Each part of an answer with @defer replaces the answer so far; a refetch keeps the old one on screen until it is complete.
    queryFn: streamedQuery<Answer<Result>, Answer<Result> | undefined>({
      streamFn: () => answers(document, variables),
      reducer: (_previous, answer) => answer,
      initialValue: undefined,
      refetchMode: 'replace',
    }),
    placeholderData: keepPreviousData,
  });
  const error = query.error === null ? null : query.error instanceof ApiError ? query.error : new ApiError('ERROR', String(query.error));
  return { answer: query.data, error, loading: query.isFetching, refetch: () => void query.refetch() };
}
