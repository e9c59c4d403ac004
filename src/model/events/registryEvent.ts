/** What a registry tells of a change in a repository, as subscribers receive it. */
export type RegistryEventAction = 'PUSH' | 'DELETE' | 'MOUNT';

export interface RegistryEvent {
  /** The registry's own event id: a redelivered event has the same one. */
  id: string;
  /** The registry's configured name. */
  registry: string;
  action: RegistryEventAction;
  repository: string;
  tag: string | null;
  digest: string | null;
  mediaType: string | null;
  /** When, as the registry wrote it (RFC 3339); when it received the event, if the registry wrote none. */
  timestamp: string;
  /** Who did it, as the registry's authentication knows them (empty for anonymous pushes). */
  actor: string | null;
}
