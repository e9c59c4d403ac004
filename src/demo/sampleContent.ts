/**
 * The demo's sample content, built in memory and deterministically: every byte follows from the
 * code below (fixed dates, file contents from strings or hashed seeds), so every run and every
 * machine with the same zlib pushes the same digests.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { computeDigest } from '../registry/digest.js';
import { MediaType } from '../registry/mediaTypes.js';
import type {
  Descriptor,
  ImageConfigDocument,
  ImageIndexDocument,
  ImageManifestDocument,
  Platform,
} from '../registry/types.js';

export interface SampleManifest {
  digest: string;
  mediaType: string;
  /** The exact bytes to push; digest is their sha256. */
  bytes: Buffer;
  document: ImageManifestDocument | ImageIndexDocument;
  /** Tags that point at it; empty for a manifest reached only by digest (an index entry). */
  tags: string[];
  /** The parsed config, when the config is an image config (not for artifacts and indexes). */
  imageConfig?: ImageConfigDocument;
}

export interface SampleRepository {
  name: string;
  /** Every config and layer the manifests reference, each once. */
  blobs: Buffer[];
  /** In push order: each manifest after the manifests it references (index entries, subject). */
  manifests: SampleManifest[];
}

export const HelmMediaType = {
  config: 'application/vnd.cncf.helm.config.v1+json',
  chart: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
} as const;

export const COSIGN_SIGNATURE_ARTIFACT_TYPE = 'application/vnd.dev.cosign.artifact.sig.v1+json';
const COSIGN_SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
const IN_TOTO_MEDIA_TYPE = 'application/vnd.in-toto+json';

/** Index-entry annotations buildx puts on an attestation manifest. */
export const AttestationAnnotation = {
  type: 'vnd.docker.reference.type',
  typeValue: 'attestation-manifest',
  digest: 'vnd.docker.reference.digest',
} as const;

/** The platform buildx gives attestation entries, so that no runtime ever picks them. */
const ATTESTATION_PLATFORM: Platform = { architecture: 'unknown', os: 'unknown' };

/** The OCI empty descriptor's content: config of an artifact that needs none. */
const EMPTY_JSON = Buffer.from('{}');

/** The cosign convention for a signature's tag, for registries without the referrers API. */
export function cosignSignatureTag(subjectDigest: string): string {
  return `${subjectDigest.replace(':', '-')}.sig`;
}

type ImageFormat = 'oci' | 'docker';

const FORMAT_MEDIA_TYPES: Record<ImageFormat, { manifest: string; index: string; config: string; layer: string }> = {
  oci: {
    manifest: MediaType.ociManifest,
    index: MediaType.ociIndex,
    config: MediaType.ociConfig,
    layer: MediaType.ociLayerTarGzip,
  },
  docker: {
    manifest: MediaType.dockerManifest,
    index: MediaType.dockerManifestList,
    config: MediaType.dockerConfig,
    layer: MediaType.dockerLayerTarGzip,
  },
};

/** File path → content of one layer's tar. */
type LayerFiles = Record<string, string | Buffer>;

interface LayerSpec {
  /** The Dockerfile-style instruction recorded in the config's history. */
  createdBy: string;
  files: LayerFiles;
}

interface ImageSpec {
  format: ImageFormat;
  platform: Platform;
  created: string;
  layers: LayerSpec[];
  cmd: string[];
  env?: string[];
  entrypoint?: string[];
  workingDir?: string;
  user?: string;
  exposedPorts?: string[];
  labels?: Record<string, string>;
  tags?: string[];
}

interface IndexEntrySpec {
  manifest: SampleManifest;
  platform: Platform;
  annotations?: Record<string, string>;
}

/** Collects one repository's blobs and manifests; identical content is kept once. */
class RepositoryBuilder {
  private readonly blobsByDigest = new Map<string, Buffer>();
  private readonly manifestsByDigest = new Map<string, SampleManifest>();

  constructor(readonly name: string) {}

  blob(mediaType: string, bytes: Buffer, annotations?: Record<string, string>): Descriptor {
    const digest = computeDigest(bytes);
    this.blobsByDigest.set(digest, bytes);
    return { mediaType, digest, size: bytes.length, ...(annotations && { annotations }) };
  }

  jsonBlob(mediaType: string, document: unknown): Descriptor {
    return this.blob(mediaType, Buffer.from(JSON.stringify(document)));
  }

  /** A manifest pushed again (same bytes) only gains the new tags. */
  manifest(
    mediaType: string,
    document: ImageManifestDocument | ImageIndexDocument,
    tags: string[] = [],
    imageConfig?: ImageConfigDocument,
  ): SampleManifest {
    const bytes = Buffer.from(JSON.stringify(document));
    const digest = computeDigest(bytes);
    const existing = this.manifestsByDigest.get(digest);
    if (existing) {
      existing.tags.push(...tags);
      return existing;
    }
    const manifest: SampleManifest = { digest, mediaType, bytes, document, tags: [...tags], ...(imageConfig && { imageConfig }) };
    this.manifestsByDigest.set(digest, manifest);
    return manifest;
  }

  image(spec: ImageSpec): SampleManifest {
    const mediaTypes = FORMAT_MEDIA_TYPES[spec.format];
    const layers = spec.layers.map((layer) => ({ spec: layer, ...this.tarGzipLayer(mediaTypes.layer, layer.files) }));
    const imageConfig: ImageConfigDocument = {
      created: spec.created,
      architecture: spec.platform.architecture,
      os: spec.platform.os,
      ...(spec.platform.variant && { variant: spec.platform.variant }),
      config: {
        ...(spec.user && { User: spec.user }),
        ...(spec.exposedPorts && { ExposedPorts: Object.fromEntries(spec.exposedPorts.map((port) => [port, {}])) }),
        Env: spec.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
        ...(spec.entrypoint && { Entrypoint: spec.entrypoint }),
        Cmd: spec.cmd,
        ...(spec.workingDir && { WorkingDir: spec.workingDir }),
        Labels: spec.labels ?? {},
      },
      rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
      // One entry per layer, then the CMD as an empty layer: the schema2-to-schema1
      // conversion of registry 2.8 needs the non-empty entries to match the layers.
      history: [
        ...layers.map((layer) => ({ created: spec.created, created_by: layer.spec.createdBy })),
        { created: spec.created, created_by: `CMD ${JSON.stringify(spec.cmd)}`, empty_layer: true },
      ],
    };
    const document: ImageManifestDocument = {
      schemaVersion: 2,
      mediaType: mediaTypes.manifest,
      config: this.jsonBlob(mediaTypes.config, imageConfig),
      layers: layers.map((layer) => layer.descriptor),
    };
    return this.manifest(mediaTypes.manifest, document, spec.tags, imageConfig);
  }

  index(
    format: ImageFormat,
    entries: IndexEntrySpec[],
    tags: string[],
    annotations?: Record<string, string>,
  ): SampleManifest {
    const mediaType = FORMAT_MEDIA_TYPES[format].index;
    const document: ImageIndexDocument = {
      schemaVersion: 2,
      mediaType,
      manifests: entries.map((entry) => ({
        ...descriptorOf(entry.manifest),
        ...(entry.annotations && { annotations: entry.annotations }),
        platform: entry.platform,
      })),
      ...(annotations && { annotations }),
    };
    return this.manifest(mediaType, document, tags);
  }

  tarGzipLayer(mediaType: string, files: LayerFiles): { descriptor: Descriptor; diffId: string } {
    const tar = tarArchive(files);
    // gzip without a file name or mtime in its header, so the bytes only depend on the tar.
    return { descriptor: this.blob(mediaType, gzipSync(tar, { level: 9 })), diffId: computeDigest(tar) };
  }

  build(): SampleRepository {
    return { name: this.name, blobs: [...this.blobsByDigest.values()], manifests: [...this.manifestsByDigest.values()] };
  }
}

function descriptorOf(manifest: SampleManifest): Descriptor {
  return { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.bytes.length };
}

/** The platform an image's config declares. */
export function platformOf(config: ImageConfigDocument): Platform {
  return {
    os: config.os ?? '',
    architecture: config.architecture ?? '',
    ...(config.variant && { variant: config.variant }),
  };
}

const TAR_BLOCK = 512;
/** Every file in the sample layers carries this mtime (the Alpine 3.19 release day). */
const TAR_MTIME_SECONDS = Date.UTC(2024, 0, 26) / 1000;

/** A POSIX ustar archive of regular files, in the given order. */
function tarArchive(files: LayerFiles): Buffer {
  const parts: Buffer[] = [];
  for (const [path, content] of Object.entries(files)) {
    const body = typeof content === 'string' ? Buffer.from(content) : content;
    parts.push(tarHeader(path, body.length), body, Buffer.alloc(paddingTo(body.length, TAR_BLOCK)));
  }
  parts.push(Buffer.alloc(2 * TAR_BLOCK));
  return Buffer.concat(parts);
}

function tarHeader(path: string, size: number): Buffer {
  const header = Buffer.alloc(TAR_BLOCK);
  const octal = (value: number, width: number) => value.toString(8).padStart(width - 1, '0') + '\0';
  header.write(path, 0, 100, 'utf8');
  header.write(octal(0o644, 8), 100);
  header.write(octal(0, 8), 108);
  header.write(octal(0, 8), 116);
  header.write(octal(size, 12), 124);
  header.write(octal(TAR_MTIME_SECONDS, 12), 136);
  header.write(' '.repeat(8), 148);
  header.write('0', 156);
  header.write('ustar\0' + '00', 257);
  header.write('root', 265);
  header.write('root', 297);
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  header.write(checksum.toString(8).padStart(6, '0') + '\0 ', 148);
  return header;
}

function paddingTo(length: number, block: number): number {
  return (block - (length % block)) % block;
}

/** Incompressible stand-in for a binary, different for every seed. */
function pseudoBinary(seed: string, length: number): Buffer {
  const chunks: Buffer[] = [];
  for (let counter = 0; chunks.length * 32 < length; counter++) {
    chunks.push(createHash('sha256').update(`${seed}#${counter}`).digest());
  }
  return Buffer.concat(chunks).subarray(0, length);
}

function alpineBaseLayer(version: string, platform: Platform): LayerSpec {
  return {
    createdBy: `ADD alpine-minirootfs-${version}-${platform.architecture}.tar.gz / # buildkit`,
    files: {
      'etc/alpine-release': `${version}\n`,
      'etc/os-release': `NAME="Alpine Linux"\nID=alpine\nVERSION_ID=${version}\nPRETTY_NAME="Alpine Linux v${version}"\n`,
      'bin/busybox': pseudoBinary(`busybox ${version} ${platform.architecture}${platform.variant ?? ''}`, 4096),
    },
  };
}

const AMD64: Platform = { os: 'linux', architecture: 'amd64' };
const ARM64: Platform = { os: 'linux', architecture: 'arm64', variant: 'v8' };
const ARM_V7: Platform = { os: 'linux', architecture: 'arm', variant: 'v7' };

function libraryAlpine(): SampleRepository {
  const repository = new RepositoryBuilder('library/alpine');
  const alpineImage = (version: string, created: string, extraLayers: LayerSpec[], tags: string[]) =>
    repository.image({
      format: 'oci',
      platform: AMD64,
      created,
      layers: [alpineBaseLayer(version, AMD64), ...extraLayers],
      cmd: ['/bin/sh'],
      labels: { 'org.opencontainers.image.version': version },
      tags,
    });
  alpineImage('3.19.1', '2024-01-27T00:51:38Z', [], ['3.19']);
  alpineImage(
    '3.20.0',
    '2024-05-22T18:18:12Z',
    [
      {
        createdBy: 'RUN apk add --no-cache ca-certificates # buildkit',
        files: { 'etc/ssl/certs/ca-certificates.crt': '# demo bundle\n'.repeat(40) },
      },
    ],
    ['3.20', 'latest'],
  );
  return repository.build();
}

/**
 * A buildx-style multi-platform index: per platform a base layer, the platform's binary and
 * the static assets (one layer, shared by every platform of the version), plus a provenance
 * attestation for the amd64 image.
 */
function teamApp(): SampleRepository {
  const repository = new RepositoryBuilder('team/app');
  const appImage = (version: string, platform: Platform, created: string, tags: string[] = []) =>
    repository.image({
      format: 'oci',
      platform,
      created,
      layers: [
        alpineBaseLayer('3.20.0', platform),
        {
          createdBy: 'COPY /out/app /usr/local/bin/app # buildkit',
          files: { 'usr/local/bin/app': pseudoBinary(`app ${version} ${platform.architecture}${platform.variant ?? ''}`, 6000) },
        },
        {
          createdBy: 'COPY public /srv/public # buildkit',
          files: {
            'srv/public/index.html': `<!doctype html><title>app ${version}</title><h1>app ${version}</h1>\n`,
            'srv/public/VERSION': `${version}\n`,
          },
        },
      ],
      entrypoint: ['/usr/local/bin/app'],
      cmd: ['serve'],
      workingDir: '/srv',
      user: '1000:1000',
      exposedPorts: ['8080/tcp'],
      labels: {
        'org.opencontainers.image.source': 'https://git.example.com/team/app',
        'org.opencontainers.image.version': version,
      },
      tags,
    });

  const provenance = (version: string, image: SampleManifest, created: string) => {
    const statement = {
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://slsa.dev/provenance/v0.2',
      subject: [
        {
          name: `pkg:docker/team/app@${version}?platform=linux%2Famd64`,
          digest: { sha256: image.digest.slice('sha256:'.length) },
        },
      ],
      predicate: {
        builder: { id: '' },
        buildType: 'https://mobyproject.org/buildkit@v1',
        metadata: { buildStartedOn: created, buildFinishedOn: created },
      },
    };
    const statementBytes = Buffer.from(JSON.stringify(statement));
    const layer = repository.blob(IN_TOTO_MEDIA_TYPE, statementBytes, {
      'in-toto.io/predicate-type': statement.predicateType,
    });
    const config = repository.jsonBlob(MediaType.ociConfig, {
      ...ATTESTATION_PLATFORM,
      config: {},
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
    });
    return repository.manifest(MediaType.ociManifest, {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config,
      layers: [layer],
    });
  };

  const release = (version: string, images: SampleManifest[], created: string, tags: string[]) => {
    const amd64 = images[0]!;
    const attestation = provenance(version, amd64, created);
    return repository.index(
      'oci',
      [
        ...images.map((image) => ({ manifest: image, platform: platformOf(image.imageConfig!) })),
        {
          manifest: attestation,
          platform: ATTESTATION_PLATFORM,
          annotations: {
            [AttestationAnnotation.digest]: amd64.digest,
            [AttestationAnnotation.type]: AttestationAnnotation.typeValue,
          },
        },
      ],
      tags,
      { 'org.opencontainers.image.version': version, 'org.opencontainers.image.created': created },
    );
  };

  // 1.1.0 did not rebuild arm/v7: both indexes list the same arm/v7 manifest.
  const armV7From100 = appImage('1.0.0', ARM_V7, '2024-03-01T10:04:00Z');
  release(
    '1.0.0',
    [appImage('1.0.0', AMD64, '2024-03-01T10:00:00Z'), appImage('1.0.0', ARM64, '2024-03-01T10:02:00Z'), armV7From100],
    '2024-03-01T10:00:00Z',
    ['1.0.0'],
  );
  release(
    '1.1.0',
    [appImage('1.1.0', AMD64, '2024-05-14T08:30:00Z'), appImage('1.1.0', ARM64, '2024-05-14T08:32:00Z'), armV7From100],
    '2024-05-14T08:30:00Z',
    ['1.1.0'],
  );
  const v2 = release(
    '2.0.0',
    [
      appImage('2.0.0', AMD64, '2024-09-02T12:00:00Z'),
      appImage('2.0.0', ARM64, '2024-09-02T12:03:00Z'),
      appImage('2.0.0', ARM_V7, '2024-09-02T12:06:00Z'),
    ],
    '2024-09-02T12:00:00Z',
    ['2.0.0', 'latest'],
  );
  appImage('2.1.0-dev', AMD64, '2024-10-07T16:45:00Z', ['dev']);

  // Shaped like a cosign signature, but OCI 1.1 style (artifactType, empty config, subject):
  // registry 2.8 stores it as is; having no referrers API, it is found through the tag.
  const signedPayload = Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': 'registry.example.com/team/app' },
        image: { 'docker-manifest-digest': v2.digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
  repository.manifest(
    MediaType.ociManifest,
    {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      artifactType: COSIGN_SIGNATURE_ARTIFACT_TYPE,
      config: repository.blob(MediaType.ociEmpty, EMPTY_JSON),
      layers: [
        repository.blob(COSIGN_SIMPLE_SIGNING_MEDIA_TYPE, signedPayload, {
          'dev.cosignproject.cosign/signature': pseudoBinary('signature of team/app 2.0.0', 64).toString('base64'),
        }),
      ],
      subject: descriptorOf(v2),
      annotations: { 'org.opencontainers.image.created': '2024-09-02T12:10:00Z' },
    },
    [cosignSignatureTag(v2.digest)],
  );
  return repository.build();
}

/** Docker's own formats: schema2 images and a manifest list. */
function teamApi(): SampleRepository {
  const repository = new RepositoryBuilder('team/api');
  const apiImage = (version: string, platform: Platform, created: string, tags: string[]) =>
    repository.image({
      format: 'docker',
      platform,
      created,
      layers: [
        alpineBaseLayer('3.19.1', platform),
        {
          createdBy: '/bin/sh -c #(nop) COPY file:api in /usr/local/bin/api',
          files: { 'usr/local/bin/api': pseudoBinary(`api ${version} ${platform.architecture}`, 5000) },
        },
      ],
      env: ['PATH=/usr/local/bin:/usr/bin:/bin', `API_VERSION=${version}`],
      cmd: ['/usr/local/bin/api'],
      exposedPorts: ['9090/tcp'],
      labels: { maintainer: 'team@example.com' },
      tags,
    });
  apiImage('1', AMD64, '2023-11-20T09:15:00Z', ['v1']);
  const v2 = apiImage('2', AMD64, '2024-02-12T14:40:00Z', ['v2', 'latest']);
  // The list's amd64 entry is the v2 image itself.
  repository.index(
    'docker',
    [
      { manifest: v2, platform: AMD64 },
      { manifest: apiImage('2', ARM64, '2024-02-12T14:44:00Z', []), platform: ARM64 },
    ],
    ['multi'],
  );
  return repository.build();
}

/** A Helm chart as `helm push` stores it. */
function chartsWeb(): SampleRepository {
  const repository = new RepositoryBuilder('charts/web');
  for (const version of ['0.1.0', '0.2.0']) {
    const chart = { apiVersion: 'v2', name: 'web', version, description: 'The demo web chart', type: 'application', appVersion: '2.0.0' };
    const chartYaml = Object.entries(chart).map(([key, value]) => `${key}: ${value}`).join('\n') + '\n';
    const document: ImageManifestDocument = {
      // No mediaType field, as Helm before 3.13 (oras-go v1) pushed charts: the registry takes
      // the type from the Content-Type of the PUT.
      schemaVersion: 2,
      config: repository.jsonBlob(HelmMediaType.config, chart),
      layers: [
        repository.tarGzipLayer(HelmMediaType.chart, {
          'web/Chart.yaml': chartYaml,
          'web/values.yaml': 'replicaCount: 1\nimage:\n  repository: team/app\n  tag: 2.0.0\n',
          'web/templates/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n',
        }).descriptor,
      ],
      annotations: {
        'org.opencontainers.image.title': 'web',
        'org.opencontainers.image.version': version,
        'org.opencontainers.image.description': chart.description,
      },
    };
    repository.manifest(MediaType.ociManifest, document, [version]);
  }
  return repository.build();
}

function toolsCiRunner(): SampleRepository {
  const repository = new RepositoryBuilder('tools/ci/runner');
  repository.image({
    format: 'oci',
    platform: AMD64,
    created: '2024-06-18T07:00:00Z',
    layers: [
      alpineBaseLayer('3.20.0', AMD64),
      {
        createdBy: 'COPY runner /usr/local/bin/runner # buildkit',
        files: { 'usr/local/bin/runner': pseudoBinary('ci runner', 3000) },
      },
    ],
    entrypoint: ['/usr/local/bin/runner'],
    cmd: ['--once'],
    tags: ['stable'],
  });
  return repository.build();
}

/** The demo's repositories, in catalog (lexical) order. */
export function sampleContent(): SampleRepository[] {
  return [chartsWeb(), libraryAlpine(), teamApi(), teamApp(), toolsCiRunner()];
}

export interface BulkImages {
  blobs: Buffer[];
  images: SampleManifest[];
}

/**
 * Small single-platform images for bulk repositories: image i has its own created date, so
 * ordering by creation is defined.
 */
export function bulkImages(count: number): BulkImages {
  const builder = new RepositoryBuilder('bulk');
  const images = Array.from({ length: count }, (_, index) =>
    builder.image({
      format: 'oci',
      platform: AMD64,
      created: new Date(Date.UTC(2024, 0, 1 + index)).toISOString(),
      layers: [{ createdBy: `COPY build-${index} /`, files: { 'build.txt': `build ${index}\n` } }],
      cmd: ['/bin/true'],
    }),
  );
  return { blobs: builder.build().blobs, images };
}

/** A repository whose tags 1.0.0 … 1.0.<tagCount-1> take turns over the images. */
export function bulkRepository(name: string, tagCount: number, bulk: BulkImages): SampleRepository {
  const manifests = bulk.images.map((image) => ({ ...image, tags: [] as string[] }));
  for (let index = 0; index < tagCount; index++) {
    manifests[index % manifests.length]!.tags.push(`1.0.${index}`);
  }
  return { name, blobs: bulk.blobs, manifests: manifests.filter((manifest) => manifest.tags.length > 0) };
}

/** The manifest a tag or digest names in a sample repository. */
export function findSampleManifest(repository: SampleRepository, reference: string): SampleManifest | undefined {
  return repository.manifests.find((manifest) => manifest.digest === reference || manifest.tags.includes(reference));
}

/** Every tag of the content with the manifest it points at. */
export function sampleTags(content: SampleRepository[]): Array<{ repository: SampleRepository; tag: string; manifest: SampleManifest }> {
  return content.flatMap((repository) =>
    repository.manifests.flatMap((manifest) => manifest.tags.map((tag) => ({ repository, tag, manifest }))),
  );
}

/**
 * What pulling the manifest transfers: its own bytes, and recursively every index entry,
 * config and layer, each distinct digest counted once (the subject of an artifact is not pulled).
 */
export function expectedTotalSize(repository: SampleRepository, digest: string): number {
  const counted = new Map<string, number>();
  const visit = (manifestDigest: string) => {
    const manifest = findSampleManifest(repository, manifestDigest);
    if (!manifest) throw new Error(`${repository.name} has no manifest ${manifestDigest}`);
    counted.set(manifest.digest, manifest.bytes.length);
    const document = manifest.document;
    if ('manifests' in document) {
      for (const entry of document.manifests) visit(entry.digest);
      return;
    }
    for (const blob of [document.config, ...document.layers]) counted.set(blob.digest, blob.size);
  };
  visit(digest);
  return [...counted.values()].reduce((sum, size) => sum + size, 0);
}

/** Platforms of the runnable images a manifest stands for; attestation entries excluded. */
export function expectedPlatforms(repository: SampleRepository, digest: string): Platform[] {
  const manifest = findSampleManifest(repository, digest);
  if (!manifest) throw new Error(`${repository.name} has no manifest ${digest}`);
  const document = manifest.document;
  if (!('manifests' in document)) return manifest.imageConfig ? [platformOf(manifest.imageConfig)] : [];
  return document.manifests
    .filter((entry) => entry.annotations?.[AttestationAnnotation.type] !== AttestationAnnotation.typeValue)
    .map((entry) => entry.platform!);
}
