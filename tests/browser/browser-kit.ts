/**
 * What the browser tests share: launching Debian's Chromium through playwright-core (the tests
 * fail, never skip, when it is missing), axe-core runs, screenshots into docs/ui/, and reading
 * through shadow roots.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Where Chromium is: `$CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Where the screenshots and figures go: docs/ui/ (linked from the README and docs/ui.md), or
 * `$SCENE_RADAR_UI_SHOTS` (CI points it at a temporary directory, to leave the tree clean).
 */
export const SHOTS = `${process.env.SCENE_RADAR_UI_SHOTS?.replace(/\/+$/, '') ?? fileURLToPath(new URL('../../docs/ui', import.meta.url))}/`;

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Options for `route.fetch` when a test rewrites an answer: Playwright's own fetch (in its driver,
 * not the page) reuses an idle keep-alive connection, and when the server's keep-alive timeout
 * closes that connection just as the request goes out, the request fails with ECONNRESET (the
 * usual race of any HTTP client with keep-alive; seen once in CI, with the long runs loading both
 * cores). Playwright retries only that error, and at most twice: a server that resets every
 * connection still fails the test.
 */
export const REFETCH = { maxRetries: 2 } as const;

/** Launches headless Chromium; throws with the fix when it is not installed. */
export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mkdirSync(SHOTS, { recursive: true });
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...(root ? ['--no-sandbox'] : []), '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

/** A fresh context (no cache, no storage) at the screenshots' size. */
export function freshContext(browser: Browser): Promise<BrowserContext> {
  // bypassCSP lets the tests inject axe-core into pages whose policy allows only same-origin scripts.
  return browser.newContext({ viewport: { width: 1100, height: 800 }, deviceScaleFactor: 1, bypassCSP: true });
}

/** An axe-core violation, as the tests report it. */
export interface Violation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: readonly string[];
}

/** Runs axe-core (WCAG 2 A/AA rules and best practices) on the page, shadow roots included. */
export async function axe(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const run = (globalThis as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<AxeResult> } }).axe.run;
    interface AxeResult {
      violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
    }
    const result = await run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
}

/** The serious and critical violations (the bar: none). */
export function serious(violations: readonly Violation[]): Violation[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Saves a screenshot of the viewport as docs/ui/<name>.png. */
export async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}${name}.png`, animations: 'disabled', caret: 'hide' });
}

/** The deepest focused element's tag and text, through shadow roots. */
export function deepActive(page: Page): Promise<{ tag: string; text: string; href: string | null }> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return { tag: el?.localName ?? '', text: (el?.textContent ?? '').trim(), href: el?.getAttribute('href') ?? null };
  });
}

/** Milliseconds from navigation start to the element's first render with data (its performance mark). */
export async function readyMark(page: Page, tag: string): Promise<number> {
  const name = `scene-radar:${tag}:ready`;
  await page.waitForFunction((n) => performance.getEntriesByName(n).length > 0, name);
  return page.evaluate((n) => performance.getEntriesByName(n)[0]!.startTime, name);
}
