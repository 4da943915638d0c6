/**
 * Hostile review 57: the public backtest harness `scene-radar/backtest` (src/backtest/) and
 * `calibrate()` with host features (src/talent/calibrate.ts, src/talent/host-features.ts), against
 * docs/backtesting.md, docs/scoring.md and the TSDoc.
 *
 * Every test here fails on the code as reviewed, because of the fault its name states; each
 * expectation is the documentation's (or, where it is silent, what a reader of the report expects).
 */
import { describe, expect, it } from 'vitest';
import {
  backtestMarkdown,
  isBacktestError,
  parseBacktestJson,
  runBacktest,
  type BacktestOptions,
} from '../../src/backtest/index.js';

const at = (day: string): Date => new Date(`${day}T00:00:00.000Z`);
const SLUGS = ['ana', 'ben', 'cy', 'dee'];
const POSITIVE = new Set(['ana', 'cy']);

function options(over: Partial<BacktestOptions> = {}): BacktestOptions {
  return {
    name: 'hostile-57',
    sources: {},
    cutoffs: [
      { asOf: at('2020-01-01'), split: 'train' },
      { asOf: at('2020-06-01'), split: 'test' },
    ],
    horizonDays: 30,
    candidates: () => SLUGS,
    labels: ({ candidates }) => new Map(candidates.map((s) => [s, POSITIVE.has(s)])),
    resamples: 0,
    ...over,
  };
}

/** The cells of a Markdown table row as GFM splits it (a backslash escapes the next character). */
function cellCount(row: string): number {
  let pipes = 0;
  for (let i = 0; i < row.length; i++) {
    if (row[i] === '\\') i++;
    else if (row[i] === '|') pipes++;
  }
  // A row written `| a | b |` has one pipe more than it has cells.
  return pipes - 1;
}

describe('hostile review 57: backtest reports and error codes', () => {
  it('the verdict naming a baseline keeps the report on its lines: a line break in the name does not start a heading', async () => {
    // src/backtest/markdown.ts runs every piece of host text it prints through line() (title,
    // scorer names in bullets and headings) or tableCell() (table rows): "a line break would start
    // a row or a paragraph of its own". The verdict is printed raw, and judge() (verdict.ts) writes
    // the best baseline's name into its text unchanged: a name with "\n\n# ..." ends the verdict
    // paragraph half-way ("the best baseline (base") and adds a heading of the host's to the report.
    const result = await runBacktest(
      options({
        scorer: { name: 'model', score: ({ candidates }) => new Map(candidates.map((s, i) => [s, i])) },
        baselines: [
          {
            name: 'reach\n\n# not a section of this report',
            score: ({ candidates }) => new Map(candidates.map((s) => [s, s === 'ana' ? 2 : 1])),
          },
        ],
        target: { split: 'test', minMeanAuc: 0.5 },
      }),
    );
    const lines = backtestMarkdown(result).split('\n');
    expect(lines.filter((l) => /^#+ not a section/.test(l))).toEqual([]);
    const verdict = lines.find((l) => l.startsWith('**Verdict**')) ?? '';
    // Received: '... not above every baseline; the best baseline (reach' (the rest two lines below).
    expect(verdict).toMatch(/the best baseline \(reach +# not a section of this report\) reaches 0\.750\.$/);
  });

  it('a reference with per-cutoff counts only (no figures) does not print a broken figures table', async () => {
    // checkReference (validate.ts) accepts `figures: {}` (a reference that reproduces the
    // candidates and positives per cutoff only). referenceSection (markdown.ts) then writes the
    // figures table with no column: header `| scorer |  |` (two cells) over the delimiter `|---|`
    // (one cell), which GFM does not take for a table: the report shows the raw pipes.
    const result = await runBacktest(
      options({
        baselines: [{ name: 'reach', score: ({ candidates }) => new Map(candidates.map((s, i) => [s, i])) }],
        reference: {
          source: 'the published protocol',
          figures: {},
          perCutoff: { test: { candidates: 4, positives: 2 } },
        },
      }),
    );
    const lines = backtestMarkdown(result, { explain: false }).split('\n');
    const mismatched: string[] = [];
    for (let i = 1; i < lines.length; i++) {
      if (!/^\|(?:\s*:?-+:?\s*\|)+\s*$/.test(lines[i]!)) continue;
      if (cellCount(lines[i - 1]!) !== cellCount(lines[i]!)) mismatched.push(`${lines[i - 1]}\n${lines[i]}`);
    }
    // Received: ['| scorer |  |\n|---|'].
    expect(mismatched).toEqual([]);
  });

  it("a labels answer that throws a BacktestError of the host's own while it is read is BACKTEST_CALLBACK_FAILED, naming the cutoff", async () => {
    // docs/backtesting.md: "A callback that throws stops the run with BACKTEST_CALLBACK_FAILED, and
    // so does an answer that throws while it is read (an index getter, a Proxy)"; callback()
    // (run-backtest.ts) wraps a host's own BacktestError thrown by the callback ("still its
    // callback's failure"). readAnswer() rethrows any BacktestError unchanged instead, to let the
    // harness's own INVALID_INPUT refusals through: a lazy labels object whose getter reads a stored
    // result with parseBacktestJson surfaces as BACKTEST_INVALID_INPUT "not a backtest result",
    // blaming the answer's shape, with no cutoff and no callback named.
    const lazyLabels = (candidates: readonly string[]): Record<string, boolean> =>
      Object.defineProperties(
        {},
        Object.fromEntries(
          candidates.map((slug) => [
            slug,
            {
              enumerable: true,
              get(): boolean {
                const stored = parseBacktestJson('{"format":"an older export"}') as unknown as Record<string, boolean>;
                return stored[slug] === true;
              },
            },
          ]),
        ),
      ) as Record<string, boolean>;
    const outcome = await runBacktest(
      options({
        labels: ({ candidates }) => lazyLabels(candidates),
        baselines: [{ name: 'reach', score: ({ candidates }) => new Map(candidates.map((s, i) => [s, i])) }],
      }),
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isBacktestError(outcome)).toBe(true);
    const e = outcome as { code: string; message: string };
    // Received: BACKTEST_INVALID_INPUT, 'not a backtest result: "format" is not "scene-radar-backtest/1"'.
    expect({ code: e.code, namesTheCutoff: e.message.includes('2020-01-01T00:00:00.000Z') }).toEqual({
      code: 'BACKTEST_CALLBACK_FAILED',
      namesTheCutoff: true,
    });
  });
});
