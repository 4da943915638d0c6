/**
 * The dashboard against hostile answers, in a real browser: an API that never answers, stale
 * pulses, an element moved while it loads, a base path with a query, empty names. The demo world
 * answers; `page.route` holds or rewrites single answers.
 */
import { createServer, type Server } from 'node:http';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { createSceneRadar, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { toNodeListener } from 'scene-radar/adapters/node';
import { createFetchHandler } from 'scene-radar/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, listen } from '../../examples/demo-radar.js';
import { buildUiBundle, dashboardHandler } from '../../ui/server.js';
import { freshContext, launch, REFETCH } from './browser-kit.js';

let radar: SceneRadar;
let server: Server;
let origin: string;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  const world = createDemoWorld({ artists: 40 });
  radar = createSceneRadar({ sources: world.sources });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh();
  const ui = dashboardHandler(await buildUiBundle());
  const quiet = { onError: () => {} };
  const api = toNodeListener(createFetchHandler(radar, quiet), quiet);
  server = createServer((req, res) => {
    if (!ui(req, res)) api(req, res);
  });
  [origin, browser] = await Promise.all([listen(server, 0, '127.0.0.1'), launch()]);
  context = await freshContext(browser);
});

afterAll(async () => {
  await browser?.close();
  if (server) await closeServer(server);
  await radar?.close();
});

async function open(hash: string, setup?: (page: Page) => Promise<void>): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await setup?.(page);
  await page.goto(`${origin}/${hash}`);
  return page;
}

/** Rewrites the JSON envelope of the answers to `pattern`. */
async function rewrite(
  page: Page,
  pattern: string | RegExp,
  edit: (data: Record<string, unknown>) => void,
): Promise<void> {
  await page.route(pattern, async (route: Route) => {
    const response = await route.fetch(REFETCH);
    const body = (await response.json()) as { ok: boolean; data: Record<string, unknown> };
    if (body.ok) edit(body.data);
    await route.fulfill({ response, json: body });
  });
}

const STALE = { reason: 'STORE_UNAVAILABLE: PostgreSQL cannot be reached', at: '2026-11-25T00:00:00.000Z' };

describe('hostile answers', () => {
  it('an API that never answers ends in an error panel, not a skeleton for ever', async () => {
    const page = await open('#/scenes', async (p) => {
      await p.clock.install();
      await p.route('**/api/scene-pulse?**', () => {
        // Never answered: a dead proxy or a server that hangs.
      });
    });
    await page.locator('scene-radar-scene-list tbody tr[data-scene]').first().waitFor({ state: 'detached' });
    await page.clock.runFor(120_000);
    await page.locator('scene-radar-scene-pulse [data-state="error"]').waitFor({ timeout: 5_000 });
    expect(await page.locator('scene-radar-scene-pulse [data-state="error"]').textContent()).toMatch(/TIMEOUT/);
    await page.close();
  });

  it('a stale pulse (served from an earlier one) is marked on the scene page and in the rankings', async () => {
    const slug = (await radar.scenes.pulse.getGlobalPulse({ limit: 1 })).hottest[0]!.scene_slug;
    const region = (await radar.scenes.getScene(slug))!.region;
    const page = await open(`#/scenes/${slug}`, async (p) => {
      await rewrite(p, `**/api/scenes/${slug}/pulse`, (pulse) => {
        pulse.stale = STALE;
      });
      await rewrite(p, '**/api/scene-pulse?**', (pulse) => {
        for (const s of pulse.hottest as Record<string, unknown>[]) if (s.scene_slug === slug) s.stale = STALE;
      });
      await rewrite(p, `**/api/scene-pulse/${region}?**`, (pulse) => {
        for (const s of pulse.scenes as Record<string, unknown>[]) if (s.scene_slug === slug) s.stale = STALE;
      });
    });
    await page.locator('scene-radar-scene [data-heat]').waitFor();
    const banner = page.locator('scene-radar-scene [data-state="degraded"]');
    await banner.waitFor({ timeout: 5_000 });
    expect(await banner.textContent()).toContain('STORE_UNAVAILABLE');

    await page.goto(`${origin}/#/scenes`);
    const row = page.locator(`scene-radar-scene-list tr[data-scene="${slug}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('stale');
    expect(await page.locator(`scene-radar-scene-pulse [data-list="hottest"] li`).first().textContent()).toContain(
      'stale',
    );
    await page.getByLabel('Region').selectOption(region);
    await expect.poll(() => page.locator('scene-radar-scene-list tr[data-scene]').count()).toBeGreaterThan(0);
    await expect
      .poll(() => page.locator('scene-radar-scene-list [data-state="degraded"]').count(), { timeout: 5_000 })
      .toBe(1);
    expect(await row.textContent()).toContain('stale');
    await page.close();
  });

  it('an element moved in the page while it loads still shows its data', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const page = await open('#/nowhere', async (p) => {
      await p.route('**/api/scene-pulse?**', async (route) => {
        await held;
        await route.continue();
      });
    });
    await page.evaluate(() => {
      const a = document.createElement('div');
      const b = document.createElement('div');
      b.id = 'b';
      document.body.append(a, b);
      const el = document.createElement('scene-radar-scene-pulse');
      a.append(el);
      // A host re-parents the element (a layout change, a drag and drop) while it loads.
      queueMicrotask(() => b.append(el));
    });
    await page.waitForTimeout(200);
    release();
    await page.locator('#b scene-radar-scene-pulse [data-list="hottest"] li').first().waitFor({ timeout: 10_000 });
    await page.close();
  });

  it('a base path with a query string keeps the routes and adds the query', async () => {
    // A proxy in front of the API that routes on a query parameter (the API kit itself refuses unknown ones).
    const asked: string[] = [];
    const page = await open('#/nowhere', async (p) => {
      await p.route('**/api/**', (route) => {
        asked.push(route.request().url());
        const url = new URL(route.request().url());
        url.searchParams.delete('tenant');
        return route.continue({ url: url.href });
      });
    });
    await page.evaluate(() => {
      const el = document.createElement('scene-radar-scene-pulse');
      el.setAttribute('base', '/api/?tenant=a');
      document.body.append(el);
    });
    await page.locator('scene-radar-scene-pulse [data-list="hottest"] li').first().waitFor({ timeout: 10_000 });
    expect(asked).toEqual([`${origin}/api/scene-pulse?tenant=a&limit=5`]);
    await page.close();
  });

  it('a scene with an empty name still has a link that reads, and markup in names stays text', async () => {
    const page = await open('#/scenes', async (p) => {
      await rewrite(p, '**/api/scene-pulse?**', (pulse) => {
        const hottest = pulse.hottest as Record<string, unknown>[];
        hottest[0]!.name = '';
        if (hottest[1]) hottest[1].name = '<img src=x onerror="window.pwned=1">\u202eevil';
      });
    });
    const link = page.locator('scene-radar-scene-list tbody tr[data-scene] a').first();
    await link.waitFor({ timeout: 10_000 });
    expect((await link.textContent())!.trim()).not.toBe('');
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('scene-radar-scene-list img').count()).toBe(0);
    await page.close();
  });

  it('a top list asked for a page past its end says so, not that nobody is above the threshold', async () => {
    const page = await open('#/nowhere');
    await page.evaluate(() => {
      const el = document.createElement('scene-radar-top-artists');
      el.setAttribute('page', '50');
      document.body.append(el);
    });
    const panel = page.locator('scene-radar-top-artists [data-state="empty"]');
    await panel.waitFor({ timeout: 10_000 });
    expect(await panel.textContent()).not.toContain('threshold');
    await page.getByRole('button', { name: 'Go to the first page' }).click();
    await page.locator('scene-radar-top-artists tbody tr[data-artist]').first().waitFor({ timeout: 10_000 });
    await page.close();
  });

  it('a trend chart moved in the page after it drew still shows its chart', async () => {
    const slug = (await radar.scenes.pulse.getGlobalPulse({ limit: 1 })).hottest[0]!.scene_slug;
    const page = await open('#/nowhere');
    await page.evaluate((s) => {
      const el = document.createElement('scene-radar-trend-chart');
      el.setAttribute('slug', s);
      document.body.append(el);
    }, slug);
    await page.locator('scene-radar-trend-chart canvas').first().waitFor({ timeout: 10_000 });
    await page.evaluate(() => {
      const b = document.createElement('div');
      document.body.append(b);
      b.append(document.querySelector('scene-radar-trend-chart')!);
    });
    await page.locator('scene-radar-trend-chart canvas').first().waitFor({ timeout: 5_000 });
    await page.close();
  });
});
