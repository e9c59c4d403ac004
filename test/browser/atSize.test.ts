/**
 * The registry browser on a real registry of 1,000 repositories and a repository of 5,000 tags:
 * every page is one request for one page of names or tags (50), whatever the size, and the page
 * holds only those rows. How fast that is, is measured by `npm run bench`, not here.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bulkImages, bulkRepository } from '../../fixtures/content/sampleContent.js';
import type { LocalRegistry } from '../../fixtures/registry/localRegistry.js';
import { copyRepository, copyTag } from '../../fixtures/registry/storageCopies.js';
import { seedRegistry } from '../../fixtures/seed.js';
import { parseConfig } from '../../src/config/index.js';
import { startServer, type RunningServer } from '../../src/server/listen.js';
import { buildUi, launchChromium } from '../support/browser.js';
import { startSeededRegistry } from '../support/registry.js';

const REPOSITORIES = 1000;
const TAGS = 5000;
const repositoryName = (index: number) => `size/repo-${String(index).padStart(4, '0')}`;
const tagName = (index: number) => `1.0.${index}`;

let registry: LocalRegistry;
let gateway: RunningServer;
let browser: Browser;
let page: Page;
const graphqlRequests: string[] = [];

beforeAll(async () => {
  const [uiDirectory, started] = await Promise.all([
    buildUi(),
    startSeededRegistry({
      seed: (client) =>
        seedRegistry(client, [bulkRepository(repositoryName(1), 1, bulkImages(1)), bulkRepository('size/big', 1, bulkImages(1))]),
    }),
  ]);
  registry = started;
  await copyRepository(
    registry,
    repositoryName(1),
    Array.from({ length: REPOSITORIES - 2 }, (_, index) => repositoryName(index + 2)),
  );
  await copyTag(
    registry,
    'size/big',
    tagName(0),
    Array.from({ length: TAGS - 1 }, (_, index) => tagName(index + 1)),
  );
  gateway = await startServer({
    config: parseConfig({ registries: [{ name: 'local', url: registry.url }], server: { ui: { directory: uiDirectory } } }),
    port: 0,
    host: '127.0.0.1',
  });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/graphql' && request.headers().accept !== 'text/event-stream')
      graphqlRequests.push(url.searchParams.get('operationName') ?? '');
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await registry?.stop();
});

async function requestsOf(action: () => Promise<unknown>, until: () => Promise<unknown>): Promise<string[]> {
  const before = graphqlRequests.length;
  await action();
  await until();
  await page.waitForTimeout(300);
  return graphqlRequests.slice(before);
}

it('1,000 repositories: a page of 50 per request, the next page one more', async () => {
  const names = page.locator('ul.repositories a');
  const first = await requestsOf(
    () => page.goto(`${gateway.url}/#/r/local`),
    () => names.first().waitFor(),
  );
  expect(first).toEqual(['RepositoryPage']);
  // 999 copies plus size/big: "size/big" sorts before "size/repo-…".
  expect(await names.count()).toBe(50);
  expect(await names.first().textContent()).toBe('size/big');

  const second = await requestsOf(
    () => page.getByRole('button', { name: 'Next page →' }).click(),
    () => page.getByText('Page 2').waitFor(),
  );
  expect(second).toEqual(['RepositoryPage']);
  expect(await names.first().textContent()).toBe(repositoryName(50));
  expect(await names.count()).toBe(50);
});

it('a repository of 5,000 tags: 50 rows from one request, page after page', async () => {
  const rows = page.locator('table.tags > tbody > tr[data-tag]');
  const opened = await requestsOf(
    () => page.goto(`${gateway.url}/#/r/local/repo/size%2Fbig`),
    () => rows.first().waitFor(),
  );
  expect(opened).toEqual(['TagTable']);
  expect(await rows.count()).toBe(50);
  expect(await page.getByText('Page 1 of 100').count()).toBe(1);
  expect(await page.getByText(`${TAGS} tags`).count()).toBe(1);

  const next = await requestsOf(
    () => page.getByRole('button', { name: 'Next page →' }).click(),
    () => page.getByText('Page 2 of 100').waitFor(),
  );
  expect(next).toEqual(['TagTable']);
  expect(await rows.count()).toBe(50);
  // Tags sort by name: 1.0.0, 1.0.1, 1.0.10, 1.0.100, ...
  const expected = Array.from({ length: TAGS }, (_, index) => tagName(index)).sort();
  expect(await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-tag')))).toEqual(
    expected.slice(50, 100),
  );
});
