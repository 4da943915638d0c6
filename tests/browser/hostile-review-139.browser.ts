/**
 * Hostile review 139: the dashboard pages (`scene-radar/ui`, served as `npm run serve` serves them)
 * in a real browser (Debian's Chromium through playwright-core) while the API misbehaves: slow
 * answers, a hang, 503 STORE_UNAVAILABLE, 429 with Retry-After, a 502 HTML page from a proxy, a
 * truncated JSON body, error envelopes of the wrong types, `ok: true` envelopes of an unexpected
 * shape, HTML and script in scene and artist names, a failure that recovers after a Retry pressed
 * from the keyboard, and the degraded world's marks after such a recovery. Requests are counted
 * (no retry storm). The API is the test server's (tests/browser/dashboard-server.ts); `page.route`
 * feeds the answers a healthy radar cannot give on demand.
 *
 * Named `*.browser.ts`, not `*.test.ts`: vitest.browser.config.ts includes only
 * `tests/browser/**\/*.browser.ts`, and `npm test` (vitest.config.ts, `tests/**\/*.test.ts`) must
 * not launch a browser. Run on its own:
 * `npx vitest run --config vitest.browser.config.ts tests/browser/hostile-review-139.browser.ts`.
 *
 * Faults found (each a test named "FAULT: ...", which failed on the code as reviewed; fixed in the
 * same commit: an answer whose data the page cannot read or draw shows the error panel as
 * BAD_RESPONSE at HTTP 200, a null region draws as none, and the panel shows Retry-After):
 * - an `ok: true` envelope whose `data` lacks the fields the render reads (`summary`) leaves the
 *   scene pulse and the talent pulse on their loading skeleton for ever: the exception is thrown in
 *   Lit's render, after the load settled, so no error panel, no `sr-failed`, no Retry
 *   (ui/scene-pulse-lists.ts:49, ui/talent-pulse.ts:40, ui/resource.ts:84);
 * - a `null` field in one ranked scene (`region`) leaves the whole scene list on "Loading scenes…"
 *   for ever, for the same reason (ui/scene-list.ts:251);
 * - a 200 envelope of the wrong shape that breaks a loader reads as a client bug at HTTP status 0:
 *   "e.notes is not iterable", code `CLIENT_ERROR`, and the advice "Check that the API is running",
 *   when the API did answer (ui/resource.ts:58, ui/states.ts:49);
 * - a 429 shows the API's own message "retry after the time in Retry-After", but the page never
 *   reads nor shows `Retry-After`: the reader is told to wait for a time nowhere on the screen
 *   (ui/client.ts:111-129, ui/states.ts:38).
 */
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshContext, launch, REFETCH } from './browser-kit.js';
import { type DashboardServer, startDashboardServer } from './dashboard-server.js';

let server: DashboardServer;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDashboardServer({ artists: 30 }), launch()]);
  context = await freshContext(browser);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: envelopes are edited loosely here
type Body = any;

/** A page of the dashboard, with its uncaught errors and the API paths it asked for. */
interface Opened {
  readonly page: Page;
  readonly errors: string[];
  readonly calls: string[];
}

async function open(url: string, setup?: (page: Page) => Promise<unknown>): Promise<Opened> {
  const page = await context.newPage();
  const errors: string[] = [];
  const calls: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.includes('/api/')) calls.push(path);
  });
  await setup?.(page);
  await page.goto(url);
  return { page, errors, calls };
}

/** The reader's text of the first `tag` element (through shadow roots, styles left out). */
function deepText(page: Page, tag: string): Promise<string> {
  return page.evaluate((tag) => {
    const find = (root: Document | ShadowRoot): Element | null => {
      const hit = root.querySelector(tag);
      if (hit) return hit;
      for (const el of Array.from(root.querySelectorAll('*')))
        if (el.shadowRoot) {
          const inner = find(el.shadowRoot);
          if (inner) return inner;
        }
      return null;
    };
    const text = (node: Node): string => {
      let out = '';
      const kids = node instanceof Element && node.shadowRoot ? node.shadowRoot.childNodes : node.childNodes;
      for (const kid of Array.from(kids)) {
        if (kid.nodeType === Node.TEXT_NODE) out += kid.textContent ?? '';
        else if (kid instanceof Element && kid.localName !== 'style') out += ` ${text(kid)}`;
      }
      return out;
    };
    const el = find(document);
    return el ? text(el).replace(/\s+/g, ' ').trim() : '';
  }, tag);
}

/** The deepest focused element, as `tag:text`. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return `${el?.localName ?? ''}:${(el?.textContent ?? '').trim().slice(0, 40)}`;
  });
}

/** Words a reader must never see in place of a figure or a message. */
const JUNK = /undefined|NaN|\[object Object\]|null/;

const STORE_DOWN = {
  status: 503,
  headers: { 'retry-after': '1', 'x-request-id': 'req-139-503' },
  json: {
    ok: false,
    error: { code: 'STORE_UNAVAILABLE', message: 'The store is unavailable.', details: { requestId: 'req-139-503' } },
  },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an API that fails, answers junk, is slow or hangs: the reader gets a message, never a blank', () => {
  it('503 STORE_UNAVAILABLE (Retry-After: 1) on the talent routes: both panels say what failed, and nothing retries on its own', async () => {
    const { page, errors, calls } = await open(`${server.page('demo')}#/talent`, (p) =>
      p.route(/\/s\/demo\/api\/talent\//, (route) => route.fulfill(STORE_DOWN)),
    );
    const panels = page.locator('[data-state="error"]');
    await expect.poll(() => panels.count(), { timeout: 10_000 }).toBe(2);
    for (const tag of ['scene-radar-talent-pulse', 'scene-radar-top-artists']) {
      const text = await deepText(page, tag);
      expect(text).toContain('The store is unavailable.');
      expect(text).toContain('STORE_UNAVAILABLE (HTTP 503)');
      expect(text).toContain('req-139-503');
      expect(text).not.toMatch(JUNK);
    }
    // Well past the Retry-After: still one request per route (no retry storm against a failing API).
    await sleep(1500);
    expect(calls.sort()).toEqual(['/s/demo/api/talent/pulse', '/s/demo/api/talent/top']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a 502 HTML page from a proxy, a truncated 200 JSON body and an error envelope of the wrong types each read as a bad response, with the status', async () => {
    const answers: Record<string, (route: Route) => Promise<void>> = {
      pulse: (route) =>
        route.fulfill({ status: 502, contentType: 'text/html', body: '<html><h1>502 Bad Gateway</h1></html>' }),
      top: (route) =>
        route.fulfill({ status: 200, contentType: 'application/json', body: '{"ok":true,"data":{"artists":[{"sl' }),
    };
    const { page, errors } = await open(`${server.page('demo')}#/talent`, (p) =>
      p.route(/\/s\/demo\/api\/talent\/(pulse|top)/, (route) =>
        answers[route.request().url().includes('/talent/pulse') ? 'pulse' : 'top']!(route),
      ),
    );
    await expect.poll(() => page.locator('[data-state="error"]').count(), { timeout: 10_000 }).toBe(2);
    const pulse = await deepText(page, 'scene-radar-talent-pulse');
    expect(pulse).toContain('The API answered 502 without a JSON envelope.');
    expect(pulse).toContain('BAD_RESPONSE (HTTP 502)');
    expect(pulse).toContain('No request id came back');
    const top = await deepText(page, 'scene-radar-top-artists');
    expect(top).toContain('The API answered 200 without a JSON envelope.');
    expect(top).toContain('BAD_RESPONSE (HTTP 200)');
    expect(`${pulse} ${top}`).not.toMatch(JUNK);

    // An error envelope whose code and message are not strings: no "[object Object]".
    await page.unrouteAll();
    await page.route(/\/s\/demo\/api\/talent\/top/, (route) =>
      route.fulfill({ status: 500, json: { ok: false, error: { code: 42, message: { text: 'x' } } } }),
    );
    await page.locator('scene-radar-top-artists').getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => deepText(page, 'scene-radar-top-artists')).toContain('The API answered 500.');
    expect(await deepText(page, 'scene-radar-top-artists')).not.toMatch(JUNK);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('an API that answers in 2 s: a loading note and skeleton rows, then the rows', async () => {
    const { page } = await open(`${server.page('demo')}#/scenes`, (p) =>
      p.route(/\/s\/demo\/api\//, async (route) => {
        await sleep(2000);
        await route.continue();
      }),
    );
    const list = page.locator('scene-radar-scene-list');
    await expect.poll(() => deepText(page, 'scene-radar-scene-list')).toContain('Loading scenes…');
    expect(await list.locator('tbody tr[aria-hidden="true"]').count()).toBeGreaterThan(0);
    await list.locator('tbody tr[data-scene]').first().waitFor({ timeout: 10_000 });
    expect(await deepText(page, 'scene-radar-scene-list')).not.toContain('Loading');
    await page.close();
  });

  it('an API that never answers: after REQUEST_TIMEOUT_MS (30 s, on a fake clock) both scene elements show TIMEOUT with a Retry, one request each', async () => {
    const { page, calls } = await open(`${server.page('demo')}#/scenes`, async (p) => {
      await p.clock.install();
      await p.route(/\/s\/demo\/api\//, () => {
        // never answered
      });
    });
    await expect.poll(() => calls.length, { timeout: 10_000 }).toBe(3);
    await page.clock.fastForward(30_001);
    await expect.poll(() => page.locator('[data-state="error"]').count(), { timeout: 5_000 }).toBe(2);
    for (const tag of ['scene-radar-scene-pulse', 'scene-radar-scene-list']) {
      const text = await deepText(page, tag);
      expect(text).toContain('did not answer within 30 s');
      expect(text).toContain('Error TIMEOUT');
      expect(text).toContain('Retry');
    }
    // The region choices come from the global pulse too (`?limit=1`), since 2026-12-07.
    expect(calls.sort()).toEqual(['/s/demo/api/scene-pulse', '/s/demo/api/scene-pulse', '/s/demo/api/scene-pulse']);
    await page.close();
  });

  it('HTML and script in scene, artist and degraded-note strings (300+ characters) are shown as text, never run', async () => {
    const evil = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
    const long = `${evil}${'N'.repeat(300)}`;
    const edit = (o: Body): void => {
      if (!o || typeof o !== 'object') return;
      for (const key of Object.keys(o)) {
        if (typeof o[key] === 'string' && /name|reason/i.test(key)) o[key] = long;
        else edit(o[key]);
      }
    };
    const { page, errors } = await open(`${server.page('demo')}#/talent`, async (p) => {
      await p.route(/\/s\/demo\/api\/(talent\/(pulse|top)|scene-pulse)/, async (route) => {
        const response = await route.fetch(REFETCH);
        const body = (await response.json()) as Body;
        edit(body.data);
        if (body.data?.meta) body.data.meta.degraded = [evil];
        await route.fulfill({ response, json: body });
      });
    });
    await page.locator('scene-radar-top-artists tbody tr a').first().waitFor({ timeout: 10_000 });
    await expect.poll(() => deepText(page, 'scene-radar-talent-pulse')).toContain(evil);
    expect(await deepText(page, 'scene-radar-top-artists')).toContain(evil);
    await page.evaluate(() => {
      location.hash = '#/scenes';
    });
    await page.locator('scene-radar-scene-list tbody tr[data-scene]').first().waitFor({ timeout: 10_000 });
    expect(await deepText(page, 'scene-radar-scene-list')).toContain(evil);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('recovery after the API comes back', () => {
  it('Retry from the keyboard: a second failure keeps focus on the new Retry; when the API recovers the rows land and Tab goes on from there', async () => {
    let n = 0;
    const { page, calls } = await open(`${server.page('demo')}#/talent`, (p) =>
      p.route(/\/s\/demo\/api\/talent\/top/, async (route) => {
        n++;
        if (n <= 2) return route.fulfill(STORE_DOWN);
        await sleep(500);
        return route.continue();
      }),
    );
    const top = page.locator('scene-radar-top-artists');
    const retry = top.getByRole('button', { name: 'Retry' });
    await retry.waitFor({ timeout: 10_000 });
    await retry.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => n).toBe(2);
    await expect.poll(() => focused(page)).toBe('button:Retry');
    await page.keyboard.press('Enter');
    await top.locator('tbody tr a').first().waitFor({ timeout: 10_000 });
    expect(await deepText(page, 'scene-radar-top-artists')).not.toContain('Could not load');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatch(/^a:/);
    // One request per press: three in all for the top list, one for the pulse.
    expect(calls.filter((c) => c.endsWith('/talent/top'))).toHaveLength(3);
    expect(calls.filter((c) => c.endsWith('/talent/pulse'))).toHaveLength(1);
    await page.close();
  });

  it('degraded world: after a 503 and a Retry, the degraded marks and the banner are back on the ranked scenes', async () => {
    let n = 0;
    const { page } = await open(`${server.page('degraded')}#/scenes`, (p) =>
      p.route(/\/s\/degraded\/api\/scene-pulse\?/, (route) => {
        n++;
        return n <= 2 ? route.fulfill(STORE_DOWN) : route.continue();
      }),
    );
    const list = page.locator('scene-radar-scene-list');
    await list.getByRole('button', { name: 'Retry' }).click({ timeout: 10_000 });
    await list.locator('tbody tr[data-scene]').first().waitFor({ timeout: 10_000 });
    expect(await list.locator('tbody tr[data-scene] .pill', { hasText: /^(degraded|stale)$/ }).count()).toBeGreaterThan(
      0,
    );
    expect(await list.locator('[data-state="degraded"]').count()).toBe(1);
    await page.close();
  });
});

describe('ok: true envelopes of an unexpected shape', () => {
  // docs/ui.md, "Every state, designed": loading, error, empty, ...; ui/client.ts REQUEST_TIMEOUT_MS:
  // "an API or proxy that never answers ends in the error panel and its Retry, not in a skeleton for ever".
  it('FAULT: data without `summary` leaves the scene pulse and the talent pulse on their skeleton for ever (no error, no Retry)', async () => {
    const { page } = await open(`${server.page('demo')}#/scenes`, (p) =>
      p.route(/\/s\/demo\/api\/(scene-pulse|talent\/pulse)\?/, (route) =>
        route.fulfill({ status: 200, json: { ok: true, data: {} } }),
      ),
    );
    // The scene list (same answer, thrown in its loader) settles on an error panel: by then the
    // pulse has its answer too.
    await page.locator('scene-radar-scene-list [data-state="error"]').waitFor({ timeout: 10_000 });
    await expect
      .poll(() => page.locator('scene-radar-scene-pulse [data-state="error"]').count(), { timeout: 1500 })
      .toBe(1);
    // Today: "Loading the scene pulse… Hottest Fastest growing Cooling" and skeletons, for good.
    expect(await deepText(page, 'scene-radar-scene-pulse')).not.toContain('Loading');
    await page.evaluate(() => {
      location.hash = '#/talent';
    });
    await page.locator('scene-radar-top-artists tbody tr a').first().waitFor({ timeout: 10_000 });
    await expect
      .poll(() => page.locator('scene-radar-talent-pulse [data-state="error"]').count(), { timeout: 1500 })
      .toBe(1);
    await page.close();
  });

  it('FAULT: one ranked scene with `region: null` leaves the whole scene list on "Loading scenes…" for ever', async () => {
    const { page, errors } = await open(`${server.page('demo')}#/scenes`, (p) =>
      p.route(/\/s\/demo\/api\/scene-pulse\?/, async (route) => {
        const response = await route.fetch(REFETCH);
        const body = (await response.json()) as Body;
        if (body.data.hottest[0]) body.data.hottest[0].region = null;
        await route.fulfill({ response, json: body });
      }),
    );
    // The pulse lists (which do not read the region) render the same answer.
    await page.locator('scene-radar-scene-pulse [data-list="hottest"] li').first().waitFor({ timeout: 10_000 });
    // Today: the render throws ("Cannot read properties of null (reading 'toUpperCase')"), the list
    // keeps its skeleton and its "Loading scenes…" status, and sr-ready/sr-failed never fire.
    await expect
      .poll(
        () =>
          page
            .locator('scene-radar-scene-list tbody tr[data-scene], scene-radar-scene-list [data-state="error"]')
            .count(),
        {
          timeout: 1500,
        },
      )
      .toBeGreaterThan(0);
    expect(await deepText(page, 'scene-radar-scene-list')).not.toContain('Loading scenes');
    expect(errors).toEqual([]);
    await page.close();
  });

  // docs/ui.md, state "error": "the envelope's message and code, the HTTP status"; ui/client.ts:
  // "a network or format failure named in words" (BAD_RESPONSE).
  it('FAULT: a 200 answer of the wrong shape reads as a client bug at status 0 ("e.notes is not iterable", "Check that the API is running")', async () => {
    const { page } = await open(`${server.page('demo')}#/scenes`, (p) =>
      p.route(/\/s\/demo\/api\/scene-pulse\?/, (route) => route.fulfill({ status: 200, json: { ok: true, data: {} } })),
    );
    await page.locator('scene-radar-scene-list [data-state="error"]').waitFor({ timeout: 10_000 });
    const text = await deepText(page, 'scene-radar-scene-list');
    // Today: "Could not load the scenes e.notes is not iterable Check that the API is running and
    // that the dashboard's base points at it. Error CLIENT_ERROR Retry".
    expect(text).not.toMatch(/is not iterable|Cannot read properties/);
    expect(text).not.toContain('Check that the API is running');
    expect(text).toContain('HTTP 200');
    await page.close();
  });
});

describe('rate limited', () => {
  // src/api/answer.ts:367: the API kit's 429 says 'Too many requests; retry after the time in
  // Retry-After' and sets the header (src/api/rate-limit.ts:106). docs/ui.md, Known limits: the
  // element "shows the 429's message with a Retry".
  it('FAULT: a 429 tells the reader to wait "the time in Retry-After" but never shows that time (Retry-After: 30)', async () => {
    const { page } = await open(`${server.page('demo')}#/talent`, (p) =>
      p.route(/\/s\/demo\/api\/talent\/top/, (route) =>
        route.fulfill({
          status: 429,
          headers: { 'retry-after': '30', 'x-request-id': 'req-139-429' },
          json: {
            ok: false,
            error: { code: 'TALENT_RATE_LIMITED', message: 'Too many requests; retry after the time in Retry-After' },
          },
        }),
      ),
    );
    await page.locator('scene-radar-top-artists [data-state="error"]').waitFor({ timeout: 10_000 });
    const text = await deepText(page, 'scene-radar-top-artists');
    expect(text).toContain('TALENT_RATE_LIMITED (HTTP 429)');
    // Today: "Too many requests; retry after the time in Retry-After ... Error TALENT_RATE_LIMITED
    // (HTTP 429) · request id req-139-429 Retry": no 30 anywhere.
    expect(text).toMatch(/\b30\b/);
    await page.close();
  });
});
