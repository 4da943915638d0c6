/**
 * @module backtest/markdown
 * A result as a Markdown report: method, how to read it, one table per split with bootstrap
 * intervals, what `fit` was given, unscored candidates, the reproduction of published figures and
 * calibration. Returns text; the caller decides where it goes.
 */
import { oneLine } from '../core/text.js';
import { BacktestError } from './errors.js';
import { checkBacktestResult } from './json.js';
import type { BacktestResult, ResultSplit, ScorerResult } from './result.js';
import type { ReferenceFigures } from './types.js';

/** Options of {@link backtestMarkdown}. */
export interface BacktestMarkdownOptions {
  /** Heading level of the title (1 = `#`); sections go one level deeper. @default 1 */
  readonly level?: number;
  /** Include the "how to read this" section (metrics and what the harness enforces). @default true */
  readonly explain?: boolean;
  /** Where the JSON result is kept, mentioned under the title. @default not mentioned */
  readonly resultFile?: string | null;
}

const f3 = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : x.toFixed(3));
const interval = (i: readonly [number, number] | null): string => (i ? `${f3(i[0])}-${f3(i[1])}` : 'n/a');
/** An instant as people read it: `2018-02-25 00:00 UTC`. */
const day = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
const SPLIT_TITLE: Record<ResultSplit, string> = {
  train: 'training cutoffs',
  test: 'test cutoffs',
  all: 'all cutoffs',
};
const SPLITS: readonly ResultSplit[] = ['train', 'test', 'all'];

const scorersOf = (r: BacktestResult): ScorerResult[] => [...(r.scorer ? [r.scorer] : []), ...r.baselines];
/** Host text on one line (a line break would start a row or a paragraph of its own). */
const line = oneLine;
/**
 * Host text (names, titles, errors, reasons) in the Markdown: on one line, with what would make it
 * Markdown escaped (every escaped character is ASCII punctuation, so the backslash never shows):
 * inside the line, emphasis, code, links and images, HTML, entities, strike-through and the pipe
 * that starts a table column (the backslash itself first); GFM's bare links (`https://`, `www.`,
 * `name@host`); a block marker at its start (`# `, `> `, `- `, `+ `, `1. `) and a closing `#` run
 * at its end (a heading's). A name such as `[x](url)`, `<img ...>`, `R&amp;B` or `C:\|x` reads as
 * the text it is and keeps its table cell.
 */
const text = (value: string): string =>
  line(value)
    .replace(/[\\`*_[\]<|~&@]/g, '\\$&')
    .replace(/([a-z][a-z0-9+.-]*):(?=\/\/)/gi, '$1\\:')
    .replace(/\b(www)\./gi, '$1\\.')
    .replace(/^(\s*)([#>+-])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2')
    .replace(/(#+)(\s*)$/, '\\$1$2');
/** Host text in a table cell (see {@link text}): a pipe never starts another column. */
const tableCell = text;
/**
 * `value` as one inline code span: a fence of backticks longer than any run inside it, and a space
 * inside each end when the value starts or ends with a backtick, or starts and ends with a space
 * (CommonMark strips one space from each end of such a span: the padding is what goes).
 */
const codeSpan = (value: string): string => {
  const flat = line(value);
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const spaced = flat.startsWith(' ') && flat.endsWith(' ') && flat.trim() !== '';
  const pad = flat.startsWith('`') || flat.endsWith('`') || spaced ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
};
const label = (s: ScorerResult): string =>
  s.role === 'model' ? `**${tableCell(s.name)}** (under test)` : tableCell(s.name);

function splitTable(r: BacktestResult, split: ResultSplit, h: string): string[] {
  const rows = scorersOf(r).map((s) => {
    const x = s.splits?.[split];
    if (!x) return `| ${label(s)} | failed: ${tableCell(s.error ?? 'no result')} | | | | | |`;
    return `| ${label(s)} | ${f3(x.meanAuc)} | ${interval(x.intervals.meanAuc)} | ${f3(x.meanPAtK)} | ${interval(x.intervals.meanPAtK)} | ${f3(x.pooledAp)} | ${interval(x.intervals.pooledAp)} |`;
  });
  const any = scorersOf(r).find((s) => s.splits)?.splits?.[split];
  // Undefined for every scorer alike (no positive or no negative): read from the labels, so a
  // scorer that scored nothing somewhere does not change the heading it shares with the others.
  const oneOutcome = r.cutoffs
    .filter((c) => split === 'all' || c.split === split)
    .filter((c) => c.positives === 0 || c.positives === c.candidates).length;
  const head = any
    ? `${SPLIT_TITLE[split]}: ${any.cutoffs} cutoffs, ${(any.candidates / Math.max(1, any.cutoffs)).toFixed(1)} candidates and ${(any.positives / Math.max(1, any.cutoffs)).toFixed(2)} positives per cutoff (base rate ${f3(any.baseRate)}); AUC undefined at ${oneOutcome} cutoff(s), left out of its mean.`
    : SPLIT_TITLE[split];
  // A cutoff without candidates is skipped by every scorer: said once, not blamed on each.
  const empty = r.cutoffs.filter((c) => (split === 'all' || c.split === split) && c.candidates === 0).length;
  const unmeasured = scorersOf(r).flatMap((s) => {
    // Results written before pAtKSkipped existed lack it: none of their cutoffs was skipped.
    const skipped = Math.max(0, (s.splits?.[split].pAtKSkipped ?? 0) - empty);
    return skipped > 0
      ? [
          `- ${text(s.name)}: no candidate scored at ${skipped} of ${s.splits![split].cutoffs} cutoff(s); its AUC and P@${r.k} there are undefined, left out of its means.`,
        ]
      : [];
  });
  return [
    `${h} ${head.charAt(0).toUpperCase()}${head.slice(1)}`,
    '',
    `| scorer | mean AUC | 95% CI | mean P@${r.k} | 95% CI | pooled AP | 95% CI |`,
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...(empty > 0
      ? [`- ${empty} cutoff(s) had no candidate: nobody to rank there, left out of every scorer's means.`, '']
      : []),
    ...(unmeasured.length ? [...unmeasured, ''] : []),
  ];
}

function fitSection(r: BacktestResult): string[] {
  const testCutoffs = r.cutoffs.filter((c) => c.split === 'test').length;
  const limit = testCutoffs
    ? `the first test cutoff, ${day(r.fit.limit)}`
    : `${day(r.fit.limit)} (no test cutoff: the last cutoff plus the horizon)`;
  const purged = r.fit.purged.length
    ? ` ${r.fit.purged.length} training cutoff(s) were purged from what \`fit\` received, because their ${r.horizonDays}-day label horizon reaches past that limit: ${r.fit.purged.map(day).join(', ')}. They are still scored and counted in the training figures.`
    : ' No training cutoff had to be purged.';
  return [
    `Fitting: \`fit\` could read the sources up to ${limit}, and received ${r.fit.cutoffs} training cutoff(s) with their labels.${purged}`,
    '',
  ];
}

/**
 * Per scorer with figures, its candidates left unscored (ranked last) and those scored although a
 * read failed (counted as scored), each a line of text (`show` makes the host's texts safe where
 * they are printed): both move its figures, so both are said wherever the figures are.
 */
function candidateNotes(r: BacktestResult, show: (s: string) => string): { unscored: string[]; degraded: string[] } {
  const total = r.cutoffs.reduce((n, c) => n + c.candidates, 0);
  const reasons = (counts: Readonly<Record<string, number>>): string =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([why, n]) => `${show(why)} (${n})`)
      .join('; ');
  const withFigures = scorersOf(r).filter((s) => s.splits);
  return {
    unscored: withFigures
      .filter((s) => s.unscored.total > 0)
      .map(
        (s) =>
          `${show(s.name)}: ${s.unscored.total} of ${s.perCutoff.length ? total : 0} candidate-cutoffs unscored, ranked last: ${reasons(s.unscored.reasons)}`,
      ),
    degraded: withFigures
      .filter((s) => (s.degraded?.total ?? 0) > 0)
      .map(
        (s) =>
          `${show(s.name)}: ${s.degraded.total} of ${s.perCutoff.length ? total : 0} candidate-cutoffs scored although a read failed, counted as scored: ${reasons(s.degraded.reasons)}`,
      ),
  };
}

function unscoredSection(r: BacktestResult): string[] {
  const { unscored, degraded } = candidateNotes(r, text);
  return [
    ...(unscored.length ? ['Unscored candidates:', '', ...unscored.map((l) => `- ${l}.`), ''] : []),
    ...(degraded.length ? ['Candidates scored with a failed read:', '', ...degraded.map((l) => `- ${l}.`), ''] : []),
  ];
}

function referenceSection(r: BacktestResult, h: string): string[] {
  const ref = r.reference;
  if (!ref) return [];
  const columns: { split: ResultSplit; metric: keyof ReferenceFigures }[] = [];
  for (const split of SPLITS) {
    for (const metric of ['auc', 'pAtK'] as const) {
      if (Object.values(ref.figures).some((f) => f[split]?.[metric] !== undefined)) columns.push({ split, metric });
    }
  }
  const name = (c: (typeof columns)[number]): string =>
    `${c.split === 'all' ? 'all' : c.split} ${c.metric === 'auc' ? 'AUC' : `P@${r.k}`}`;
  const out = [`${h} Reproducing the published figures`, ''];
  // A reference may give the per-cutoff counts alone: no figures, no table of them.
  if (columns.length === 0) out.push(`Reference: ${text(ref.source)}.`, '');
  else {
    out.push(`Reference: ${text(ref.source)}. Each cell: here / published.`, '');
    out.push(`| scorer | ${columns.map(name).join(' | ')} |`, `|---|${columns.map(() => '---|').join('')}`);
    for (const [scorer, figs] of Object.entries(ref.figures)) {
      const s = scorersOf(r).find((x) => x.name === scorer)?.splits;
      const cells = columns.map((c) => {
        const here = s?.[c.split];
        return `${f3(c.metric === 'auc' ? here?.meanAuc : here?.meanPAtK)} / ${f3(figs[c.split]?.[c.metric])}`;
      });
      out.push(`| ${tableCell(scorer)} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  const counts = ref.perCutoff;
  if (counts) {
    out.push('| cutoffs | candidates per cutoff | positives per cutoff |', '|---|---|---|');
    for (const split of SPLITS) {
      const want = counts[split];
      if (!want) continue;
      const infos = r.cutoffs.filter((c) => split === 'all' || c.split === split);
      const per = (f: (c: (typeof infos)[number]) => number): number | null =>
        infos.length ? infos.reduce((n, c) => n + f(c), 0) / infos.length : null;
      const one = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(1));
      out.push(
        `| ${split} | ${one(per((c) => c.candidates))} / ${want.candidates ?? 'n/a'} | ${one(per((c) => c.positives))} / ${want.positives ?? 'n/a'} |`,
      );
    }
    out.push('');
  }
  if (ref.note) out.push(ref.note, '');
  return out;
}

function calibrationSection(r: BacktestResult, h: string): string[] {
  const out: string[] = [];
  for (const s of scorersOf(r)) {
    const c = s.splits?.test.calibration;
    if (!c) continue;
    out.push(
      `${h} Calibration of ${text(s.name)} (test cutoffs)`,
      '',
      `Brier score ${f3(c.brier)}, expected calibration error ${f3(c.ece)} over ${c.count} predictions${c.clamped ? ` (${c.clamped} outside [0, 1] clamped)` : ''}.`,
      '',
    );
    out.push('| predicted | count | mean predicted | observed rate |', '|---|---|---|---|');
    for (const b of c.bins)
      out.push(
        `| ${b.from.toFixed(1)}-${b.to.toFixed(1)} | ${b.count} | ${f3(b.meanPredicted)} | ${f3(b.observedRate)} |`,
      );
    out.push('');
  }
  return out;
}

function explainSection(r: BacktestResult, h: string): string[] {
  const resamples = scorersOf(r).find((s) => s.splits)?.splits?.all.intervals.resamples ?? 0;
  return [
    `${h} How to read this`,
    '',
    `Per cutoff, then averaged over the cutoffs of a split: AUC (Mann-Whitney, a tie counts one half; undefined at a cutoff with no positive or no negative, which is then left out of the mean and counted) and precision@${r.k} (a tie at the ${r.k}th place fills the remaining places pro rata, the expected value of a random tie-break; a cutoff with no positive scores 0). Pooled average precision ranks the candidates of all the split's cutoffs together (tied scores form one threshold); compare it with the base rate. The 95% intervals are percentile bootstraps over whole cutoffs (${resamples.toLocaleString('en-US')} resamples, seeded). A candidate a scorer leaves unscored ranks last; at a cutoff where it scored no candidate at all, its AUC and precision are undefined (left out of its means and counted), and a scorer that scored nothing has no figure (n/a). Calibration (reliability bins, Brier score, ECE) is shown for scorers whose scores are probabilities.`,
    '',
    `Enforced by the harness: at each cutoff T, candidates, peers and every score were computed from sources that refuse any read past T; labels from sources that refuse reads past T + ${r.horizonDays} days; \`fit\` from sources that refuse reads past the first test cutoff. A refused read voids the whole run, so these figures come from a run in which none happened.`,
    '',
  ];
}

/**
 * The Markdown report of a result.
 * @example
 * ```ts
 * writeFileSync('docs/my-backtest.md', backtestMarkdown(result, { resultFile: 'results/my-label.json' }));
 * ```
 */
export function backtestMarkdown(result: BacktestResult, options: BacktestMarkdownOptions = {}): string {
  checkBacktestResult(result);
  if (options === null || typeof options !== 'object')
    throw new BacktestError('BACKTEST_INVALID_INPUT', 'backtestMarkdown: options must be an object');
  // A level that is not a finite number (NaN) is the default, as undefined is.
  const given = options.level;
  const level = Math.min(4, Math.max(1, Math.trunc(typeof given === 'number' && Number.isFinite(given) ? given : 1)));
  const h1 = '#'.repeat(level);
  const h2 = `${h1}#`;
  const h3 = `${h2}#`;
  const r = result;
  const file = options.resultFile
    ? `Result file: ${codeSpan(options.resultFile)} (per-cutoff figures, intervals, parameters). `
    : '';
  const out = [
    `${h1} ${text(r.title)}`,
    '',
    `${file}Run ${r.runAt.slice(0, 16).replace('T', ' ')} UTC, ${(r.runtimeMs / 1000).toFixed(1)} s; ${r.cutoffs.length} cutoffs, label horizon ${r.horizonDays} days.`,
    '',
  ];
  if (r.method.length) out.push(`${h2} Method`, '', ...r.method.flatMap((p) => [p, '']));
  if (options.explain !== false) out.push(...explainSection(r, h2));
  out.push(`${h2} Results`, '');
  if (!r.scorer) out.push('No scorer under test in this run: baselines only.', '');
  else if (r.verdict)
    out.push(
      `**Verdict** (target: mean AUC >= ${r.target?.minMeanAuc ?? 'n/a'} on the ${r.target ? SPLIT_TITLE[r.target.split] : ''} and above every baseline): ${text(r.verdict.text)}`,
      '',
    );
  for (const split of ['test', 'train', 'all'] as const) out.push(...splitTable(r, split, h3));
  out.push(...fitSection(r), ...unscoredSection(r), ...referenceSection(r, h3), ...calibrationSection(r, h3));
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * A compact table for a terminal: mean AUC and mean precision@k per split and scorer.
 * @example
 * ```ts
 * console.log(backtestConsoleTable(result));
 * ```
 */
export function backtestConsoleTable(result: BacktestResult): string {
  checkBacktestResult(result);
  const r = result;
  // One line per row (host text on one line), the figures in columns of five ("0.761", "  n/a"),
  // the name column as wide as the widest name.
  const names = scorersOf(r).map((s) => line(s.role === 'model' ? `* ${s.name}` : s.name));
  const width = Math.max(26, ...names.map((n) => n.length + 1));
  const rows = scorersOf(r).map((s, i) => {
    const cell = (split: ResultSplit): string => {
      const x = s.splits?.[split];
      return x ? `${f3(x.meanAuc).padStart(5)} ${f3(x.meanPAtK).padStart(5)}` : 'failed     ';
    };
    return `${names[i]!.padEnd(width)} ${cell('train').padEnd(12)} ${cell('test').padEnd(12)} ${cell('all')}`;
  });
  const head = `${`scorer (AUC P@${r.k})`.padEnd(width)} ${'train'.padEnd(12)} ${'test'.padEnd(12)} all`;
  const tail = [
    r.scorer ? null : '(no scorer under test in this run: baselines only)',
    r.verdict ? line(r.verdict.text) : null,
    ...scorersOf(r)
      .filter((s) => s.error)
      .map((s) => `${line(s.name)} failed: ${line(s.error!)}`),
    // Candidates a scorer left unscored (ranked last) or scored with a failed read move its
    // figures: said under the table too.
    ...Object.values(candidateNotes(r, line)).flat(),
  ].filter((x): x is string => x !== null);
  return [
    `${line(r.title)} (${r.cutoffs.length} cutoffs, ${(r.runtimeMs / 1000).toFixed(1)} s)`,
    head,
    ...rows,
    ...tail,
  ].join('\n');
}
