/**
 * The dashboard in a real browser: headless Chromium against the demo world on loopback. It
 * walks scenes -> scene -> artist -> similar artist, paginates, filters by region, forces every
 * state (loading, error with request id, empty, degraded, not found) through the test server's
 * worlds, runs axe-core on each page, writes the screenshots of docs/ui/ and measures the time to
 * first render of the scene list and the artist page (docs/ui.md quotes the figures).
 */
import { writeFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start as startHostExample } from '../../examples/ui-host.js';
import { axe, deepActive, freshContext, launch, readyMark, SHOTS, serious, shoot } from './browser-kit.js';
import { type DashboardServer, startDashboardServer } from './dashboard-server.js';

// A small world keeps the run short on 2 cores; 120 artists still fill several pages of scenes.
const ARTISTS = 120;

let server: DashboardServer;
let browser: Browser;
let context: BrowserContext;
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  [server, browser] = await Promise.all([startDashboardServer({ artists: ARTISTS }), launch()]);
  context = await freshContext(browser);
  figures.bundle = { bytes: server.bundle.bytes, gzipBytes: server.bundle.gzipBytes };
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (Object.keys(figures).length > 1)
    writeFileSync(`${SHOTS}figures.json`, `${JSON.stringify({ artists: ARTISTS, ...figures }, null, 2)}\n`);
});

/** Opens `url` in a new page of the shared context, failing the test on any page error. */
async function open(url: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(url);
  return page;
}

async function noSeriousViolations(page: Page, label: string): Promise<void> {
  const violations = await axe(page);
  const bad = serious(violations);
  expect(bad, `${label}: ${JSON.stringify(bad, null, 1)}`).toEqual([]);
  const counts = (figures.axe ?? {}) as Record<string, number>;
  counts[label] = violations.length;
  figures.axe = counts;
}

const sceneRows = 'scene-radar-scene-list tbody tr[data-scene]';

describe('scenes', () => {
  it('ranks scenes by heat, paginates and filters by region, with no request leaving the origin', async () => {
    const page = await open(`${server.page('demo')}#/scenes`);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.locator(sceneRows).first().waitFor();
    await page.locator('scene-radar-scene-pulse [data-list="hottest"] li').first().waitFor();
    const heats = async () =>
      (await page.locator(`${sceneRows} td:nth-child(4)`).allTextContents()).map((t) => Number(t.replace(/,/g, '')));
    const first = await heats();
    expect(first).toHaveLength(20);
    expect([...first].sort((a, b) => b - a)).toEqual(first);
    await noSeriousViolations(page, 'scenes');
    await shoot(page, 'scenes');

    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => page.locator('[data-page-label]').textContent()).toContain('Page 2');
    await page.locator(sceneRows).first().waitFor();
    const second = await heats();
    expect(second.length).toBeGreaterThan(0);
    expect(Math.max(...second)).toBeLessThanOrEqual(Math.min(...first));
    expect(await page.locator(`${sceneRows} td:first-child`).first().textContent()).toBe('21');

    await page.getByLabel('Region').selectOption('uk');
    // Until the region's rows are in: an empty list (the page loading) has no US row either.
    await expect
      .poll(async () => {
        const shown = await page.locator(`${sceneRows} td:nth-child(3)`).allTextContents();
        return shown.length > 0 && !shown.includes('US');
      })
      .toBe(true);
    const regions = await page.locator(`${sceneRows} td:nth-child(3)`).allTextContents();
    expect(regions.length).toBeGreaterThan(0);
    expect(new Set(regions)).toEqual(new Set(['UK']));
    expect(await page.locator('[data-page-label]').textContent()).toContain('Page 1');
    await shoot(page, 'scenes-region');
    expect(requests.filter((u) => !u.startsWith(server.origin))).toEqual([]);
    expect(requests.some((u) => u.includes('/s/demo/api/scene-pulse/uk?'))).toBe(true);
    await page.close();
  });

  it('walks scenes -> scene -> artist -> similar artist, by mouse and by keyboard', async () => {
    const page = await open(`${server.page('demo')}#/scenes`);
    await page.locator(sceneRows).first().waitFor();
    // Keyboard: tab to the first scene of the ranking and follow it with Enter.
    const firstScene = (await page.locator(`${sceneRows} a`).first().textContent())!.trim();
    let focused = await deepActive(page);
    for (let i = 0; i < 60 && !(focused.tag === 'a' && focused.text === firstScene); i++) {
      await page.keyboard.press('Tab');
      focused = await deepActive(page);
    }
    expect(focused.text).toBe(firstScene);
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/scenes\/[a-z0-9-]+$/);
    await page.locator('scene-radar-scene [data-heat]').waitFor();
    expect(await page.locator('scene-radar-scene h2').first().textContent()).toBe(firstScene);
    expect((await deepActive(page)).tag).toBe('main');
    await page.locator('scene-radar-trend-chart canvas').first().waitFor();
    expect(await page.locator('scene-radar-scene .explain li').count()).toBeGreaterThan(0);
    await page.locator('scene-radar-scene [data-list="related"] li').first().waitFor();
    await noSeriousViolations(page, 'scene');
    await shoot(page, 'scene');
    const span = page.waitForResponse((r) => r.url().includes('/trends?days=90') && r.ok());
    await page.getByLabel('Span').selectOption('90');
    await span;

    await page.locator('scene-radar-scene [data-list="top"] a').first().click();
    await page.waitForURL(/#\/artists\/[a-z0-9-]+$/);
    const artist = page.url().split('/').pop()!;
    await page.locator('scene-radar-artist [data-score="momentum"]').waitFor();
    expect(await page.locator('scene-radar-artist [data-explain] li').count()).toBeGreaterThan(3);
    expect(await page.locator('scene-radar-artist [data-explain="risk"]').textContent()).toMatch(
      /(adds to|lowers) the risk|barely matters/,
    );
    await noSeriousViolations(page, 'artist');
    await shoot(page, 'artist');

    const similar = page.locator('scene-radar-artist [data-list="similar"] a').first();
    const next = (await similar.getAttribute('href'))!.split('/').pop()!;
    expect(next).not.toBe(artist);
    await similar.click();
    await page.waitForURL(new RegExp(`#/artists/${next}$`));
    await expect.poll(() => page.locator('scene-radar-artist h2').first().textContent()).not.toBe('');
    await page.locator('scene-radar-artist [data-score="momentum"]').waitFor();
    await page.close();
  });
});

describe('talent', () => {
  it('shows the global pulse and top lists by category', async () => {
    const page = await open(`${server.page('demo')}#/talent`);
    await page.locator('scene-radar-talent-pulse [data-summary]').waitFor();
    await page.locator('scene-radar-top-artists tbody tr[data-artist]').first().waitFor();
    await noSeriousViolations(page, 'talent');
    await shoot(page, 'talent');
    const breakout = page.waitForResponse((r) => r.url().includes('/talent/top?category=breakout'));
    await page.getByRole('button', { name: 'Breakout' }).click();
    await breakout;
    await expect.poll(() => page.getByRole('button', { name: 'Breakout' }).getAttribute('aria-pressed')).toBe('true');
    await page.close();
  });

  it('mounts in a host page under another base path, and paginates a top list', async () => {
    const host = await startHostExample({ radar: server.radar });
    try {
      const page = await open(`${host.url}/`);
      const rising = page.locator('scene-radar-top-artists[category="rising"]');
      await rising.locator('tbody tr[data-artist]').first().waitFor();
      expect(await rising.locator('tbody tr[data-artist]').count()).toBe(3);
      const pageOne = await rising.locator('tbody tr[data-artist]').first().getAttribute('data-artist');
      await rising.getByRole('button', { name: 'Next' }).click();
      await expect.poll(() => rising.locator('[data-page-label]').textContent()).toContain('Page 2 · 4–');
      expect(await rising.locator('tbody tr[data-artist]').first().getAttribute('data-artist')).not.toBe(pageOne);
      await page.locator('scene-radar-scene-pulse [data-list="hottest"] li').first().waitFor();
      await noSeriousViolations(page, 'host page');
      await shoot(page, 'host-page');
      await page.close();
    } finally {
      await host.close();
    }
  });
});

describe('states', () => {
  it('loading: skeletons take the room of the content (no layout jump)', async () => {
    server.gate.close();
    const page = await open(`${server.page('slow')}#/scenes`);
    const table = page.locator('scene-radar-scene-list table');
    await page.locator('scene-radar-scene-list .skeleton').first().waitFor();
    const loading = await table.boundingBox();
    await shoot(page, 'state-loading');
    server.gate.open();
    await page.locator(sceneRows).first().waitFor();
    const ready = await table.boundingBox();
    expect(Math.abs(ready!.height - loading!.height)).toBeLessThanOrEqual(1);
    expect(ready!.y).toBeCloseTo(loading!.y, 0);
    await page.close();
  });

  it('error: the envelope message, its request id, and a retry', async () => {
    const page = await context.newPage();
    const ids: string[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/scene-pulse') && r.status() === 500) ids.push(r.headers()['x-request-id'] ?? '');
    });
    await page.goto(`${server.page('broken')}#/scenes`);
    const panel = page.locator('scene-radar-scene-list [data-state="error"]');
    await panel.waitFor();
    expect(await panel.textContent()).toContain('Internal error');
    expect(await panel.textContent()).toContain('SCENES_INTERNAL_ERROR');
    const shown = await panel.locator('[data-request-id]').textContent();
    expect(ids).toContain(shown);
    await noSeriousViolations(page, 'error');
    await shoot(page, 'state-error');
    const before = ids.length;
    await panel.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => ids.length).toBeGreaterThan(before);
    await panel.waitFor();
    await page.close();
  });

  it('empty: no catalog, no artist scored, each saying what to do', async () => {
    const page = await open(`${server.page('empty')}#/scenes`);
    const scenes = page.locator('scene-radar-scene-list [data-state="empty"]');
    await scenes.waitFor();
    expect(await scenes.textContent()).toContain('No scenes imported yet');
    expect(await scenes.textContent()).toContain('importCatalog');
    await noSeriousViolations(page, 'empty scenes');
    await shoot(page, 'state-empty-scenes');
    await page.goto(`${server.page('empty')}#/talent`);
    const talent = page.locator('scene-radar-talent-pulse [data-state="empty"]');
    await talent.waitFor();
    expect(await talent.textContent()).toContain('No artist scored yet');
    expect(await talent.textContent()).toContain('radar.refresh()');
    await noSeriousViolations(page, 'empty talent');
    await shoot(page, 'state-empty-talent');
    // A filter with no result: a region with no scene (a host can set the attribute to any code).
    await page.goto(`${server.page('demo')}#/scenes`);
    await page.locator(sceneRows).first().waitFor();
    await page.locator('scene-radar-scene-list').evaluate((el) => el.setAttribute('region', 'zz'));
    const filtered = page.locator('scene-radar-scene-list [data-state="empty"]');
    await filtered.waitFor();
    expect(await filtered.textContent()).toContain('No scene in ZZ has a pulse yet');
    expect(await filtered.textContent()).toContain('All regions');
    await shoot(page, 'state-empty-filter');
    await page.close();
  });

  it('degraded: banners name the failing and stale sources', async () => {
    const page = await open(`${server.page('degraded')}#/scenes`);
    const banner = page.locator('scene-radar-scene-list [data-state="degraded"]');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('MIG (industry graph)');
    await noSeriousViolations(page, 'degraded scenes');
    await shoot(page, 'state-degraded-scenes');
    await page.goto(`${server.page('degraded')}#/talent`);
    const talent = page.locator('scene-radar-talent-pulse [data-state="degraded"]');
    await talent.waitFor();
    expect(await talent.textContent()).toMatch(/coverage: reads failed/);
    expect(await talent.textContent()).toMatch(/kept from an earlier refresh/);
    await shoot(page, 'state-degraded-talent');
    await page.locator('scene-radar-top-artists tbody tr[data-artist] a').first().click();
    const artist = page.locator('scene-radar-artist [data-state="degraded"]');
    await artist.waitFor();
    expect(await artist.textContent()).toContain('press articles (Coverage): failed');
    expect(await artist.textContent()).toContain('identity coherence (IdentityKernel): failed');
    await noSeriousViolations(page, 'degraded artist');
    await shoot(page, 'state-degraded-artist');
    await page.close();
  });

  it('not found: an unknown scene, artist or page', async () => {
    const page = await open(`${server.page('demo')}#/scenes/no-such-scene`);
    const scene = page.locator('scene-radar-scene [data-state="not-found"]');
    await scene.waitFor();
    expect(await scene.textContent()).toContain('No scene called “no-such-scene”');
    await noSeriousViolations(page, 'not found');
    await shoot(page, 'state-not-found');
    await page.goto(`${server.page('demo')}#/artists/nobody-at-all`);
    await page.locator('scene-radar-artist [data-state="not-found"]').waitFor();
    await page.goto(`${server.page('demo')}#/charts`);
    await page.locator('scene-radar-app [data-state="not-found"]').waitFor();
    expect(await page.locator('scene-radar-app [data-state="not-found"] h2').textContent()).toContain('charts');
    await page.close();
  });
});

describe('time to first render (demo world, loopback)', () => {
  it('measures the scene list and the artist page from a cold page, three times each', async () => {
    const slug =
      (await server.radar.talent.aggregator.buildGlobalPulse({ limit: 1 })).topRisingArtists[0]?.artist_slug ??
      (await server.radar.scenes.listMemberships({ limit: 1 })).items[0]!.artist_slug;
    const measure = async (hash: string, tag: string): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const cold = await freshContext(browser);
        const page = await cold.newPage();
        await page.goto(`${server.origin}/${hash}`);
        times.push(await readyMark(page, tag));
        await cold.close();
      }
      return times;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const list = await measure('#/scenes', 'scene-radar-scene-list');
    const artist = await measure(`#/artists/${slug}`, 'scene-radar-artist');
    for (const t of [...list, ...artist]) expect(t).toBeGreaterThan(0);
    figures.firstRenderMs = {
      sceneList: { median: Math.round(median(list)), runs: list.map(Math.round) },
      artistPage: { median: Math.round(median(artist)), runs: artist.map(Math.round) },
    };
    console.log('time to first render (ms):', JSON.stringify(figures.firstRenderMs));
  });
});
