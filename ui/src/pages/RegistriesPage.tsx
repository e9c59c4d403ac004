import { Link } from 'wouter';
import { RegistriesDocument } from '../../../src/client/generated/graphql';
import { paths } from '../App';
import { useQuery } from '../api/useQuery';
import { ErrorNotice } from '../components/ErrorNotice';
import { explain } from '../model/errors';

/** The configured registries and whether the gateway gets in: one request. */
export function RegistriesPage() {
  const { answer, error, loading } = useQuery(RegistriesDocument, {});
  return (
    <>
      <h1>Registries</h1>
      {error && <ErrorNotice error={error} title="The registries could not be read" />}
      {loading && !answer && <p aria-live="polite">Loading…</p>}
      {answer && (
        <table>
          <caption className="visually-hidden">Registries and their status</caption>
          <thead>
            <tr>
              <th scope="col">Registry</th>
              <th scope="col">URL</th>
              <th scope="col">Status</th>
              <th scope="col">API version</th>
              <th scope="col">Latency</th>
            </tr>
          </thead>
          <tbody>
            {answer.data!.registries.map((registry) => (
              <tr key={registry.id}>
                <th scope="row">
                  <Link href={paths.registry(registry.name)}>{registry.name}</Link>
                </th>
                <td>
                  <code>{registry.url}</code>
                </td>
                <td>
                  <RegistryStatus status={registry.status} />
                </td>
                <td>{registry.status.apiVersion ?? '—'}</td>
                <td>
                  {registry.status.latencyMs === null || registry.status.latencyMs === undefined
                    ? '—'
                    : `${Math.round(registry.status.latencyMs)} ms`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

interface Status {
  reachable: boolean;
  authenticated: boolean;
  error?: string | null;
  errorCode?: string | null;
}

function RegistryStatus({ status }: { status: Status }) {
  if (status.reachable && status.authenticated) return <span className="ok">Reachable, signed in</span>;
  const problem = status.reachable ? 'Reachable, but the gateway is not let in' : 'Unreachable';
  return (
    <span className="bad">
      {problem}
      {status.errorCode && `: ${explain(status.errorCode)}`}
      {status.error && <span className="detail"> ({status.error})</span>}
    </span>
  );
}
