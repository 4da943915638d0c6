/**
 * Review of the day's changes (31): the dashboard's scenes list (ui/scene-list.ts) taking its region
 * choices from `GET /scene-pulse?limit=1` (`regions`, one request whatever the catalog's size) and
 * `<scene-radar-app>` (ui/app.ts) keeping the list's region filter and page in the location hash
 * (`#/scenes?region=uk&page=2`, `routeOf`, replaced on `sr-page` / `sr-region`), against
 * docs/ui.md: hostile hashes (markup, 0, -1, 1e9, repeated and encoded parameters, `#/scenes/?`,
 * `#/?page=2`), a region the catalog does not have, a page past the end, Back/Forward across a
 * scene and the list, a reload, the host page's own `history.state`, focus on a filter change, and
 * the list used alone. The API is the test server's (tests/browser/dashboard-server.ts).
 *
 * Run on its own:
 * `npx vitest run --config vitest.browser.config.ts tests/browser/todays-changes-31.browser.ts`.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: `routeOf` lower-cases
 * the hash's region), for the reason their name states; the others
 * pin behaviour found correct.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeOf } from '../../ui/app.js';
import { freshContext, launch } from './browser-kit.js';
import { type DashboardServer, startDashboardServer } from './dashboard-server.js';

let server: DashboardServer;
let browser: Browser;
let context: BrowserContext;
let regions: string[];

beforeAll(async () => {
  [server, browser] = await Promise.all([startDashboardServer({ artists: 30 }), launch()]);
  context = await freshContext(browser);
  regions = (await server.radar.scenes.pulse.getGlobalPulse({ limit: 1 })).regions.map((r) => r.region);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Opened {
  readonly page: Page;
  readonly errors: string[];
  readonly calls: string[];
}

async function open(url: string): Promise<Opened> {
  const page = await context.newPage();
  const errors: string[] = [];
  const calls: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('dialog', (dialog) => {
    errors.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    const u = new URL(request.url());
    if (u.pathname.includes('/api/')) calls.push(`${u.pathname}${u.search}`);
  });
  await page.goto(url);
  return { page, errors, calls };
}

/** The deepest focused element, as `tag#id`. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return `${el?.localName ?? ''}#${el?.id ?? ''}`;
  });
}

describe('routeOf with hostile hashes', () => {
  it('parses region and page; a page that is not a whole number >= 1 (0, -1, 2.5, 1e400, empty) is 1; the first of repeated parameters wins; encoded characters are decoded; a trailing slash and an empty head are the list', () => {
    expect(routeOf('#/scenes?region=uk&page=2')).toEqual({ page: 'scenes', region: 'uk', listPage: 2 });
    for (const p of ['0', '-1', '2.5', '1e400', '', 'x', 'NaN', 'Infinity'])
      expect(routeOf(`#/scenes?page=${p}`)).toEqual({ page: 'scenes', region: '', listPage: 1 });
    expect(routeOf('#/scenes?page=1e9')).toEqual({ page: 'scenes', region: '', listPage: 1e9 });
    expect(routeOf('#/scenes?region=uk&region=us&page=3&page=4')).toEqual({
      page: 'scenes',
      region: 'uk',
      listPage: 3,
    });
    expect(routeOf('#/scenes?region=%3Cscript%3E')).toEqual({ page: 'scenes', region: '<script>', listPage: 1 });
    expect(routeOf('#/scenes/?region=uk')).toEqual({ page: 'scenes', region: 'uk', listPage: 1 });
    expect(routeOf('#/?page=2')).toEqual({ page: 'scenes', region: '', listPage: 2 });
    expect(routeOf('#/scenes/indie-uk-brighton?region=uk')).toEqual({ page: 'scene', slug: 'indie-uk-brighton' });
    expect(routeOf('#/talent?page=2')).toEqual({ page: 'talent' });
  });
});

describe('the list in the hash', () => {
  // ui/app.ts:34 takes the hash's region as typed; the API refuses `UK` (400, REGION_PATTERN) and
  // ui/scene-list.ts:162 shows only a 404 as "no result": the dashboard shows region codes in upper
  // case, so a reader who types what they see gets a failure whose Retry can never succeed.
  it('FAULT: `#/scenes?region=UK` (the code as the dashboard shows it) should filter on `uk`; it ends in a 400 "Could not load the scenes" panel with a Retry, and the picker lists "UK" twice (ui/app.ts:34)', async () => {
    const { page } = await open(`${server.page('demo')}#/scenes?region=UK`);
    const list = page.locator('scene-radar-scene-list');
    await expect.poll(() => list.locator('#region option').count(), { timeout: 10_000 }).toBeGreaterThan(2);
    await list.locator('tbody tr[data-scene], [data-state="error"], [data-state="empty"]').first().waitFor();
    const shown = await list.locator('#region option').allTextContents();
    expect({
      error: await list.locator('[data-state="error"]').count(),
      ukOptions: shown.filter((t) => t.trim() === 'UK').length,
      rows: (await list.locator('tbody tr[data-scene]').count()) > 0,
    }).toEqual({ error: 0, ukOptions: 1, rows: true });
    await page.close();
  });

  it('markup in the hash region stays text (no script, no dialog); a valid region the catalog lacks is the "no scene in ZZ" empty state', async () => {
    const { page, errors } = await open(`${server.page('demo')}#/scenes?region=%3Cimg%20src=x%20onerror=alert(1)%3E`);
    const list = page.locator('scene-radar-scene-list');
    await list.locator('[data-state="error"]').waitFor({ timeout: 10_000 });
    expect(await list.locator('img').count()).toBe(0);
    expect(await list.locator('#region option').nth(1).textContent()).toBe('<IMG SRC=X ONERROR=ALERT(1)>');
    expect(errors).toEqual([]);
    await page.goto(`${server.page('demo')}#/scenes?region=zz&page=3`);
    await list.getByText('No scene in ZZ has a pulse yet').waitFor({ timeout: 10_000 });
    expect(await list.locator('[data-state="error"]').count()).toBe(0);
    await page.close();
  });

  it('a page past the end (page=1e9) offers "Go to the first page", which goes there and writes `#/scenes`; region choices come from `/scene-pulse?limit=1`, no `/scenes` paging', async () => {
    const { page, calls } = await open(`${server.page('demo')}#/scenes?page=1e9`);
    const list = page.locator('scene-radar-scene-list');
    const first = list.getByRole('button', { name: 'Go to the first page' });
    await first.waitFor({ timeout: 10_000 });
    await first.click();
    await list.locator('tbody tr[data-scene]').first().waitFor({ timeout: 10_000 });
    expect(await list.locator('[data-page-label]').textContent()).toMatch(/^Page 1 /);
    expect(new URL(page.url()).hash).toBe('#/scenes');
    expect(calls.filter((c) => c.includes('/api/scene-pulse?limit=1')).length).toBeGreaterThan(0);
    expect(calls.some((c) => /\/api\/scenes\?/.test(c))).toBe(false);
    await page.close();
  });

  it("a region change replaces the hash (no new history entry, the host's history.state kept, focus stays on the picker); Next writes page=2 (focus on Next); Back from a scene, Forward, Back and a reload return to page 2", async () => {
    const { page } = await open(`${server.page('demo')}#/talent`);
    await page.evaluate(() => {
      history.pushState({ host: 'kept' }, '', '#/scenes');
    });
    await page.evaluate(() => window.dispatchEvent(new HashChangeEvent('hashchange')));
    const list = page.locator('scene-radar-scene-list');
    await list.locator('tbody tr[data-scene]').first().waitFor({ timeout: 10_000 });
    await expect.poll(() => list.locator('#region option').count()).toBe(regions.length + 1);
    const length = await page.evaluate(() => history.length);
    const region = regions.includes('uk') ? 'uk' : regions[0]!;
    await list.getByLabel('Region').focus();
    await list.getByLabel('Region').selectOption(region);
    await expect.poll(() => new URL(page.url()).hash).toBe(`#/scenes?region=${region}`);
    expect(await page.evaluate(() => history.state)).toEqual({ host: 'kept' });
    expect(await page.evaluate(() => history.length)).toBe(length);
    expect(await focused(page)).toBe('select#region');
    await list.locator('tbody tr[data-scene]').first().waitFor();
    await list.getByLabel('Region').selectOption('');
    await expect.poll(() => new URL(page.url()).hash).toBe('#/scenes');
    const next = list.getByRole('button', { name: 'Next' });
    await expect.poll(() => next.isEnabled()).toBe(true);
    await next.click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/scenes?page=2');
    expect(await focused(page)).toBe('button#');
    await list.getByLabel('Region').selectOption(region);
    await expect.poll(() => new URL(page.url()).hash).toBe(`#/scenes?region=${region}`);
    await list.getByLabel('Region').selectOption('');
    await next.click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/scenes?page=2');
    await list.locator('[data-page-label]', { hasText: 'Page 2' }).waitFor();
    const second = await list.locator('tbody tr[data-scene]').first().getAttribute('data-scene');
    await list.locator('tbody tr[data-scene] a').first().click();
    await page.locator('scene-radar-scene').waitFor({ timeout: 10_000 });
    await page.goBack();
    await list.locator('tbody tr[data-scene]').first().waitFor({ timeout: 10_000 });
    expect(await list.getByLabel('Region').inputValue()).toBe('');
    expect(await list.locator('[data-page-label]').textContent()).toMatch(/^Page 2 /);
    await page.goForward();
    await page.locator('scene-radar-scene').waitFor({ timeout: 10_000 });
    await page.goBack();
    await list.locator('tbody tr[data-scene]').first().waitFor({ timeout: 10_000 });
    expect(await list.locator('[data-page-label]').textContent()).toMatch(/^Page 2 /);
    await page.reload();
    await list.locator('tbody tr[data-scene]').first().waitFor({ timeout: 10_000 });
    expect(await list.locator('[data-page-label]').textContent()).toMatch(/^Page 2 /);
    expect(await page.evaluate(() => history.state)).toEqual({ host: 'kept' });
    expect(second).toBeTruthy();
    await page.close();
  });

  it('the list used alone (outside <scene-radar-app>) fires sr-region on a region change and leaves the hash alone', async () => {
    const { page } = await open(`${server.page('demo')}#/talent`);
    await page.locator('scene-radar-top-artists tbody tr').first().waitFor({ timeout: 10_000 });
    const base = await page.locator('scene-radar-app').evaluate((el) => (el as unknown as { base: string }).base);
    await page.evaluate((b) => {
      const el = document.createElement('scene-radar-scene-list') as HTMLElement & { base: string };
      el.base = b;
      el.id = 'alone';
      (window as unknown as { fired: string[] }).fired = [];
      for (const t of ['sr-region', 'sr-page'])
        el.addEventListener(t, () => (window as unknown as { fired: string[] }).fired.push(t));
      document.body.append(el);
    }, base);
    const alone = page.locator('#alone');
    await expect.poll(() => alone.locator('#region option').count(), { timeout: 10_000 }).toBeGreaterThan(1);
    await alone.getByLabel('Region').selectOption(regions[0]!);
    await alone.locator('tbody tr[data-scene], [data-state="empty"]').first().waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { fired: string[] }).fired)).toEqual(['sr-region']);
    expect(new URL(page.url()).hash).toBe('#/talent');
    await page.close();
  });
});
