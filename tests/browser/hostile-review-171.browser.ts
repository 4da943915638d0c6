/**
 * Hostile review 171 (browser side): `<scene-radar-app>` (the scene list, a scene page with its
 * trend chart, the talent pulse and an artist page) in Debian's Chromium through playwright-core,
 * fed HOSTILE CONTENT from a host's sources: markup and `</style>` in names, reasons and error
 * messages, right-to-left overrides in the free-text catalog fields (`city`) and in failure
 * reasons, a stray U+2069 ahead of an override in a scene name, a trend with one point, equal
 * points and a 58-day gap. The API is a small demo radar behind this file's own loopback server,
 * whose answers a test may rewrite (`edits`). Node-side parts are in
 * tests/review/hostile-review-171.test.ts.
 *
 * Run on its own:
 * `npx vitest run -c vitest.browser.config.ts tests/browser/hostile-review-171.browser.ts`.
 *
 * Tests named "FAULT:" failed on the code as reviewed, 3 runs in a row (fixed in the same commit:
 * `isolated` drops the text's own direction controls, `sceneName` falls back when nothing visible
 * remains, the scene header's place and the artist banner's reasons are isolated, the trend chart
 * breaks its line at days without a snapshot). FAULTS found:
 * 1. A scene's `city` (catalog free text, up to 128 characters) holding U+202E reverses the rest of
 *    the scene page's header line: "<city>, <REGION> · <stage> · pulse as of <date>" is drawn with
 *    the stage and the date left of the city (ui/scene-page.ts:165-172 puts `place` bare into the
 *    sentence; names elsewhere go through `isolated`).
 * 2. A failure reason from a host feature (and the similar artists' sound read) holding U+202E
 *    reverses the rest of its line in the artist page's degraded banner: "; missing from the
 *    breakout score" is drawn left of the reason (ui/artist-page.ts:132 and :138: the reason is put
 *    mid-sentence without `isolated`).
 * 3. A scene name starting with a stray U+2069 then U+202E escapes `isolated` (ui/words.ts:188): in
 *    the scenes page's degraded banner "served from the pulse of <date> ..." is drawn left of the
 *    name (the node-side test shows why: the name's PDI closes the isolate).
 * 4. The trend chart draws a line straight across days the API says have no snapshot (a 58-day
 *    gap: `series` leaves absent days out; ui/trend-chart.ts:79-80 and :106 hand uPlot the snapshots only,
 *    no null for the missing days), so the chart shows heat values for days nobody measured.
 *
 * Held (plain tests): markup in scene names, a city, member reasons, a `stale` reason and a
 * 500's message and request id never becomes an element (no img, script or iframe element from it,
 * no dialog, no page error) and reads as text; every link on the scene list, scene page, talent
 * pulse and artist page points inside the dashboard (`#/...`); a trend of one point and of equal
 * points draws without a page error and says so in words.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createSceneRadar, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createFetchHandler } from 'scene-radar/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, listen } from '../../examples/demo-radar.js';
import { buildUiBundle, dashboardHandler } from '../../ui/server.js';
import { freshContext, launch } from './browser-kit.js';

/** A JSON value as the tests edit it. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

/** Rewrites of the API's `data` by path (with query) pattern, first match wins; set per test. */
const edits: { pattern: RegExp; edit: (data: Obj) => Obj | undefined; status?: number }[] = [];

let radar: SceneRadar;
let server: ReturnType<typeof createServer>;
let origin: string;
let browser: Browser;
let context: BrowserContext;
let sceneSlug: string;
let artistSlug: string;

async function body(req: IncomingMessage): Promise<void> {
  for await (const _ of req) void _;
}

beforeAll(async () => {
  const start = async (): Promise<void> => {
    const world = createDemoWorld({ artists: 16 });
    radar = createSceneRadar({ sources: world.sources });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh();
  };
  const [bundle] = await Promise.all([buildUiBundle(), start()]);
  const ui = dashboardHandler(bundle);
  const api = createFetchHandler(radar, { onError: () => {} });
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (ui(req, res)) return;
    void (async () => {
      await body(req);
      const url = req.url ?? '/';
      const answer = await api(new Request(`http://127.0.0.1${url}`, { method: req.method }));
      const rule = edits.find((e) => e.pattern.test(url));
      let text = await answer.text();
      let status = answer.status;
      if (rule) {
        const envelope = JSON.parse(text) as Obj;
        const data = envelope.data as Obj;
        const edited = rule.edit(data) ?? data;
        text = JSON.stringify(rule.status ? edited : { ...envelope, data: edited });
        status = rule.status ?? status;
      }
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(text);
    })();
  });
  [origin, browser] = await Promise.all([listen(server, 0, '127.0.0.1'), launch()]);
  context = await freshContext(browser);
  const pulse = await radar.scenes.pulse.getGlobalPulse({ limit: 1 });
  sceneSlug = pulse.hottest[0]!.scene_slug;
  artistSlug = (await radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 1 })).artists[0]!.artist_slug;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (server) await closeServer(server);
  await radar?.close();
});

interface Opened {
  readonly page: Page;
  /** Page errors, console errors and dialogs. */
  readonly errors: string[];
}

async function open(hash: string): Promise<Opened> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${String(e)}`));
  page.on('console', (m) => {
    // The browser's own network log ("Failed to load resource": a 500 a test asked for, the
    // favicon) is not the page's error.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`);
  });
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(`${origin}/${hash}`);
  return { page, errors };
}

/**
 * In the first element matching `selector` (searched through every shadow root) that contains
 * `first`, the boxes of `first` and `second` as drawn.
 */
function boxes(
  page: Page,
  selector: string,
  first: string,
  second: string,
): Promise<{ first: { left: number; right: number } | null; second: { left: number; right: number } | null }> {
  return page.evaluate(
    ({ selector, first, second }) => {
      const all: Element[] = [];
      const walk = (root: Document | ShadowRoot) => {
        for (const el of Array.from(root.querySelectorAll('*'))) {
          if (el.matches(selector)) all.push(el);
          if (el.shadowRoot) walk(el.shadowRoot);
        }
      };
      walk(document);
      const host = all.find((el) => (el.textContent ?? '').includes(first));
      const box = (word: string) => {
        if (!host) return null;
        const walker = document.createTreeWalker(host, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
          const i = n.data.indexOf(word);
          if (i < 0) continue;
          const range = document.createRange();
          range.setStart(n, i);
          range.setEnd(n, i + word.length);
          const r = range.getBoundingClientRect();
          return { left: r.left, right: r.right };
        }
        return null;
      };
      return { first: box(first), second: box(second) };
    },
    { selector, first, second },
  );
}

/** Elements through every shadow root: injected ones, and every link's href. */
function scan(page: Page): Promise<{ injected: string[]; hrefs: string[]; text: string }> {
  return page.evaluate(() => {
    const injected: string[] = [];
    const hrefs: string[] = [];
    let text = '';
    const walk = (root: Document | ShadowRoot, inShadow: boolean) => {
      for (const el of Array.from(root.querySelectorAll('*'))) {
        if (inShadow && (el.localName === 'img' || el.localName === 'script' || el.localName === 'iframe'))
          injected.push(el.outerHTML);
        if (el.hasAttribute('onerror') || el.hasAttribute('onclick')) injected.push(el.outerHTML);
        if (el.localName === 'a' && el.hasAttribute('href')) hrefs.push(el.getAttribute('href')!);
        if (el.shadowRoot) {
          text += el.shadowRoot.textContent ?? '';
          walk(el.shadowRoot, true);
        }
      }
    };
    walk(document, false);
    return { injected, hrefs, text };
  });
}

const shadowText = (page: Page, needle: string) =>
  expect.poll(async () => (await scan(page)).text.includes(needle), { timeout: 15_000 }).toBe(true);

const MARKUP = '<img src=x onerror=alert(1)></style><script>alert(2)</script>';
const RLO = '\u202E';
const PDI = '\u2069';

describe('markup from the sources stays text', () => {
  it('scene names, member reasons, a stale reason and a 500 message: no element, no dialog, no error; every link inside the dashboard', async () => {
    edits.length = 0;
    edits.push(
      {
        pattern: /^\/api\/scene-pulse\?/,
        edit: (d) => {
          for (const s of d.hottest as Obj[]) s.name = `${MARKUP} ${s.scene_slug as string}`;
          const first = (d.hottest as Obj[])[0]!;
          first.stale = { at: first.asOf as string, reason: MARKUP };
          return d;
        },
      },
      {
        pattern: /^\/api\/scenes\/[^/?]+\/pulse/,
        edit: (d) => {
          for (const a of d.top_artists as Obj[]) a.reason = MARKUP;
          return d;
        },
      },
      { pattern: /^\/api\/scenes\/[^/?]+$/, edit: (d) => ({ ...d, name: MARKUP, city: MARKUP }) },
      {
        pattern: /^\/api\/scenes\/[^/?]+\/related/,
        status: 500,
        edit: () => ({ ok: false, error: { code: 'INTERNAL', message: MARKUP, details: { requestId: MARKUP } } }),
      },
    );
    const { page, errors } = await open('#/scenes');
    await shadowText(page, 'alert(2)');
    await page.goto(`${origin}/#/scenes/${sceneSlug}`);
    await shadowText(page, 'Could not load related scenes');
    await shadowText(page, 'Heat over time');
    await page.goto(`${origin}/#/talent`);
    await shadowText(page, 'Top rising');
    await page.goto(`${origin}/#/artists/${artistSlug}`);
    await shadowText(page, 'Why the scores are what they are');
    const found = await scan(page);
    edits.length = 0;
    expect(found.injected).toEqual([]);
    expect(errors).toEqual([]);
    expect(found.hrefs.length).toBeGreaterThan(0);
    for (const href of found.hrefs) expect(href).toMatch(/^#\//);
    await page.close();
  });

  it('links on the scene list and a scene page all point inside the dashboard and carry the text shown', async () => {
    const { page, errors } = await open(`#/scenes/${sceneSlug}`);
    await shadowText(page, 'Related scenes');
    await expect.poll(async () => (await scan(page)).hrefs.length, { timeout: 15_000 }).toBeGreaterThan(3);
    const { hrefs, injected } = await scan(page);
    expect(injected).toEqual([]);
    for (const href of hrefs) expect(href).toMatch(/^#\/(scenes|artists|talent)(\/[a-z0-9-]+)?$/);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('bidi controls from the sources', () => {
  it('FAULT: a city holding U+202E reverses the rest of the scene header line (stage and as-of date drawn left of the city)', async () => {
    edits.length = 0;
    edits.push({ pattern: /^\/api\/scenes\/[^/?]+$/, edit: (d) => ({ ...d, city: `${RLO}cityname` }) });
    const { page, errors } = await open(`#/scenes/${sceneSlug}`);
    await shadowText(page, 'pulse as of');
    const at = await boxes(page, 'header p.muted', 'cityname', 'pulse as of');
    edits.length = 0;
    await page.close();
    expect(errors).toEqual([]);
    expect(at.first).not.toBeNull();
    expect(at.second!.left).toBeGreaterThanOrEqual(at.first!.right);
  });

  it('FAULT: a host feature failure reason holding U+202E reverses the rest of its banner line ("missing from the breakout score" drawn left of it)', async () => {
    edits.length = 0;
    edits.push({
      pattern: /^\/api\/talent\/artists\//,
      edit: (d) => {
        (d.explanation as Obj).hostFeatures = { 'label-feed': { status: 'error', reason: `${RLO}feed refused` } };
        return d;
      },
    });
    const { page, errors } = await open(`#/artists/${artistSlug}`);
    await shadowText(page, 'missing from the breakout score');
    const at = await boxes(page, '[data-state="degraded"] li', 'feed refused', 'missing from');
    edits.length = 0;
    await page.close();
    expect(errors).toEqual([]);
    expect(at.first).not.toBeNull();
    expect(at.second!.left).toBeGreaterThanOrEqual(at.first!.right);
  });

  it('FAULT: a scene name of a stray U+2069 then U+202E escapes the isolation: "served from the pulse of" is drawn left of the name', async () => {
    edits.length = 0;
    edits.push({
      pattern: /^\/api\/scene-pulse\?/,
      edit: (d) => {
        const s = (d.hottest as Obj[])[0]!;
        s.name = `${PDI}${RLO}Evil Scene`;
        s.stale = { at: s.asOf as string, reason: 'the store timed out' };
        return d;
      },
    });
    const { page, errors } = await open('#/scenes');
    await shadowText(page, 'served from the pulse of');
    const at = await boxes(page, '[data-state="degraded"] li', 'Evil Scene', 'served from');
    edits.length = 0;
    await page.close();
    expect(errors).toEqual([]);
    expect(at.first).not.toBeNull();
    expect(at.second!.left).toBeGreaterThanOrEqual(at.first!.right);
  });

  it('held: the same override in a scene name alone (no stray PDI) stays inside its isolate in the banner', async () => {
    edits.length = 0;
    edits.push({
      pattern: /^\/api\/scene-pulse\?/,
      edit: (d) => {
        const s = (d.hottest as Obj[])[0]!;
        s.name = `${RLO}Evil Scene`;
        s.stale = { at: s.asOf as string, reason: 'the store timed out' };
        return d;
      },
    });
    const { page, errors } = await open('#/scenes');
    await shadowText(page, 'served from the pulse of');
    const at = await boxes(page, '[data-state="degraded"] li', 'Evil Scene', 'served from');
    edits.length = 0;
    expect(errors).toEqual([]);
    expect(at.second!.left).toBeGreaterThanOrEqual(at.first!.right);
    await page.close();
  });
});

/** Days from `day` (YYYY-MM-DD), as YYYY-MM-DD. */
const plus = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** A trend answer of `points` ([day offset, heat]) ending on the span's last day. */
function trendOf(days: number, points: readonly (readonly [number, number])[]): (d: Obj) => Obj {
  return (d) => {
    const from = d.from as string;
    const series = points.map(([at, heat]) => ({
      scene_slug: d.scene_slug as string,
      day: plus(from, at),
      heat,
      growth: 0,
      stage: 'growing',
      as_of: `${plus(from, at)}T12:00:00.000Z`,
    }));
    const heats = points.map(([, h]) => h);
    const peakAt = heats.indexOf(Math.max(...heats));
    return {
      ...d,
      days,
      series,
      summary: {
        change: heats.at(-1)! - heats[0]!,
        slope: 0,
        peak: { day: series[peakAt]!.day, heat: heats[peakAt]! },
        coverage: Math.round((points.length / days) * 1000) / 1000,
      },
    };
  };
}

/** The trend chart's plot: the canvas's blue (stroke) pixels per column, and the plot area's box. */
function plotColumns(page: Page): Promise<{ left: number; width: number; blue: number[] } | null> {
  return page.evaluate(() => {
    const scene = document.querySelector('scene-radar-app')?.shadowRoot?.querySelector('scene-radar-scene');
    const chart = scene?.shadowRoot?.querySelector('scene-radar-trend-chart')?.shadowRoot;
    const canvas = chart?.querySelector('canvas');
    const over = chart?.querySelector('.u-over');
    if (!canvas || !over) return null;
    const c = canvas.getBoundingClientRect();
    const o = over.getBoundingClientRect();
    const ctx = canvas.getContext('2d');
    if (!ctx) return null;
    const scale = canvas.width / c.width;
    const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const blue: number[] = [];
    for (let x = 0; x < Math.floor(o.width); x++) {
      const px = Math.round((o.left - c.left + x) * scale);
      let n = 0;
      for (let y = Math.round((o.top - c.top) * scale); y < Math.round((o.bottom - c.top) * scale); y++) {
        const i = (y * canvas.width + px) * 4;
        const [r, g, b, a] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!, img.data[i + 3]!];
        // The line's stroke, #0a58a8 (the 8% fill is far lighter).
        if (a > 200 && r < 60 && g > 60 && g < 120 && b > 140) n++;
      }
      blue.push(n);
    }
    return { left: o.left, width: o.width, blue };
  });
}

describe('trend chart at the edges', () => {
  it('one point and equal points draw without an error and say so in words', async () => {
    edits.length = 0;
    edits.push({ pattern: /^\/api\/scenes\/[^/?]+\/trends/, edit: trendOf(30, [[29, 42.5]]) });
    const { page, errors } = await open(`#/scenes/${sceneSlug}`);
    await shadowText(page, 'One snapshot: heat 42.5 on');
    edits.length = 0;
    edits.push({
      pattern: /^\/api\/scenes\/[^/?]+\/trends/,
      edit: trendOf(30, [
        [27, 0],
        [28, 0],
        [29, 0],
      ]),
    });
    await page.reload();
    await shadowText(page, 'Change 0 points');
    edits.length = 0;
    expect(errors).toEqual([]);
    await page.close();
  });

  it('FAULT: a 58-day gap (no snapshot: the API leaves those days out) is drawn as a line across it, as if heat had been measured', async () => {
    edits.length = 0;
    edits.push({
      pattern: /^\/api\/scenes\/[^/?]+\/trends/,
      edit: trendOf(90, [
        [0, 20],
        [1, 22],
        [2, 24],
        [60, 70],
        [61, 72],
        [62, 74],
      ]),
    });
    const { page, errors } = await open(`#/scenes/${sceneSlug}`);
    await shadowText(page, 'peak 74 on');
    await expect.poll(() => plotColumns(page).then((p) => p !== null), { timeout: 15_000 }).toBe(true);
    // Wait for the drawing: the first days' segment has stroke pixels.
    await expect.poll(async () => (await plotColumns(page))!.blue.slice(0, 10).some((n) => n > 0)).toBe(true);
    const plot = (await plotColumns(page))!;
    edits.length = 0;
    await page.close();
    expect(errors).toEqual([]);
    // The x scale runs from day 0 to day 62; days 10-50 had no snapshot: no line over them.
    const at = (day: number) => Math.round((day / 62) * plot.width);
    const gap = plot.blue.slice(at(10), at(50));
    expect(gap.filter((n) => n > 0).length).toBe(0);
  });
});
