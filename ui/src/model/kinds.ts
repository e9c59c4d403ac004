/** What a manifest is, for people: an image, a multi-platform index, or an artifact of a known kind. */
export type ManifestKind = 'image' | 'index' | 'signature' | 'attestation' | 'sbom' | 'chart' | 'artifact';

export interface KindFacts {
  __typename: string;
  mediaType: string;
  artifactType?: string | null;
}

const ARTIFACT_KINDS: ReadonlyArray<[RegExp, ManifestKind]> = [
  [/cosign\.artifact\.sig|signature|notary/i, 'signature'],
  [/sbom|spdx|cyclonedx/i, 'sbom'],
  [/in-toto|attestation|provenance|slsa/i, 'attestation'],
  [/helm/i, 'chart'],
];

export function manifestKind({ __typename, artifactType }: KindFacts): ManifestKind {
  if (artifactType) return ARTIFACT_KINDS.find(([pattern]) => pattern.test(artifactType))?.[1] ?? 'artifact';
  return __typename === 'ImageIndex' ? 'index' : 'image';
}

export interface PlatformFacts {
  os: string;
  architecture: string;
  variant?: string | null;
}

/** linux/arm64/v8, as docker and crane write platforms. */
export function platformName({ os, architecture, variant }: PlatformFacts): string {
  return [os, architecture, variant].filter(Boolean).join('/');
}
