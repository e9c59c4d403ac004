/**
 * Registry events over Server-Sent Events (graphql-sse's distinct connections mode, on the
 * GraphQL endpoint): what keeps an open page current. The subscription's exact shipped text goes
 * with its hash, so a gateway that runs only trusted documents accepts it.
 */
import { createClient } from 'graphql-sse';
import {
  RegistryEventsDocument,
  type RegistryEventsSubscription,
  type RegistryEventsSubscriptionVariables,
} from '../../../src/client/generated/graphql';
import { hashOf, textOf } from './client';
import { authorizationHeader } from './token';

export type RegistryEvent = RegistryEventsSubscription['registryEvents'];

/** Calls `onEvent` for each event until the returned function is called. */
export function subscribeToEvents(variables: RegistryEventsSubscriptionVariables, onEvent: (event: RegistryEvent) => void): () => void {
  const hash = hashOf(RegistryEventsDocument);
  const client = createClient({ url: new URL('graphql', document.baseURI).toString(), headers: authorizationHeader, retryAttempts: 5 });
  const unsubscribe = client.subscribe<RegistryEventsSubscription>(
    {
      query: textOf(hash),
      variables,
      operationName: 'RegistryEvents',
      extensions: { persistedQuery: { version: 1, sha256Hash: hash.replace(/^sha256:/, '') } },
    },
    {
      next: (result) => {
        if (result.data) onEvent(result.data.registryEvents);
      },
      // Live updates are a convenience: the page stays as it is without them.
      error: () => undefined,
      complete: () => undefined,
    },
  );
  return () => {
    unsubscribe();
    client.dispose();
  };
}
