/**
 * What the dashboard shows per tag, as one line, so that the gateway's answer and the direct
 * clients' can be compared: the same lines mean the same work was done.
 */
import { createHash } from 'node:crypto';

export interface TagLine {
  repository: string;
  tag: string;
  digest: string;
  mediaType: string;
  size: number;
  totalSize: number | null;
  /** "os/architecture[/variant]", comma-separated for an index; "" when none. */
  platforms: string;
  /** The image config's `created` as written (images only), else null. */
  created: string | null;
}

export interface PlatformShape {
  os: string;
  architecture: string;
  variant?: string | null | undefined;
}

export function formatPlatform({ os, architecture, variant }: PlatformShape): string {
  return [os, architecture, variant].filter(Boolean).join('/');
}

/** A digest of the lines in a stable order. */
export function fingerprint(lines: readonly TagLine[]): string {
  const text = lines
    .map((line) =>
      [line.repository, line.tag, line.digest, line.mediaType, line.size, line.totalSize, line.platforms, line.created].join(' '),
    )
    .sort()
    .join('\n');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

interface DashboardManifestJson {
  __typename: 'ImageManifest' | 'ImageIndex';
  digest: string;
  mediaType: string;
  size: number;
  totalSize: number | null;
  platform?: PlatformShape | null;
  image?: { created: string | null } | null;
  platforms?: PlatformShape[];
}

interface DashboardJson {
  registry: {
    repositories: {
      edges: Array<{
        node: { name: string; tags: { edges: Array<{ node: { name: string; manifest: DashboardManifestJson | null } }> } | null };
      }>;
    } | null;
  };
}

/** The lines of a Dashboard operation's data. */
export function linesOfDashboard(data: DashboardJson): TagLine[] {
  return (data.registry.repositories?.edges ?? []).flatMap(({ node: repository }) =>
    (repository.tags?.edges ?? []).map(({ node: tag }) => {
      const manifest = tag.manifest;
      if (!manifest) throw new Error(`${repository.name}:${tag.name}: no manifest in the answer`);
      const image = manifest.__typename === 'ImageManifest';
      return {
        repository: repository.name,
        tag: tag.name,
        digest: manifest.digest,
        mediaType: manifest.mediaType,
        size: manifest.size,
        totalSize: manifest.totalSize,
        platforms: image
          ? manifest.platform
            ? formatPlatform(manifest.platform)
            : ''
          : (manifest.platforms ?? []).map(formatPlatform).join(','),
        created: image ? (manifest.image?.created ?? null) : null,
      };
    }),
  );
}
