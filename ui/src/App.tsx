import { Link, Route, Router, Switch } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import { TokenForm } from './components/TokenForm';
import { ManifestPage } from './pages/ManifestPage';
import { RegistriesPage } from './pages/RegistriesPage';
import { RepositoriesPage } from './pages/RepositoriesPage';
import { RepositoryPage } from './pages/RepositoryPage';

/**
 * Pages live in the URL's fragment (#/r/local/repo/team%2Fapp), so the gateway serves one file
 * at `/` and a reload or a shared link opens the same page.
 */
export function App() {
  return (
    <Router hook={useHashLocation}>
      <a className="skip" href="#main" onClick={(event) => (event.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header className="top">
        <nav aria-label="Site">
          <Link href="/" className="brand">
            regql
          </Link>
          <Link href="/">Registries</Link>
          <a href="graphql">GraphiQL</a>
        </nav>
        <TokenForm />
      </header>
      <main id="main" tabIndex={-1}>
        <Switch>
          <Route path="/" component={RegistriesPage} />
          <Route path="/r/:registry" component={RepositoriesPage} />
          <Route path="/r/:registry/repo/:repository" component={RepositoryPage} />
          <Route path="/r/:registry/repo/:repository/m/:reference" component={ManifestPage} />
          <Route>
            <h1>Page not found</h1>
            <p>
              <Link href="/">Back to the registries</Link>
            </p>
          </Route>
        </Switch>
      </main>
    </Router>
  );
}

/** Links to pages, with repository names and references encoded (they contain slashes). */
export const paths = {
  registry: (registry: string) => `/r/${encodeURIComponent(registry)}`,
  repository: (registry: string, repository: string) => `/r/${encodeURIComponent(registry)}/repo/${encodeURIComponent(repository)}`,
  manifest: (registry: string, repository: string, reference: string) =>
    `/r/${encodeURIComponent(registry)}/repo/${encodeURIComponent(repository)}/m/${encodeURIComponent(reference)}`,
};
