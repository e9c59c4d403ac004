import { Link, useParams } from 'wouter';
import { ManifestPageDocument, type ManifestPageQuery } from '../../../src/client/generated/graphql';
import { paths } from '../App';
import { useQuery } from '../api/useQuery';
import { Digest } from '../components/Digest';
import { ErrorNotice } from '../components/ErrorNotice';
import { formatBytes, formatDate } from '../model/format';
import { manifestKind, platformName } from '../model/kinds';

type Manifest = NonNullable<ManifestPageQuery['manifest']>;

/** One manifest: layers, config, annotations, subject; an index's entries. One request, by digest or tag. */
export function ManifestPage() {
  const params = useParams<{ registry: string; repository: string; reference: string }>();
  const registry = decodeURIComponent(params.registry);
  const repository = decodeURIComponent(params.repository);
  const reference = decodeURIComponent(params.reference);
  // The route's reference is a digest or a tag of the repository.
  const imageReference = /^[a-z0-9]+:/.test(reference) ? `${repository}@${reference}` : `${repository}:${reference}`;
  const { answer, error, loading } = useQuery(ManifestPageDocument, { registry, reference: imageReference });
  const manifest = answer?.data?.manifest;
  return (
    <>
      <p className="crumbs">
        <Link href="/">Registries</Link> / <Link href={paths.registry(registry)}>{registry}</Link> /{' '}
        <Link href={paths.repository(registry, repository)}>{repository}</Link> / manifest
      </p>
      <h1>
        {repository}@{reference.replace(/^sha256:/, '').slice(0, 12)}
      </h1>
      {error && <ErrorNotice error={error} title="The manifest could not be read" />}
      {answer?.fieldErrors.map((fieldError, index) => (
        <ErrorNotice key={index} error={fieldError} title={`Part of the manifest could not be read (${fieldError.path?.join('.')})`} />
      ))}
      {loading && <p aria-live="polite">Loading…</p>}
      {answer && !manifest && (
        <p>
          The registry has no manifest {reference} in {repository}.
        </p>
      )}
      {manifest && <ManifestDetails registry={registry} repository={repository} manifest={manifest} />}
    </>
  );
}

function ManifestDetails({ registry, repository, manifest }: { registry: string; repository: string; manifest: Manifest }) {
  return (
    <>
      <dl className="facts">
        <dt>Digest</dt>
        <dd>
          <Digest digest={manifest.digest} /> <code className="full">{manifest.digest}</code>
        </dd>
        <dt>Kind</dt>
        <dd>{manifestKind(manifest)}</dd>
        <dt>Media type</dt>
        <dd>
          <code>{manifest.mediaType}</code>
        </dd>
        {manifest.artifactType && (
          <>
            <dt>Artifact type</dt>
            <dd>
              <code>{manifest.artifactType}</code>
            </dd>
          </>
        )}
        <dt>Total size</dt>
        <dd>{formatBytes(manifest.totalSize)}</dd>
        <dt>Created</dt>
        <dd>
          <time dateTime={manifest.created ?? undefined}>{manifest.created ?? '—'}</time>
        </dd>
        {manifest.__typename === 'ImageManifest' && manifest.platform && (
          <>
            <dt>Platform</dt>
            <dd>{platformName(manifest.platform)}</dd>
          </>
        )}
        {manifest.subject && (
          <>
            <dt>Subject</dt>
            <dd>
              <Link href={paths.manifest(registry, repository, manifest.subject.digest)}>the manifest this one is about</Link>{' '}
              <Digest digest={manifest.subject.digest} />
            </dd>
          </>
        )}
      </dl>
      {manifest.__typename === 'ImageIndex' && (
        <section aria-labelledby="entries">
          <h2 id="entries">Platforms</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Platform</th>
                <th scope="col">Digest</th>
                <th scope="col">Size of the manifest</th>
              </tr>
            </thead>
            <tbody>
              {manifest.manifests.map((entry) => (
                <tr key={entry.digest}>
                  <th scope="row">
                    <Link href={paths.manifest(registry, repository, entry.digest)}>
                      {entry.isAttestation ? 'attestation (not a platform)' : entry.platform ? platformName(entry.platform) : 'entry'}
                    </Link>
                  </th>
                  <td>
                    <Digest digest={entry.digest} />
                  </td>
                  <td>{formatBytes(entry.size)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {manifest.__typename === 'ImageManifest' && <ImageDetails manifest={manifest} />}
      <section aria-labelledby="referrers">
        <h2 id="referrers">Signatures, SBOMs and attestations</h2>
        {manifest.referrers === null || manifest.referrers === undefined ? (
          <p>The registry could not be asked.</p>
        ) : manifest.referrers.length === 0 ? (
          <p>None: nothing in the repository refers to this manifest.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Digest</th>
                <th scope="col">Artifact type</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {manifest.referrers.map((referrer) => (
                <tr key={referrer.id}>
                  <th scope="row">
                    <Link href={paths.manifest(registry, repository, referrer.digest)}>{manifestKind({ ...referrer, mediaType: '' })}</Link>
                  </th>
                  <td>
                    <Digest digest={referrer.digest} />
                  </td>
                  <td>
                    <code>{referrer.artifactType ?? '—'}</code>
                  </td>
                  <td>{formatDate(referrer.created)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {manifest.annotations && Object.keys(manifest.annotations).length > 0 && (
        <section aria-labelledby="annotations">
          <h2 id="annotations">Annotations</h2>
          <KeyValues entries={Object.entries(manifest.annotations).map(([key, value]) => [key, String(value)])} />
        </section>
      )}
    </>
  );
}

function ImageDetails({ manifest }: { manifest: Extract<Manifest, { __typename: 'ImageManifest' }> }) {
  const image = manifest.image;
  return (
    <>
      <section aria-labelledby="layers">
        <h2 id="layers">Layers</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Digest</th>
              <th scope="col">Media type</th>
              <th scope="col">Size</th>
            </tr>
          </thead>
          <tbody>
            {manifest.layers.map((layer, index) => (
              <tr key={`${index}-${layer.digest}`}>
                <td>{index + 1}</td>
                <td>
                  <Digest digest={layer.digest} />
                </td>
                <td>
                  <code>{layer.mediaType}</code>
                </td>
                <td>{formatBytes(layer.size)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="config">
        <h2 id="config">Config</h2>
        <p>
          <Digest digest={manifest.config.digest} /> <code>{manifest.config.mediaType}</code>, {formatBytes(manifest.config.size)}
        </p>
        {image ? (
          <KeyValues
            entries={[
              ['Entrypoint', image.entrypoint ? JSON.stringify(image.entrypoint) : '—'],
              ['Cmd', image.cmd ? JSON.stringify(image.cmd) : '—'],
              ['Working directory', image.workingDir ?? '—'],
              ['User', image.user ?? '—'],
              ['Author', image.author ?? '—'],
              ['Exposed ports', image.exposedPorts.join(', ') || '—'],
              ...image.env.map((variable): [string, string] => ['Env', variable]),
              ...image.labels.map(({ key, value }): [string, string] => [`Label ${key}`, value]),
            ]}
          />
        ) : (
          <p>Not an image configuration (an artifact).</p>
        )}
      </section>
      {image && image.history.length > 0 && (
        <section aria-labelledby="history">
          <h2 id="history">History</h2>
          <ol className="history">
            {image.history.map((entry, index) => (
              <li key={index}>
                <time dateTime={entry.created ?? undefined}>{formatDate(entry.created)}</time> <code>{entry.createdBy ?? '—'}</code>
                {entry.emptyLayer && <span className="detail"> (no layer)</span>}
              </li>
            ))}
          </ol>
        </section>
      )}
    </>
  );
}

function KeyValues({ entries }: { entries: ReadonlyArray<[string, string]> }) {
  return (
    <table className="key-values">
      <tbody>
        {entries.map(([key, value], index) => (
          <tr key={`${index}-${key}`}>
            <th scope="row">{key}</th>
            <td>
              <code>{value}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
