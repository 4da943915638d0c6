/**
 * Hostile review 175: the reports a host reads and shares, fed hostile text and odd numbers.
 * Reviewed: `scene-radar/backtest`'s writers (backtestMarkdown, backtestConsoleTable, backtestJson,
 * parseBacktestJson, backtestSummary; src/backtest/markdown.ts, json.ts, result.ts, verdict.ts;
 * docs/backtesting.md "Reading the output"), the CLI's `scene-radar backtest --out/--json`
 * (src/cli/commands.ts, src/cli/backtest.ts) and the refresh report's printed lines
 * (src/cli/report.ts refreshLines, over `radar.refresh()`'s report). Tiny in-memory worlds and a
 * four-artist data folder run in-process (runCli), so every run takes milliseconds.
 *
 * Standard: a Markdown table cell never breaks its row nor injects markup (GFM: `|` escaped, line
 * breaks removed, and the backslash escaping a pipe must itself survive); host text renders as the
 * text it is; JSON round-trips; printed tables align and show n/a, never NaN/undefined/Infinity.
 *
 * Tests named "FAULT:" failed on the code as reviewed, 3 runs each (fixed in the same commit: host
 * text in the Markdown has its inline Markdown characters and backslashes escaped, the result file
 * is one code span, the console table keeps host text on one line and its columns aligned, `--out`
 * names the JSON by `basename`, `refresh --json` writes Maps as objects, the refresh report says
 * `none` and keeps a source's message on one line). Three plain tests were adjusted to the fix: the
 * reasons list and the title read escaped, and the long-name test looks at the scorers' rows only.
 * FAULTS found:
 *
 * 1. src/backtest/markdown.ts:37 `tableCell`: a backslash in host text is not escaped, only `|`.
 *    A scorer named `C:\|x` is written `C:\\|x`: GFM parsers that read `\\` as one escape
 *    (micromark / remark-gfm) split the cell there (the row gains a column); cmark-gfm and
 *    markdown-it keep the cell but show `C:|x` (the backslash is lost). Fix: escape `\` as `\\`
 *    before escaping `|`.
 * 2. src/backtest/markdown.ts:35-39 (`line`, `tableCell`, `label`), used for the title heading
 *    (:211), table cells, the unscored/unmeasured lists and the calibration heading: host text is
 *    written as Markdown, so a scorer name or title `[click](https://evil.example)`,
 *    `![px](https://evil.example/p.png)` or `<img src=x onerror=...>` renders as a link, a tracking
 *    image or raw HTML in the shared report. Fix: backslash-escape ASCII punctuation (at least
 *    `\ ` * _ [ ] ( ) ! < > # |`) in host text before writing it.
 * 3. src/backtest/markdown.ts:207-208: `resultFile` goes into a one-backtick code span as is: a
 *    backtick closes the span early and a line break starts new blocks (`\n\n# x` injects a heading).
 *    Fix: `line()` it and fence it with a backtick run longer than any inside it (with spaces).
 * 4. src/backtest/markdown.ts:245, 253, 256 `backtestConsoleTable`: host text is printed raw, so a line
 *    break in a scorer name or the title (the CLI's title is the manifest's `name`) splits a row.
 *    Fix: `line()` the title, names, verdict and errors in the console table too.
 * 5. src/backtest/markdown.ts:243-247 `backtestConsoleTable`: the columns do not align: a name wider
 *    than the 26-column field pushes its figures right, and `n/a` is 3 wide where a figure is 5, so
 *    a scorer with no figure shows its P@k two columns left of the others'. Fix: pad each figure to
 *    5 (`f3(x).padStart(5)`) and size the name column to the longest name (or truncate it).
 * 6. src/cli/commands.ts:326: the Markdown names the JSON beside it by `out.json.split(/[\\/]/).pop()`:
 *    on POSIX a backslash is part of a file name, so `--out 'we\ird.md'` writes `we\ird.json`
 *    but the report says `ird.json`. Fix: `path.basename(out.json)`.
 * 7. src/cli/commands.ts:211 (`JSON.stringify({ import, refresh })` for `scene-radar refresh --json`),
 *    with src/scenes/memberships.ts:68 (`MembershipReport.circles: ReadonlyMap<...>`): the refresh
 *    report holds a Map of Maps, which JSON.stringify writes as `{}`: a 30-artist demo world's
 *    circles of 70 scenes are printed `"circles": {}`, silently. Fix: a replacer turning Maps into
 *    objects (`v instanceof Map ? Object.fromEntries(v) : v`), or a plain record in the report.
 * 8. src/cli/report.ts:37-40 `refreshLines`: with no source read (no MIG source, or a universe that
 *    failed), the line is `  source reads:  ` and nothing after it (the import line says `none`).
 *    Fix: `|| 'none'`, as `importLines` does.
 * 9. src/cli/report.ts:36 and :51 `refreshLines`: `universeReason` and the warnings carry a source's
 *    error message verbatim; a line break in it splits the "one line per engine" report. Fix:
 *    collapse line breaks (`/\r\n|[\r\n\u2028\u2029]/g` to a space) in host text there.
 *
 * Verified correct (plain `it`): `|` escaped and line breaks removed in table cells (names, errors,
 * reference scorers) and a 10,000-character name kept on its row; JSON.parse(backtestJson(r))
 * equals r with hostile names, titles and reasons (`__proto__` included), parseBacktestJson reads
 * it back and the Markdown and console table rendered from it are identical; runs with no positive, a scorer that scored nobody, an
 * empty cutoff, an empty test split and zero resamples print n/a (Markdown, console, summary
 * nulls), never NaN/undefined/Infinity/null; AUC exactly 0 and 1; a collapsed interval; the CLI's
 * `--out` JSON keeps the documented shape and agrees with its Markdown; `--json` on stdout parses;
 * the refresh report prints counts (no NaN) and its Talent half round-trips through JSON.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backtestConsoleTable,
  backtestJson,
  backtestMarkdown,
  backtestSummary,
  parseBacktestJson,
  runBacktest,
  type BacktestOptions,
  type BacktestScorer,
} from '../../src/backtest/index.js';
import type { BacktestResult } from '../../src/backtest/result.js';
import { runCli } from '../../src/cli/index.js';
import { refreshLines } from '../../src/cli/report.js';
import { createSceneRadar, fixedClock, type SceneRadarSources } from '../../src/index.js';

const at = (day: string): Date => new Date(`${day}T00:00:00.000Z`);

/** A scorer with a fixed score per slug; a slug without one is left unscored. */
const fixed = (name: string, scores: Record<string, number>, probabilistic = false): BacktestScorer => ({
  name,
  probabilistic,
  score: ({ candidates }) => new Map(candidates.flatMap((s) => (s in scores ? [[s, scores[s]!] as const] : []))),
});

/** Four candidates, two of them positive at every cutoff; no source is read. */
function options(over: Partial<BacktestOptions> = {}): BacktestOptions {
  return {
    name: 'hostile-175',
    sources: {} as SceneRadarSources,
    cutoffs: [
      { asOf: at('2020-03-01'), split: 'train' },
      { asOf: at('2020-08-01'), split: 'test' },
    ],
    horizonDays: 30,
    candidates: () => ['a', 'b', 'c', 'd'],
    labels: () => ({ a: true, b: false, c: true, d: false }),
    resamples: 20,
    now: () => at('2024-01-01'),
    ...over,
  };
}

const PERFECT = { a: 0.9, b: 0.1, c: 0.6, d: 0.3 };

/**
 * The cells of a GFM table row, split as micromark (remark-gfm) splits them: `\\` and `\|` are
 * each one escape, any other `|` separates cells.
 */
function splitRow(row: string): string[] {
  let s = row.trim();
  if (s.startsWith('|')) s = s.slice(1);
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && (s[i + 1] === '\\' || s[i + 1] === '|')) {
      cur += c + s[i + 1]!;
      i++;
    } else if (c === '|') {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

/** The text a cell shows: GFM's pipe unescape (cmark-gfm), then CommonMark's backslash escapes. */
const cellText = (cell: string): string =>
  cell.replace(/\\\|/g, '|').replace(/\\([!-/:-@[-`{-~])/g, (_m: string, p: string) => p);

/** Markdown that would render as markup: an unescaped `[`, `<` or `![`. */
const UNESCAPED_MARKUP = /(^|[^\\])(\[|<|!\[)/;

/** The code spans of one line, by CommonMark's rule: a run of n backticks closes at the next run of n. */
function codeSpans(text: string): string[] {
  const spans: string[] = [];
  const runs = [...text.matchAll(/`+/g)].map((m) => ({ at: m.index, len: m[0].length }));
  for (let i = 0; i < runs.length; i++) {
    const open = runs[i]!;
    const j = runs.findIndex((r, k) => k > i && r.len === open.len);
    if (j < 0) continue;
    spans.push(text.slice(open.at + open.len, runs[j]!.at));
    i = j;
  }
  return spans;
}

const rowOf = (md: string, needle: string): string => {
  const row = md.split('\n').find((l) => l.startsWith('| ') && l.includes(needle));
  expect(row, `a table row with ${needle}`).toBeDefined();
  return row!;
};

/** What a report must never show where the docs promise n/a (the prose's "AUC undefined at" aside). */
const NOT_A_FIGURE = /\bNaN\b|\bundefined\b|\bInfinity\b|\bnull\b/;
const figuresOf = (text: string): string => text.replace(/(AUC|are) undefined|undefined at a cutoff/g, '');

// ---------------------------------------------------------------------------------------------

describe('Markdown table cells against hostile scorer names', () => {
  it('escapes a pipe and removes line breaks in names, errors and reference scorers (cells stay put)', async () => {
    const r = await runBacktest(
      options({
        scorer: fixed('model | one', PERFECT),
        baselines: [
          fixed('two\nlines\r\nand\u2028more', { a: 1 }),
          {
            name: 'thrower',
            score: () => {
              throw new Error('bad | thing\nsecond line');
            },
          },
        ],
        reference: { source: 'paper', figures: { 'x|y': { test: { auc: 0.5 } } } },
      }),
    );
    const md = backtestMarkdown(r);
    const model = splitRow(rowOf(md, 'model'));
    expect(model).toHaveLength(7);
    expect(cellText(model[0]!)).toBe('**model | one** (under test)');
    const two = splitRow(rowOf(md, 'two lines'));
    expect(two).toHaveLength(7);
    expect(two[0]).toBe('two lines and more');
    const thrower = splitRow(rowOf(md, 'thrower'));
    expect(thrower).toHaveLength(7);
    expect(cellText(thrower[1]!)).toBe('failed: Error: bad | thing second line');
    const ref = splitRow(rowOf(md, 'x\\|y'));
    expect(ref).toHaveLength(2);
    expect(cellText(ref[0]!)).toBe('x|y');
  });

  it('keeps a 10,000-character name on its row', async () => {
    const long = `${'w'.repeat(9_998)}|z`;
    const r = await runBacktest(options({ baselines: [fixed(long, PERFECT)] }));
    const md = backtestMarkdown(r);
    const cells = splitRow(rowOf(md, 'www'));
    expect(cells).toHaveLength(7);
    expect(cellText(cells[0]!)).toBe(long);
    expect(cells[1]).toBe('1.000');
  });

  it('FAULT: a backslash before a pipe in a name is not escaped (cell split or backslash lost)', async () => {
    const name = 'C:\\|x';
    const r = await runBacktest(options({ baselines: [fixed(name, PERFECT)] }));
    const cells = splitRow(rowOf(backtestMarkdown(r), 'C:'));
    expect(cells).toHaveLength(7);
    expect(cellText(cells[0]!)).toBe(name);
  });

  it('FAULT: host text is written as Markdown: links, images and raw HTML in names and titles render', async () => {
    const hostile = '[click](https://evil.example) ![px](https://evil.example/p.png) <img src=x onerror=alert(1)>';
    const r = await runBacktest(
      options({ title: `Label ${hostile}`, baselines: [fixed(hostile, { a: 1 }), fixed('plain', PERFECT)] }),
    );
    const md = backtestMarkdown(r);
    const cells = splitRow(rowOf(md, 'click'));
    expect(cells).toHaveLength(7);
    expect(cells[0]).not.toMatch(UNESCAPED_MARKUP);
    const title = md.split('\n')[0]!;
    expect(title.startsWith('# Label')).toBe(true);
    expect(title).not.toMatch(UNESCAPED_MARKUP);
    // The unscored list names the scorer too.
    const listed = md.split('\n').find((l) => l.startsWith('- ') && l.includes('click'));
    expect(listed).toBeDefined();
    expect(listed!.slice(2)).not.toMatch(UNESCAPED_MARKUP);
  });

  it('puts the unscored reasons a scorer gives on one line of the list', async () => {
    const reasoned: BacktestScorer = {
      name: 'reasoned',
      score: ({ candidates }) => ({
        scores: new Map([['a', 1]]),
        unscored: new Map(candidates.filter((c) => c !== 'a').map((c) => [c, `why | ${c}\nnext`])),
      }),
    };
    const r = await runBacktest(options({ baselines: [reasoned] }));
    const md = backtestMarkdown(r);
    const listed = md.split('\n').filter((l) => l.startsWith('- reasoned:'));
    expect(listed).toHaveLength(1);
    // Host text is escaped as Markdown (FAULT 2's fix): `\\|` reads as `|`.
    expect(listed[0]).toContain('why \\| b next (2)');
  });
});

describe('the result file named in the Markdown', () => {
  it('FAULT: a backtick or a line break in resultFile breaks its code span and injects blocks', async () => {
    const r = await runBacktest(options({ baselines: [fixed('plain', PERFECT)] }));
    const file = 'x`y\n\n# injected.json';
    const md = backtestMarkdown(r, { resultFile: file });
    const lines = md.split('\n');
    expect(lines.some((l) => l.startsWith('# injected'))).toBe(false);
    const stated = lines.find((l) => l.startsWith('Result file:'));
    expect(stated).toBeDefined();
    // One code span holds the whole name (its line breaks as spaces).
    expect(codeSpans(stated!).some((s) => s.includes('x`y') && s.includes('injected.json'))).toBe(true);
  });

  it('names an ordinary result file in one code span', async () => {
    const r = await runBacktest(options({ baselines: [fixed('plain', PERFECT)] }));
    const stated = backtestMarkdown(r, { resultFile: 'results/my-label.json' })
      .split('\n')
      .find((l) => l.startsWith('Result file:'));
    expect(codeSpans(stated!)).toEqual(['results/my-label.json']);
  });
});

describe('odd numbers', () => {
  it('prints AUC exactly 1 and 0 and a collapsed interval as themselves', async () => {
    const reversed = Object.fromEntries(Object.entries(PERFECT).map(([k, v]) => [k, -v]));
    const r = await runBacktest(options({ baselines: [fixed('perfect', PERFECT), fixed('reversed', reversed)] }));
    const md = backtestMarkdown(r);
    // One cutoff per split: every resample is that cutoff, the interval collapses to a point.
    expect(splitRow(rowOf(md, 'perfect')).slice(1, 3)).toEqual(['1.000', '1.000-1.000']);
    expect(splitRow(rowOf(md, 'reversed')).slice(1, 3)).toEqual(['0.000', '0.000-0.000']);
    expect(r.baselines[0]!.splits!.test.meanAuc).toBe(1);
    expect(r.baselines[1]!.splits!.test.meanAuc).toBe(0);
  });

  it('shows n/a, never NaN/undefined/Infinity/null, without positives, for a scorer that scored nobody, an empty cutoff and no resamples', async () => {
    const r = await runBacktest(
      options({
        cutoffs: [
          { asOf: at('2020-01-01'), split: 'train' },
          { asOf: at('2020-03-01'), split: 'train' },
          { asOf: at('2020-08-01'), split: 'test' },
        ],
        // The first cutoff has no candidate; the test cutoff has no positive.
        candidates: ({ asOf }) => (asOf.getTime() === at('2020-01-01').getTime() ? [] : ['a', 'b', 'c', 'd']),
        labels: ({ asOf, candidates }) =>
          Object.fromEntries(candidates.map((c) => [c, asOf < at('2020-06-01') && (c === 'a' || c === 'c')])),
        scorer: fixed('nobody', {}, true),
        baselines: [fixed('perfect', PERFECT, true)],
        target: { split: 'test', minMeanAuc: 0.7 },
        resamples: 0,
      }),
    );
    const md = backtestMarkdown(r);
    const table = backtestConsoleTable(r);
    expect(figuresOf(md)).not.toMatch(NOT_A_FIGURE);
    expect(figuresOf(table)).not.toMatch(NOT_A_FIGURE);
    expect(splitRow(rowOf(md, 'nobody')).slice(1)).toEqual(['n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a']);
    // The test split has no positive: AUC and pooled AP undefined, P@k 0.
    const perfectTest = md.split('### Training')[0]!;
    expect(splitRow(rowOf(perfectTest, 'perfect')).slice(1)).toEqual(['n/a', 'n/a', '0.000', 'n/a', 'n/a', 'n/a']);
    expect(md).toContain("1 cutoff(s) had no candidate: nobody to rank there, left out of every scorer's means.");
    expect(r.verdict).toMatchObject({ met: false, judged: false });
    expect(md).toContain('Target not judged');
    const summary = backtestSummary(r);
    expect(summary.windows.test.breakout).toEqual({ auc: null, p_at_10: null, pooled_ap: null });
    expect(summary.windows.test.baselines.perfect).toEqual({ auc: null, p_at_10: 0, pooled_ap: null });
    // JSON keeps the nulls as nulls, and reads back as the same result.
    expect(JSON.parse(backtestJson(r))).toEqual(JSON.parse(JSON.stringify(r)));
    expect(backtestJson(r)).not.toMatch(/NaN|Infinity/);
  });

  it('an empty test split: its table is n/a, the verdict is not judged, the fit section says so', async () => {
    const r = await runBacktest(
      options({
        cutoffs: [
          { asOf: at('2020-03-01'), split: 'train' },
          { asOf: at('2020-08-01'), split: 'train' },
        ],
        scorer: fixed('model', PERFECT),
        baselines: [fixed('plain', { a: 1, b: 2, c: 3, d: 4 })],
        target: { split: 'test', minMeanAuc: 0.5 },
      }),
    );
    const md = backtestMarkdown(r);
    expect(figuresOf(md)).not.toMatch(NOT_A_FIGURE);
    expect(r.verdict?.text).toBe('Target not judged: there is no test cutoff.');
    const testPart = md.split('### Training')[0]!;
    expect(splitRow(rowOf(testPart, 'model')).slice(1)).toEqual(['n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a']);
    expect(md).toContain('(no test cutoff: the last cutoff plus the horizon)');
    expect(figuresOf(backtestConsoleTable(r))).not.toMatch(NOT_A_FIGURE);
  });
});

describe('JSON round trip', () => {
  it('JSON.parse(backtestJson(r)) equals r with hostile names and reasons; the Markdown from it is identical', async () => {
    const reasoned: BacktestScorer = {
      name: '<script>alert(1)</script> | `x` \u202Eevil',
      probabilistic: true,
      score: ({ candidates }) => ({
        scores: new Map([
          ['a', 1],
          ['b', 0],
          ['c', 1e-300],
        ]),
        unscored: new Map(candidates.filter((c) => c === 'd').map((c) => [c, '__proto__'])),
      }),
    };
    const r = await runBacktest(
      options({
        title: 'T\n<!-- open | ![i](x)',
        scorer: fixed('m\\|x', PERFECT, true),
        baselines: [reasoned],
        parameters: { nested: { pipe: '|', n: 1e21, tiny: 5e-324 } },
        target: { split: 'test', minMeanAuc: 1 },
      }),
    );
    const text = backtestJson(r);
    const parsed: unknown = JSON.parse(text);
    expect(parsed).toEqual(r);
    expect(Object.keys(parsed as object)).toEqual(Object.keys(r));
    expect(parsed).toMatchObject({ format: 'scene-radar-backtest/1', scorer: { name: 'm\\|x' } });
    expect(Object.getOwnPropertyDescriptor(r.baselines[0]!.unscored.reasons, '__proto__')?.value).toBe(2);
    const again: BacktestResult = parseBacktestJson(text);
    expect(Object.getOwnPropertyDescriptor(again.baselines[0]!.unscored.reasons, '__proto__')?.value).toBe(2);
    expect(backtestMarkdown(again)).toBe(backtestMarkdown(r));
    expect(backtestConsoleTable(again)).toBe(backtestConsoleTable(r));
  });
});

describe('the console table', () => {
  it('FAULT: a line break in a scorer name or the title splits a row of the console table', async () => {
    const r = await runBacktest(
      options({ title: 'Label\nsecond line', baselines: [fixed('two\nlines', PERFECT), fixed('plain', PERFECT)] }),
    );
    const lines = backtestConsoleTable(r).split('\n');
    // Title, heading, two scorers and the "baselines only" note: nothing else.
    expect(lines).toHaveLength(5);
  });

  it('FAULT: a long name pushes its figures out of their column', async () => {
    const r = await runBacktest(
      options({
        baselines: [fixed('a-baseline-name-longer-than-the-26-column-field', PERFECT), fixed('short', PERFECT)],
      }),
    );
    const [, head, ...rows] = backtestConsoleTable(r).split('\n');
    const train = head!.indexOf('train');
    // The two scorers' rows (the "baselines only" note follows them).
    for (const row of rows.slice(0, 2)) expect(row.slice(train, train + 11)).toBe('1.000 0.500');
  });

  it('FAULT: n/a is narrower than a figure, so P@k of a scorer without figures is two columns off', async () => {
    const r = await runBacktest(options({ baselines: [fixed('nobody', {}), fixed('perfect', PERFECT)] }));
    const [, head, ...rows] = backtestConsoleTable(r).split('\n');
    const test = head!.indexOf('test');
    // Each cell: a 5-wide AUC, a space, a 5-wide P@k.
    const pAtK = rows.slice(0, 2).map((row) => row.slice(test + 6, test + 11).trim());
    expect(pAtK).toEqual(['n/a', '0.500']);
  });

  it('aligns names up to 24 characters and never prints NaN', async () => {
    const r = await runBacktest(
      options({ scorer: fixed('model', PERFECT), baselines: [fixed('x'.repeat(24), PERFECT)] }),
    );
    const [, head, ...rows] = backtestConsoleTable(r).split('\n');
    const train = head!.indexOf('train');
    expect(rows.slice(0, 2).map((row) => row.slice(train, train + 11))).toEqual(['1.000 0.500', '1.000 0.500']);
    expect(figuresOf(rows.join('\n'))).not.toMatch(NOT_A_FIGURE);
  });
});

// ---------------------------------------------------------------------------------------------
// The CLI over a four-artist folder whose manifest name is hostile.
// ---------------------------------------------------------------------------------------------

const EVENTS_HEADER = 'artist,id,type,at,weight,region\n';
function history(): string {
  const rows: string[] = [];
  const start = Date.UTC(2023, 0, 1);
  for (let d = 0; d < 730; d += 10)
    ['ann', 'bob', 'cat', 'dan'].forEach((slug, i) => {
      const day = new Date(start + (d + i) * 86_400_000).toISOString().slice(0, 10);
      const type = d > 250 && (d + i * 90) % 240 === 0 ? 'chart_entry' : 'playlist_add';
      rows.push(`${slug},,${type},${day}T12:00:00Z,${1 + ((d + i) % 7)},gb`);
    });
  return `${EVENTS_HEADER}${rows.join('\n')}\n`;
}
const ARTISTS = `slug,name,home_region,home_city,first_seen\n${['ann', 'bob', 'cat', 'dan'].map((s) => `${s},${s},gb,,2022-12-01`).join('\n')}\n`;
const LABEL = 'Lab | `x` <b>\n[l](http://e)';

let root = '';
let data = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hostile-review-175-'));
  data = join(root, 'data');
  mkdirSync(data);
  writeFileSync(join(data, 'artists.csv'), ARTISTS);
  writeFileSync(join(data, 'events.csv'), history());
  writeFileSync(
    join(data, 'scene-radar.json'),
    JSON.stringify({ name: LABEL, tables: { artists: 'artists.csv', events: 'events.csv' } }),
  );
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

async function cli(argv: readonly string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const f3 = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(3));

describe('scene-radar backtest --out / --json', () => {
  it('--out writes JSON of the documented shape beside a Markdown that agrees with it', async () => {
    const md = join(root, 'report.md');
    const run = await cli(['backtest', '--data', data, '--out', md]);
    expect(run.code).toBe(0);
    const text = readFileSync(join(root, 'report.json'), 'utf8');
    const result = parseBacktestJson(text);
    expect(result).toMatchObject({
      format: 'scene-radar-backtest/1',
      title: `${LABEL}: who has a first chart_entry within 90 days`,
      scorer: { name: 'breakout', role: 'model' },
    });
    expect(result.baselines.map((b) => b.name)).toEqual(['activity-30d', 'activity-growth-30d']);
    expect(text).not.toMatch(/NaN|Infinity/);
    const report = readFileSync(md, 'utf8');
    expect(report).toContain('Result file: `report.json`');
    const s = result.scorer!.splits!.train;
    const row = splitRow(rowOf(report.split('### Training')[1]!, 'breakout'));
    expect(row.slice(1, 4)).toEqual([f3(s.meanAuc), expect.any(String), f3(s.meanPAtK)]);
    expect(figuresOf(report)).not.toMatch(NOT_A_FIGURE);
    // The title is on one line, its Markdown characters escaped (FAULT 2's fix).
    expect(report.split('\n')[0]).toBe(
      '# Lab \\| \\`x\\` \\<b> \\[l\\](http\\://e): who has a first chart\\_entry within 90 days',
    );
  }, 60_000);

  it('--json prints the full result, JSON that parses with the documented fields', async () => {
    const run = await cli(['backtest', '--data', data, '--json']);
    expect(run.code).toBe(0);
    const result = parseBacktestJson(run.out.join('\n'));
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining(['format', 'name', 'title', 'cutoffs', 'fit', 'scorer', 'baselines', 'verdict']),
    );
    expect(result.title.startsWith(LABEL)).toBe(true);
  }, 60_000);

  it('FAULT: --out on a POSIX name with a backslash: the Markdown names another JSON file', async () => {
    const md = join(root, 'we\\ird.md');
    const run = await cli(['backtest', '--data', data, '--out', md]);
    expect(run.code).toBe(0);
    // The JSON written is we\ird.json; the report must name that file.
    expect(readFileSync(join(root, 'we\\ird.json'), 'utf8')).toContain('scene-radar-backtest/1');
    expect(readFileSync(md, 'utf8')).toContain('Result file: `we\\ird.json`');
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// The refresh report.
// ---------------------------------------------------------------------------------------------

describe('the refresh report', () => {
  const clock = fixedClock(new Date('2024-01-01T00:00:00.000Z'));

  it('prints counts, not NaN, for a radar without sources', async () => {
    const radar = createSceneRadar({ sources: {} as SceneRadarSources, clock });
    try {
      const report = await radar.refresh();
      expect(JSON.parse(JSON.stringify(report.talent))).toEqual(report.talent);
      const lines = refreshLines(report);
      expect(lines[0]).toBe('Refreshed as of 2024-01-01T00:00:00.000Z');
      expect(lines[2]).toContain('0 of 0 artists scored');
      expect(figuresOf(lines.join('\n'))).not.toMatch(NOT_A_FIGURE);
    } finally {
      await radar.close();
    }
  });

  it('FAULT: refresh --json prints memberships.circles (a Map of every scene) as {}', async () => {
    // What `scene-radar refresh --json` prints, run in-process on a small demo world.
    const run = await cli(['refresh', '--demo', '--artists', '30', '--json']);
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.out.join('\n')) as {
      refresh: { scenes: { memberships: { circles: Record<string, Record<string, number>> } } };
    };
    const circles = printed.refresh.scenes.memberships.circles;
    expect(Object.keys(circles).length).toBeGreaterThan(0);
    // Each scene's circle: tastemaker -> core members backed, written as an object of counts.
    for (const circle of Object.values(circles))
      for (const n of Object.values(circle)) expect(Number.isInteger(n) && n > 0).toBe(true);
  });

  it('FAULT: with no source read, the "source reads:" line is printed empty', async () => {
    const radar = createSceneRadar({ sources: {} as SceneRadarSources, clock });
    try {
      const lines = refreshLines(await radar.refresh());
      const reads = lines.find((l) => l.trimStart().startsWith('source reads:'));
      expect(reads).toBeDefined();
      expect(reads!.replace('source reads:', '').trim()).not.toBe('');
    } finally {
      await radar.close();
    }
  });

  it('FAULT: a line break in a source error splits the refresh report lines', async () => {
    const mig = {
      async listArtists(): Promise<never> {
        throw new Error('boom | `x`\nsecond line <script>');
      },
    };
    const radar = createSceneRadar({ sources: { mig } as unknown as SceneRadarSources, clock });
    try {
      const report = await radar.refresh();
      expect(report.talent.universeReason).toContain('\n');
      const lines = refreshLines(report);
      for (const line of lines) expect(line).not.toMatch(/[\r\n]/);
    } finally {
      await radar.close();
    }
  });
});
