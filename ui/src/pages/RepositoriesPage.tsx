import { useState } from 'react';
import { Link, useParams } from 'wouter';
import { RepositoryPageDocument } from '../../../src/client/generated/graphql';
import { paths } from '../App';
import { useDebounced } from '../api/useDebounced';
import { usePages } from '../api/usePages';
import { useQuery } from '../api/useQuery';
import { ErrorNotice } from '../components/ErrorNotice';
import { Pager } from '../components/Pager';

const PAGE_SIZE = 50;

/** A registry's repositories, page by page through any catalog size, with a prefix search: one request per page. */
export function RepositoriesPage() {
  const registry = decodeURIComponent(useParams<{ registry: string }>().registry);
  const [typed, setTyped] = useState('');
  const prefix = useDebounced(typed);
  const pages = usePages(`${registry}\n${prefix}`);
  const { answer, error, loading } = useQuery(RepositoryPageDocument, {
    registry,
    first: PAGE_SIZE,
    after: pages.after,
    ...(prefix ? { prefix } : {}),
  });
  const connection = answer?.data?.registry.repositories;
  return (
    <>
      <p className="crumbs">
        <Link href="/">Registries</Link> / {registry}
      </p>
      <h1>Repositories of {registry}</h1>
      <form className="search" role="search" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor="prefix">Repository names starting with</label>
        <input id="prefix" type="search" value={typed} onChange={(event) => setTyped(event.target.value.trim())} placeholder="e.g. team/" />
      </form>
      {error && <ErrorNotice error={error} title="The repositories could not be read" />}
      {answer?.fieldErrors[0] && <ErrorNotice error={answer.fieldErrors[0]} title="The repositories could not be read" />}
      {loading && <p aria-live="polite">Loading…</p>}
      {connection && (
        <>
          {connection.edges.length === 0 ? (
            <p>No repository{prefix ? ` starts with “${prefix}”` : ''}.</p>
          ) : (
            <ul className="repositories" aria-busy={loading}>
              {connection.edges.map(({ node }) => (
                <li key={node.id}>
                  <Link href={paths.repository(registry, node.name)}>{node.name}</Link>
                </li>
              ))}
            </ul>
          )}
          <Pager
            label="Repository pages"
            hasPrevious={pages.pageNumber > 1}
            hasNext={connection.pageInfo.hasNextPage}
            onPrevious={pages.previous}
            onNext={() => pages.next(connection.pageInfo.endCursor!)}
            position={`Page ${pages.pageNumber}`}
          />
        </>
      )}
    </>
  );
}
