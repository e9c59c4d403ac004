/**
 * The registry browser at `/`, in Debian's Chromium driven by playwright-core, against a gateway
 * on a real registry (distribution 2.8) holding the sample content and sending its
 * notifications to the gateway: every page is one GraphQL request, nothing leaves the gateway's
 * origin, digests match the registry's own, writes show their dry run first, events update an
 * open page. With REGQL_SCREENSHOTS=<directory> the main pages are saved there (`npm run screenshots`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleContent } from '../../fixtures/content/sampleContent.js';
import type { LocalRegistry } from '../../fixtures/registry/localRegistry.js';
import type { RegistryClient } from '../../src/registry/client.js';
import type { RunningServer } from '../../src/server/listen.js';
import { buildUi, launchChromium } from '../support/browser.js';
import { testClient } from '../support/client.js';
import { startGatewayWithNotifyingRegistry } from '../support/notifyingRegistry.js';
import { ACCESS, TOKENS } from '../support/writes.js';

const content = sampleContent();
const tagsOf = (name: string) => content.find((repository) => repository.name === name)!.manifests.flatMap((manifest) => manifest.tags);
const screenshots = process.env.REGQL_SCREENSHOTS;

let registry: LocalRegistry;
let gateway: RunningServer;
let direct: RegistryClient;
let browser: Browser;
let page: Page;
/** Every request the page made, in order. */
const requests: Request[] = [];

beforeAll(async () => {
  const uiDirectory = await buildUi();
  ({ gateway, registry } = await startGatewayWithNotifyingRegistry({ access: ACCESS, server: { ui: { directory: uiDirectory } } }));
  direct = testClient(registry.url);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('request', (request) => void requests.push(request));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await direct?.close();
  await gateway?.close();
  await registry?.stop();
});

const isGraphql = (request: Request) => new URL(request.url()).pathname === '/graphql';
const isEventStream = (request: Request) => isGraphql(request) && request.headers().accept === 'text/event-stream';

/** The GraphQL requests (not the event stream) that `action` led to, once the page has settled. */
async function graphqlRequestsOf(action: () => Promise<unknown>): Promise<Request[]> {
  const before = requests.length;
  await action();
  // Settled: no GraphQL request started in the last 400 ms, and no deferred part still to come.
  let seen = -1;
  while (seen !== requests.length) {
    seen = requests.length;
    await page.waitForTimeout(400);
  }
  await page.locator('[data-pending]').first().waitFor({ state: 'detached' });
  return requests.slice(before).filter((request) => isGraphql(request) && !isEventStream(request));
}

const operationOf = (request: Request) =>
  new URL(request.url()).searchParams.get('operationName') ?? (request.postDataJSON() as { operationName?: string } | null)?.operationName;

async function screenshot(name: string): Promise<void> {
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

const rowNames = () =>
  page.locator('table.tags > tbody > tr[data-tag]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-tag')!));

describe('browsing', () => {
  it('the registries page: one request, the registry reachable', async () => {
    const made = await graphqlRequestsOf(() => page.goto(`${gateway.url}/`));
    expect(made.map(operationOf)).toEqual(['Registries']);
    await expect(page.getByRole('link', { name: 'local', exact: true }).isVisible()).resolves.toBe(true);
    expect(await page.getByText('Reachable, signed in').count()).toBe(1);
    await screenshot('registries');
  });

  it('the repositories: one request a page; a prefix finds exactly the matching names', async () => {
    const opened = await graphqlRequestsOf(() => page.getByRole('link', { name: 'local', exact: true }).click());
    expect(opened.map(operationOf)).toEqual(['RepositoryPage']);
    const all = content.map(({ name }) => name).sort();
    expect(await page.locator('ul.repositories a').allTextContents()).toEqual(all);

    const searched = await graphqlRequestsOf(() =>
      page.getByLabel('Repository names starting with').pressSequentially('team/', { delay: 20 }),
    );
    expect(searched.map(operationOf)).toEqual(['RepositoryPage']);
    expect(await page.locator('ul.repositories a').allTextContents()).toEqual(all.filter((name) => name.startsWith('team/')));
    await screenshot('repositories');
  });

  it('a repository: one request; every tag with the digest the registry itself gives', async () => {
    const opened = await graphqlRequestsOf(() => page.getByRole('link', { name: 'team/app', exact: true }).click());
    expect(opened.map(operationOf)).toEqual(['TagTable']);
    const tags = tagsOf('team/app').sort();
    expect(await rowNames()).toEqual(tags);
    for (const tag of tags) {
      const row = page.locator(`tr[data-tag="${tag}"]`);
      const { digest } = await direct.manifestHead('team/app', tag);
      expect(await row.locator('[data-digest]').getAttribute('data-digest')).toBe(digest);
      expect(await row.locator('.digest code').textContent()).toBe(digest.slice('sha256:'.length, 'sha256:'.length + 12));
    }
  });

  it('sorts by created date, newest first: one request', async () => {
    const sorted = await graphqlRequestsOf(() => page.getByLabel('Order').selectOption('CREATED_DESC'));
    expect(sorted.map(operationOf)).toEqual(['TagTable']);
    const dates = await page
      .locator('table.tags > tbody > tr[data-tag] time')
      .evaluateAll((times) => times.map((time) => time.getAttribute('datetime')));
    const dated = dates.filter((date): date is string => date !== null);
    expect(dated.length).toBeGreaterThan(1);
    expect(dated.map((date) => Date.parse(date))).toEqual([...dated.map((date) => Date.parse(date))].sort((a, b) => b - a));
    await page.getByLabel('Order').selectOption('NAME_ASC');
  });

  it('expands a multi-platform tag into its platforms, each with its size and date; the attestation marked, not a platform', async () => {
    const expanded = await graphqlRequestsOf(() => page.getByRole('button', { name: '3 platforms of 2.0.0' }).click());
    expect(expanded.map(operationOf)).toEqual(['IndexPlatforms']);
    const entries = page.locator('tbody.entries tr');
    const platforms = await entries.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-platform')));
    expect(platforms).toEqual(expect.arrayContaining(['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7']));
    for (const platform of ['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7']) {
      const cells = await page.locator(`tbody.entries tr[data-platform="${platform}"] td`).allTextContents();
      expect(cells[4]).toMatch(/\d+(\.\d)? (B|KiB|MiB)/);
      expect(cells[5]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    }
    expect(await page.locator('tbody.entries tr.attestation').count()).toBeGreaterThan(0);
    expect(await page.locator('tbody.entries tr.attestation td').nth(2).textContent()).toBe('attestation (not a platform)');
    await screenshot('repository');
  });

  it('a manifest page: one request; layers, config and history', async () => {
    const opened = await graphqlRequestsOf(() => page.getByRole('link', { name: 'dev', exact: true }).click());
    expect(opened.map(operationOf)).toEqual(['ManifestPage']);
    expect(await page.getByRole('heading', { name: 'Layers' }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'History' }).isVisible()).toBe(true);
    expect(await page.locator('table.key-values th').allTextContents()).toEqual(expect.arrayContaining(['Cmd', 'Env']));
    expect(await page.getByText('None: nothing in the repository refers to this manifest.').count()).toBe(1);
    await screenshot('manifest');
    await page.goBack();
  });

  it("an image's page lists its signature, found by the referrers of the manifest", async () => {
    const opened = await graphqlRequestsOf(() => page.goto(`${gateway.url}/#/r/local/repo/team%2Fapp/m/2.0.0`));
    expect(opened.map(operationOf)).toEqual(['ManifestPage']);
    const referrers = page.getByRole('region', { name: 'Signatures, SBOMs and attestations' }).locator('tbody th');
    expect(await referrers.allTextContents()).toEqual(['signature']);
    await page.goto(`${gateway.url}/#/r/local/repo/team%2Fapp`);
    await page.locator('tr[data-tag]').first().waitFor();
  });
});

describe('writes', () => {
  it('untag with a token: the dry run first, then the row goes', async () => {
    await page.getByLabel('Access token').fill(TOKENS.admin);
    await page.getByRole('button', { name: 'Use token' }).click();
    const tag = '1.1.0';
    expect(await rowNames()).toContain(tag);

    const checked = await graphqlRequestsOf(() => page.getByRole('button', { name: `Untag ${tag}` }).click());
    expect(checked.map(operationOf)).toEqual(['DeleteTag']);
    expect(checked[0]!.postDataJSON().variables.input.dryRun).toBe(true);
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByText(`Removes the tag ${tag}`).isVisible()).toBe(true);
    await screenshot('untag');

    const confirmed = await graphqlRequestsOf(() => dialog.getByRole('button', { name: `Remove tag ${tag}` }).click());
    // The page asks again after the write, and once more for the registry's events of it (a placeholder pushed and deleted on 2.8).
    const [deleted, ...refreshed] = confirmed.map(operationOf);
    expect(deleted).toBe('DeleteTag');
    expect(refreshed.length).toBeGreaterThanOrEqual(1);
    expect(refreshed.length).toBeLessThanOrEqual(2);
    expect(new Set(refreshed)).toEqual(new Set(['TagTable']));
    expect(await rowNames()).not.toContain(tag);
    expect(await direct.tagsList('team/app')).not.toContain(tag);
  });

  it('an error says what went wrong using the API code: a token without the scope', async () => {
    await page.getByRole('button', { name: 'Forget token' }).click();
    await page.getByLabel('Access token').fill(TOKENS.reader);
    await page.getByRole('button', { name: 'Use token' }).click();
    await graphqlRequestsOf(() => page.getByRole('button', { name: 'Untag 1.0.0' }).click());
    expect(await page.getByRole('alert').textContent()).toMatch(/lacks the scope.*FORBIDDEN/);
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  });
});

describe('live', () => {
  it('a tag pushed to the registry appears on the open page, and goes when its manifest is deleted', async () => {
    const source = await direct.manifestGet('team/app', '1.0.0');
    await direct.manifestPut('team/app', 'pushed-live', source.bytes, source.mediaType);
    await page.locator('tr[data-tag="pushed-live"]').waitFor({ timeout: 15_000 });

    await direct.manifestDelete('team/app', source.digest);
    await page.locator('tr[data-tag="pushed-live"]').waitFor({ state: 'detached', timeout: 15_000 });
    expect(await rowNames()).not.toContain('1.0.0');
  });
});

describe('the page', () => {
  it('asked nothing of any host but the gateway', () => {
    const origins = new Set(requests.map((request) => new URL(request.url()).origin));
    expect([...origins]).toEqual([gateway.url]);
  });

  it('is keyboard-usable: a skip link first, and every control reachable with Tab shows focus', async () => {
    await page.goto(`${gateway.url}/`);
    await page.getByRole('heading', { name: 'Registries' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe('solid');
  });
});
