/**
 * @module bench/backtest/report
 * What a backtest leaves behind: its full result in `bench/backtests/<name>.json`, the report
 * `docs/backtests.md` regenerated from every result file present (so a run of one backtest keeps
 * the other's last section), a compact table for the terminal and the `--json` summary.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BacktestResult, ResultSplit, ScorerResult, SplitSummary } from './runner.js';

/** Figures of one scorer in the `--json` summary. */
export interface WindowFigures {
  /** Mean AUC over the split's cutoffs (null when never defined). */
  readonly auc: number | null;
  /** Mean precision@10 over the split's cutoffs. */
  readonly p_at_10: number | null;
  /** Pooled average precision (extra field). */
  readonly pooled_ap: number | null;
}

/** One split in the `--json` summary. */
export interface WindowSummary {
  /** The breakout score, null until it exists (or if it failed). */
  readonly breakout: WindowFigures | null;
  /** Baselines by name. */
  readonly baselines: Readonly<Record<string, WindowFigures>>;
}

const figures = (s: SplitSummary): WindowFigures => ({ auc: s.meanAuc, p_at_10: s.meanPAt10, pooled_ap: s.pooledAp });

/**
 * The `--json` summary: `{ windows: { train, test } }`, each with the breakout score and the
 * baselines (mean AUC and precision@10 over the split's cutoffs).
 * @example
 * ```ts
 * jsonSummary(result).windows.test.baselines['best-rank-8w']?.auc;
 * ```
 */
export function jsonSummary(result: BacktestResult): { windows: Record<'train' | 'test', WindowSummary> } {
  const window = (split: 'train' | 'test'): WindowSummary => ({
    breakout: result.breakout?.splits ? figures(result.breakout.splits[split]) : null,
    baselines: Object.fromEntries(result.baselines.filter((b) => b.splits).map((b) => [b.name, figures(b.splits![split])])),
  });
  return { windows: { train: window('train'), test: window('test') } };
}

/**
 * Writes a result to `<dir>/<name>.json`.
 * @example
 * ```ts
 * writeResult('bench/backtests', result); // bench/backtests/chart-protocol-a.json
 * ```
 */
export function writeResult(dir: string, result: BacktestResult): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${result.name}.json`);
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

/** Reads every result file of `dir`, by name; files that do not parse are reported and skipped. */
export function readResults(dir: string, warn: (line: string) => void = () => {}): BacktestResult[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const out: BacktestResult[] = [];
  for (const name of names) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      if (typeof parsed === 'object' && parsed !== null && 'name' in parsed && 'baselines' in parsed && 'cutoffs' in parsed) out.push({ reference: null, ...parsed } as BacktestResult);
      else warn(`${name}: not a backtest result, skipped`);
    } catch (e) {
      warn(`${name}: ${e instanceof Error ? e.message : String(e)}, skipped`);
    }
  }
  return out;
}

const f3 = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : x.toFixed(3));
const interval = (i: readonly [number, number] | null): string => (i ? `${f3(i[0])}-${f3(i[1])}` : 'n/a');
const scorers = (r: BacktestResult): ScorerResult[] => [...(r.breakout ? [r.breakout] : []), ...r.baselines];
const label = (s: ScorerResult): string => (s.role === 'breakout' ? `**${s.name}** (breakout score)` : s.name);
const SPLIT_TITLE: Record<ResultSplit, string> = { train: 'training cutoffs', test: 'test cutoffs', all: 'all cutoffs' };

function splitTable(r: BacktestResult, split: ResultSplit): string[] {
  const rows = scorers(r).map((s) => {
    const x = s.splits?.[split];
    if (!x) return `| ${label(s)} | failed: ${s.error ?? 'no result'} | | | | | |`;
    return `| ${label(s)} | ${f3(x.meanAuc)} | ${interval(x.intervals.meanAuc)} | ${f3(x.meanPAt10)} | ${interval(x.intervals.meanPAt10)} | ${f3(x.pooledAp)} | ${interval(x.intervals.pooledAp)} |`;
  });
  const any = scorers(r).find((s) => s.splits)?.splits?.[split];
  const head = any
    ? `${SPLIT_TITLE[split]}: ${any.cutoffs} cutoffs, ${(any.candidates / Math.max(1, any.cutoffs)).toFixed(1)} candidates and ${(any.positives / Math.max(1, any.cutoffs)).toFixed(2)} positives per cutoff (base rate ${f3(any.baseRate)}); AUC undefined at ${any.aucSkipped} cutoff(s), left out of its mean.`
    : SPLIT_TITLE[split];
  return [`#### ${head.charAt(0).toUpperCase()}${head.slice(1)}`, '', '| scorer | mean AUC | 95% CI | mean P@10 | 95% CI | pooled AP | 95% CI |', '|---|---|---|---|---|---|---|', ...rows, ''];
}

function calibrationSection(r: BacktestResult): string[] {
  const out: string[] = [];
  for (const s of scorers(r)) {
    const c = s.splits?.test.calibration;
    if (!c) continue;
    out.push(`#### Calibration of ${s.name} (test cutoffs)`, '', `Brier score ${f3(c.brier)}, expected calibration error ${f3(c.ece)} over ${c.count} predictions${c.clamped ? ` (${c.clamped} outside [0, 1] clamped)` : ''}.`, '');
    out.push('| predicted | count | mean predicted | observed rate |', '|---|---|---|---|');
    for (const b of c.bins) out.push(`| ${b.from.toFixed(1)}-${b.to.toFixed(1)} | ${b.count} | ${f3(b.meanPredicted)} | ${f3(b.observedRate)} |`);
    out.push('');
  }
  return out;
}

function referenceSection(r: BacktestResult): string[] {
  const ref = r.reference;
  if (!ref) return [];
  const out = [`#### Reproducing the published baselines (${ref.split === 'all' ? 'all' : ref.split} cutoffs)`, '', `Reference: ${ref.source}.`, '', '| baseline | mean AUC here | published | mean P@10 here | published |', '|---|---|---|---|---|'];
  for (const [name, fig] of Object.entries(ref.figures)) {
    const s = r.baselines.find((b) => b.name === name)?.splits?.[ref.split];
    out.push(`| ${name} | ${f3(s?.meanAuc)} | ${f3(fig.auc)} | ${f3(s?.meanPAt10)} | ${f3(fig.pAt10)} |`);
  }
  out.push('', ref.note, '');
  return out;
}

/** The Markdown section of one result. */
export function resultSection(r: BacktestResult): string[] {
  const out = [`## ${r.title}`, '', `Result file: \`bench/backtests/${r.name}.json\` (per-cutoff figures, intervals, parameters). Run ${r.runAt.slice(0, 16).replace('T', ' ')} UTC, ${(r.runtimeMs / 1000).toFixed(1)} s.`, '', '### Method', '', ...r.method.flatMap((p) => [p, '']), '### Results', ''];
  if (!r.breakout) out.push('No breakout scorer at this run (`bench/backtest/talent-scorer.ts` absent, or `--baselines-only`): baselines only.', '');
  else if (r.verdict) out.push(`**Verdict** (target: mean AUC >= ${r.target?.minMeanAuc ?? 'n/a'} on the ${r.target?.split ?? ''} cutoffs and above every baseline): ${r.verdict.text}`, '');
  for (const split of ['test', 'train', 'all'] as const) out.push(...splitTable(r, split));
  out.push(...referenceSection(r), ...calibrationSection(r));
  return out;
}

/** Sections in a fixed order: the real-data backtest first. */
const ORDER = ['chart-protocol-a', 'demo-world'];

/**
 * The whole report from the results present.
 * @example
 * ```ts
 * writeFileSync('docs/backtests.md', renderReport(readResults('bench/backtests')));
 * ```
 */
export function renderReport(results: readonly BacktestResult[]): string {
  const sorted = [...results].sort((a, b) => {
    const ia = ORDER.indexOf(a.name);
    const ib = ORDER.indexOf(b.name);
    return (ia < 0 ? ORDER.length : ia) - (ib < 0 ? ORDER.length : ib) || (a.name < b.name ? -1 : 1);
  });
  const counts = new Set(sorted.flatMap((r) => [r.breakout, ...r.baselines].map((s) => s?.splits?.all.intervals.resamples)).filter((n): n is number => n !== undefined));
  const resamples = [...counts].map((n) => n.toLocaleString('en-US')).join(' or ') || '2,000';
  const lines = [
    '# Backtests',
    '',
    '<!-- Generated by `npm run backtest` from bench/backtests/*.json; edit bench/backtest/, not this file. -->',
    '',
    'Each backtest replays history: at every cutoff T a scorer ranks the candidates from what the sources knew at T, and the ranking is checked against what happened after T. `npm run backtest` runs the demo world; `npm run backtest -- --hot100 <dir>` also runs protocol A on the Billboard Hot 100 files in `<dir>` (not part of this repository).',
    '',
    `Metrics, per cutoff and then averaged over the cutoffs of a split: AUC (Mann-Whitney, a tie counts one half; undefined at a cutoff with no positive or no negative, which is then left out and counted), precision@10 (a tie at the 10th place fills the remaining places pro rata, the expected value of a random tie-break; a cutoff with no positive scores 0). Pooled average precision ranks the candidates of all the split's cutoffs together (tied scores form one threshold). The 95% intervals are percentile bootstraps over cutoffs (${resamples} resamples, seeded). A candidate a scorer leaves unscored ranks last. Calibration (reliability bins, Brier score, ECE) is shown for scorers whose scores are probabilities.`,
    '',
    'Leakage is prevented by construction: `fit` receives the training cutoffs only, and its sources refuse reads past the last training cutoff plus the horizon; `score` receives a cutoff without labels, and its sources refuse reads past the cutoff.',
    '',
  ];
  if (sorted.length === 0) lines.push('No backtest has been run yet.', '');
  for (const r of sorted) lines.push(...resultSection(r));
  return `${lines.join('\n').trimEnd()}\n`;
}

/**
 * A compact table for the terminal: mean AUC and P@10 per split and scorer.
 * @example
 * ```ts
 * console.log(consoleTable(result));
 * ```
 */
export function consoleTable(r: BacktestResult): string {
  const rows = scorers(r).map((s) => {
    const cell = (split: ResultSplit): string => {
      const x = s.splits?.[split];
      return x ? `${f3(x.meanAuc)} ${f3(x.meanPAt10)}` : 'failed     ';
    };
    return `${(s.role === 'breakout' ? `* ${s.name}` : s.name).padEnd(26)} ${cell('train').padEnd(12)} ${cell('test').padEnd(12)} ${cell('all')}`;
  });
  const head = `${'scorer (AUC P@10)'.padEnd(26)} ${'train'.padEnd(12)} ${'test'.padEnd(12)} all`;
  const tail = [r.breakout ? null : '(no breakout scorer in this run: baselines only)', r.verdict?.text ?? null, ...scorers(r).filter((s) => s.error).map((s) => `${s.name} failed: ${s.error}`)].filter((x): x is string => x !== null);
  return [`${r.title} (${r.cutoffs.length} cutoffs, ${(r.runtimeMs / 1000).toFixed(1)} s)`, head, ...rows, ...tail].join('\n');
}
