/**
 * First rows first: the registry browser's tag table shows every tag's row as soon as the tag
 * list is in, and fills each row as its manifest arrives (`@defer`), against the real registry
 * behind a proxy that holds back one tag's manifest.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { findSampleManifest } from '../../fixtures/content/oracles.js';
import { sampleContent } from '../../fixtures/content/sampleContent.js';
import { parseConfig } from '../../src/config/index.js';
import { startServer, type RunningServer } from '../../src/server/listen.js';
import { buildUi, launchChromium } from '../support/browser.js';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy.js';

const SLOW_MS = 3000;
const SLOW_TAG = 'dev';
const app = sampleContent().find(({ name }) => name === 'team/app')!;

let proxy: FaultProxy;
let gateway: RunningServer;
let browser: Browser;
let page: Page;
/** Whether the proxy has let the slow tag's manifest through yet. */
let slowAnswered = false;

beforeAll(async () => {
  const uiDirectory = await buildUi();
  proxy = await startFaultProxy(inject('registryUrl'));
  const isSlow = (path: string) => path.endsWith(`/team/app/manifests/${SLOW_TAG}`);
  proxy.decide = ({ method, path }) => (method === 'GET' && isSlow(path) ? { delayMs: SLOW_MS } : 'forward');
  proxy.afterAnswer = ({ method, path }) => {
    if (method === 'GET' && isSlow(path)) slowAnswered = true;
  };
  gateway = await startServer({
    config: parseConfig({ registries: [{ name: 'local', url: proxy.url }], server: { ui: { directory: uiDirectory } } }),
    port: 0,
    host: '127.0.0.1',
  });
  browser = await launchChromium();
  page = await browser.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await proxy?.stop();
});

const row = (tag: string) => page.locator(`table.tags tr[data-tag="${tag}"]`);

it("shows every row and the other tags' digests while one tag's manifest is still on its way", async () => {
  await page.goto(`${gateway.url}/#/r/local/repo/${encodeURIComponent('team/app')}`);
  const fast = findSampleManifest(app, '1.0.0')!;
  await row('1.0.0').locator(`[data-digest="${fast.digest}"]`).waitFor();

  expect(slowAnswered).toBe(false);
  await expect(row(SLOW_TAG).isVisible()).resolves.toBe(true);
  expect(await row(SLOW_TAG).getAttribute('data-pending')).not.toBeNull();
  expect(await row(SLOW_TAG).locator('[data-digest]').count()).toBe(0);
  expect(await row(SLOW_TAG).getByLabel('still coming').count()).toBeGreaterThan(0);

  const slow = findSampleManifest(app, SLOW_TAG)!;
  await row(SLOW_TAG)
    .locator(`[data-digest="${slow.digest}"]`)
    .waitFor({ timeout: SLOW_MS + 10_000 });
  expect(slowAnswered).toBe(true);
  await page.locator('[data-pending]').first().waitFor({ state: 'detached' });
});
