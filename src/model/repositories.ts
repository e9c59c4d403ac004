/** Repositories of a registry: pages of its catalog (or of its configured list), and single repositories. */
import { MAX_CATALOG_PAGE_SIZE } from '../registry/catalog.js';
import { nullIfNotFound } from '../registry/errors.js';
import { assertRepositoryName } from '../registry/reference.js';
import { type FetchCatalogPage, readRepositoryPage } from '../registry/repositoryPage.js';
import { staticCatalog } from '../registry/staticCatalog.js';
import type { RegistryEntry } from '../registries.js';
import { quote } from '../util/quote.js';
import { badInput } from './errors.js';
import { type Connection, type PageRequest, connectionOf, decodeCursor, pageSize } from './paging.js';
import type { Reads } from './reads.js';
import type { Repository } from './types.js';

export const DEFAULT_REPOSITORY_PAGE = 100;
export { MAX_CATALOG_PAGE_SIZE };

const CURSOR_KIND = 'repository';

export class Repositories {
  constructor(private readonly reads: Reads) {}

  /**
   * The repository when the registry knows it, else null. `withTagList`: the caller is going to
   * read its tag list anyway, which then answers the question too; otherwise a probe that reads
   * at most one name where the registry pages tag lists.
   */
  /**
   * The repository, or null when the registry does not know it. `forUploads`: the caller reads
   * only its uploads, which a repository has before its first manifest (when the registry does
   * not list it yet): no existence check.
   */
  async find(
    registry: string,
    name: string,
    { withTagList = false, forUploads = false }: { withTagList?: boolean; forUploads?: boolean } = {},
  ): Promise<Repository | null> {
    if (forUploads) return { registry, name };
    const key = { registry, repository: name };
    const exists = withTagList
      ? (await nullIfNotFound(this.reads.loaders.tags.load(key))) !== null
      : await this.reads.loaders.repositories.load(key);
    return exists ? { registry, name } : null;
  }

  /** Names in lexical order, from the catalog or the list configured for the registry. */
  async page(registry: RegistryEntry, request: PageRequest): Promise<Connection<Repository>> {
    const first = pageSize(request.first, DEFAULT_REPOSITORY_PAGE, MAX_CATALOG_PAGE_SIZE);
    const after = request.after ? decodeCursor(CURSOR_KIND, request.after) : undefined;
    if (after !== undefined) assertRepositoryName(after);
    const prefix = request.prefix || undefined;
    if (prefix !== undefined && !/^[a-z0-9._/-]+$/.test(prefix)) {
      throw badInput(`invalid prefix ${quote(prefix)}: repository names use only [a-z0-9._/-]`);
    }
    const configured = registry.config.repositories;
    const name = registry.config.name;
    const catalog: FetchCatalogPage = configured
      ? staticCatalog(configured)
      : ({ n, last }) => this.reads.loaders.catalogPages.load({ registry: name, n, last });
    const page = await readRepositoryPage(catalog, { first, after, prefix });
    if (after === undefined && prefix === undefined && !page.hasNextPage) this.reads.observed.recordCatalog(name, page.names.length);
    return connectionOf(CURSOR_KIND, page.names, (repository) => ({ registry: name, name: repository }), {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: after !== undefined,
    });
  }
}
