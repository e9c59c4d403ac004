import { useEffect, useState } from 'react';
import { Link, useParams } from 'wouter';
import { IndexPlatformsDocument, type TagOrder, TagTableDocument, type TagTableQuery } from '../../../src/client/generated/graphql';
import { paths } from '../App';
import { subscribeToEvents } from '../api/events';
import { onTokenChange, readToken } from '../api/token';
import { useDebounced } from '../api/useDebounced';
import { usePages } from '../api/usePages';
import { queryClient, useQuery } from '../api/useQuery';
import { Digest } from '../components/Digest';
import { ErrorNotice } from '../components/ErrorNotice';
import { Pager } from '../components/Pager';
import { type TagWrite, TagWriteDialog } from '../components/TagWrites';
import { formatBytes, formatDate } from '../model/format';
import { manifestKind, platformName } from '../model/kinds';

const PAGE_SIZE = 50;

const ORDERS: ReadonlyArray<[TagOrder, string]> = [
  ['NAME_ASC', 'Name, A to Z'],
  ['NAME_DESC', 'Name, Z to A'],
  ['SEMVER_DESC', 'Version, newest first'],
  ['CREATED_DESC', 'Created, newest first'],
];

type TagNode = NonNullable<NonNullable<TagTableQuery['repository']>['tags']>['edges'][number]['node'];

/**
 * A repository's tags, a page at a time in any TagOrder: one request per page. With registry
 * events, the page asks again when one arrives for this repository.
 */
export function RepositoryPage() {
  const params = useParams<{ registry: string; repository: string }>();
  const registry = decodeURIComponent(params.registry);
  const repository = decodeURIComponent(params.repository);
  const [orderBy, setOrderBy] = useState<TagOrder>('NAME_ASC');
  const [typed, setTyped] = useState('');
  const prefix = useDebounced(typed);
  const pages = usePages(`${registry}\n${repository}\n${orderBy}\n${prefix}`);
  const { answer, error, loading } = useQuery(TagTableDocument, {
    registry,
    repository,
    first: PAGE_SIZE,
    after: pages.after,
    orderBy,
    ...(prefix ? { prefix } : {}),
  });
  const canWrite = useHasToken();
  const [write, setWrite] = useState<{ kind: TagWrite; tag: TagNode } | null>(null);
  const [news, setNews] = useState('');
  useLiveUpdates(registry, repository, setNews);

  const found = answer?.data?.repository;
  const connection = found?.tags;
  return (
    <>
      <p className="crumbs">
        <Link href="/">Registries</Link> / <Link href={paths.registry(registry)}>{registry}</Link> / {repository}
      </p>
      <h1>{repository}</h1>
      {found && <p>{found.tagCount === null || found.tagCount === undefined ? '' : `${found.tagCount} tags`}</p>}
      <p className="visually-hidden" aria-live="polite">
        {news}
      </p>
      <div className="controls">
        <label htmlFor="order">Order</label>
        <select id="order" value={orderBy} onChange={(event) => setOrderBy(event.target.value as TagOrder)}>
          {ORDERS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <label htmlFor="tag-prefix">Tags starting with</label>
        <input id="tag-prefix" type="search" value={typed} onChange={(event) => setTyped(event.target.value.trim())} />
      </div>
      {error && <ErrorNotice error={error} title="The tags could not be read" />}
      {answer && !found && <p>The registry has no repository {repository}.</p>}
      {answer?.fieldErrors.map((fieldError, index) => (
        <ErrorNotice key={index} error={fieldError} title={`A field could not be read (${fieldError.path?.join('.') ?? 'answer'})`} />
      ))}
      {loading && <p aria-live="polite">Loading…</p>}
      {connection && (
        <>
          <table className="tags" aria-busy={loading}>
            <caption className="visually-hidden">Tags of {repository}</caption>
            <thead>
              <tr>
                <th scope="col">Tag</th>
                <th scope="col">Digest</th>
                <th scope="col">Kind</th>
                <th scope="col">Platforms</th>
                <th scope="col">Size</th>
                <th scope="col">Created</th>
                {canWrite && <th scope="col">Actions</th>}
              </tr>
            </thead>
            {connection.edges.map(({ node }) => (
              <TagRows
                key={node.id}
                registry={registry}
                repository={repository}
                tag={node}
                canWrite={canWrite}
                onWrite={(kind) => setWrite({ kind, tag: node })}
              />
            ))}
          </table>
          {connection.edges.length === 0 && <p>No tag{prefix ? ` starts with “${prefix}”` : ''}.</p>}
          <Pager
            label="Tag pages"
            hasPrevious={pages.pageNumber > 1}
            hasNext={connection.pageInfo.hasNextPage}
            onPrevious={pages.previous}
            onNext={() => pages.next(connection.pageInfo.endCursor!)}
            position={`Page ${pages.pageNumber} of ${Math.max(1, Math.ceil(connection.totalCount / PAGE_SIZE))}`}
          />
        </>
      )}
      {write && write.tag.digest && (
        <TagWriteDialog
          write={write.kind}
          target={{ registry, repository, tag: write.tag.name, digest: write.tag.digest }}
          onClose={() => setWrite(null)}
          onDone={refreshAfterChange}
        />
      )}
    </>
  );
}

/** A tag's row, and below it, once expanded, one row per entry of its index. */
function TagRows({
  registry,
  repository,
  tag,
  canWrite,
  onWrite,
}: {
  registry: string;
  repository: string;
  tag: TagNode;
  canWrite: boolean;
  onWrite: (kind: TagWrite) => void;
}) {
  const [expanded, setExpanded] = useState(false);
  const manifest = tag.manifest;
  const isIndex = manifest?.__typename === 'ImageIndex';
  // The tag's manifest is deferred, and its sizes, dates and platform within it: until their part of the answer is in, they show as pending.
  const contentPending = manifest === undefined;
  const sizePending = contentPending || (manifest !== null && manifest.totalSize === undefined);
  const platformPending = manifest?.__typename === 'ImageManifest' && manifest.platform === undefined;
  const pending = <span aria-label="still coming">…</span>;
  const entriesId = `entries-${tag.id}`;
  return (
    <>
      <tbody>
        <tr data-tag={tag.name} data-pending={sizePending || platformPending || undefined}>
          <th scope="row">{tag.digest ? <Link href={paths.manifest(registry, repository, tag.digest)}>{tag.name}</Link> : tag.name}</th>
          <td>{contentPending ? pending : tag.digest ? <Digest digest={tag.digest} /> : '—'}</td>
          <td>
            {contentPending ? (
              pending
            ) : manifest ? (
              <span className={`kind kind-${manifestKind(manifest)}`}>{manifestKind(manifest)}</span>
            ) : (
              '—'
            )}
          </td>
          <td>
            {manifest?.__typename === 'ImageManifest' &&
              (platformPending ? pending : manifest.platform ? platformName(manifest.platform) : '—')}
            {manifest?.__typename === 'ImageIndex' && (
              <button
                type="button"
                className="expand"
                aria-expanded={expanded}
                aria-controls={entriesId}
                aria-label={`${manifest.platforms.length} platforms of ${tag.name}`}
                onClick={() => setExpanded(!expanded)}
              >
                {manifest.platforms.length} platforms {expanded ? '▾' : '▸'}
              </button>
            )}
          </td>
          <td>{sizePending ? pending : formatBytes(manifest?.totalSize)}</td>
          <td>
            <time dateTime={manifest?.created ?? undefined} title={manifest?.created ?? undefined}>
              {sizePending ? pending : formatDate(manifest?.created)}
            </time>
          </td>
          {canWrite && (
            <td className="row-actions">
              <button type="button" disabled={contentPending} onClick={() => onWrite('untag')} aria-label={`Untag ${tag.name}`}>
                Untag
              </button>
              <button type="button" disabled={contentPending} onClick={() => onWrite('retag')} aria-label={`Retag or copy ${tag.name}`}>
                Retag / copy
              </button>
              <button
                type="button"
                disabled={contentPending}
                onClick={() => onWrite('deleteManifest')}
                aria-label={`Delete the manifest of ${tag.name}`}
              >
                Delete manifest
              </button>
            </td>
          )}
        </tr>
      </tbody>
      {isIndex && expanded && tag.digest && (
        <IndexEntryRows id={entriesId} registry={registry} repository={repository} digest={tag.digest} columns={canWrite ? 7 : 6} />
      )}
    </>
  );
}

/** An index's entries, asked for when the row is expanded: one request, by digest (an immutable answer HTTP caches keep). */
function IndexEntryRows({
  id,
  registry,
  repository,
  digest,
  columns,
}: {
  id: string;
  registry: string;
  repository: string;
  digest: string;
  columns: number;
}) {
  const { answer, error } = useQuery(IndexPlatformsDocument, { registry, reference: `${repository}@${digest}` });
  if (error) {
    return (
      <tbody id={id}>
        <tr>
          <td colSpan={columns}>
            <ErrorNotice error={error} title="The platforms could not be read" />
          </td>
        </tr>
      </tbody>
    );
  }
  const index = answer?.data?.manifest;
  if (!index || index.__typename !== 'ImageIndex') {
    return (
      <tbody id={id}>
        <tr>
          <td colSpan={columns}>Loading…</td>
        </tr>
      </tbody>
    );
  }
  return (
    <tbody id={id} className="entries">
      {index.manifests.map((entry) => (
        <tr
          key={entry.digest}
          className={entry.isAttestation ? 'entry attestation' : 'entry'}
          data-platform={entry.platform ? platformName(entry.platform) : ''}
        >
          <td className="indent">
            <Link href={paths.manifest(registry, repository, entry.digest)}>
              {entry.isAttestation ? 'attestation' : entry.platform ? platformName(entry.platform) : 'entry'}
            </Link>
          </td>
          <td>
            <Digest digest={entry.digest} />
          </td>
          <td>{entry.isAttestation ? 'attestation (not a platform)' : 'image'}</td>
          <td>{entry.platform && !entry.isAttestation ? platformName(entry.platform) : '—'}</td>
          <td>{formatBytes(entry.manifest?.totalSize)}</td>
          <td>
            <time dateTime={entry.manifest?.created ?? undefined}>{formatDate(entry.manifest?.created)}</time>
          </td>
          {columns === 7 && <td />}
        </tr>
      ))}
    </tbody>
  );
}

function useHasToken(): boolean {
  const [hasToken, setHasToken] = useState(() => readToken() !== null);
  useEffect(() => onTokenChange(() => setHasToken(readToken() !== null)), []);
  return hasToken;
}

/** After a change: what was read may be stale; the pages on screen ask again (one request each), the others when next shown. */
function refreshAfterChange(): void {
  void queryClient.invalidateQueries();
}

/** Asks the page again shortly after registry events for this repository (a burst of them: once). */
function useLiveUpdates(registry: string, repository: string, announce: (text: string) => void): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = subscribeToEvents({ registry, repository }, (event) => {
      announce(`${event.action.toLowerCase()} ${event.tag ?? event.digest ?? ''}`.trim());
      clearTimeout(timer);
      timer = setTimeout(refreshAfterChange, 300);
    });
    return () => {
      stop();
      clearTimeout(timer);
    };
  }, [registry, repository, announce]);
}
