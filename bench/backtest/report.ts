/**
 * @module bench/backtest/report
 * What `npm run backtest` leaves behind, written with the public harness's text outputs: each
 * result in `bench/backtests/<name>.json` (`backtestJson`), and `docs/backtests.md` regenerated
 * from every result file present (`backtestMarkdown` per result, so a run of one backtest keeps
 * the others' last sections). The harness returns text; the file system is touched here only.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backtestJson, backtestMarkdown, parseBacktestJson, type BacktestResult } from 'scene-radar/backtest';

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
  writeFileSync(path, backtestJson(result));
  return path;
}

/**
 * Reads every result file of `dir`; files that are not results are reported and skipped.
 * @example
 * ```ts
 * readResults('bench/backtests', console.error).map((r) => r.name);
 * ```
 */
export function readResults(dir: string, warn: (line: string) => void = () => {}): BacktestResult[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((f) => f.endsWith('.json') && f !== DEFAULT_FIT_FILE)
      .sort();
  } catch {
    return [];
  }
  const out: BacktestResult[] = [];
  for (const name of names) {
    try {
      out.push(parseBacktestJson(readFileSync(join(dir, name), 'utf8')));
    } catch (e) {
      warn(`${name}: ${e instanceof Error ? e.message : String(e)}, skipped`);
    }
  }
  return out;
}

/** The record `npm run fit-defaults` writes beside the results (not a backtest result). */
export const DEFAULT_FIT_FILE = 'default-model-fit.json';

/** The part of the fit record the report shows. */
interface FitRecord {
  readonly protocols: readonly {
    readonly name: string;
    /** The definition of breaking out (absent in records before several definitions). */
    readonly definition?: string;
    readonly labels?: string;
    readonly trainingCutoffs: number;
    readonly purgedCutoffs: number;
    readonly examples: number;
    readonly positives: number;
  }[];
  readonly model: {
    readonly intercept: number;
    readonly inputs: Readonly<Record<string, { readonly weight: number; readonly center: number }>>;
  };
  readonly penaltySelection?: {
    readonly tolerance: number;
    readonly chosen: number;
    readonly insideCharts: { readonly l2: number; readonly outOfTimeMeanAuc: number | null };
    readonly figures: readonly {
      readonly l2: number;
      readonly directions: Readonly<Record<string, number | null>>;
      readonly meanAuc: number | null;
    }[];
  };
  readonly probabilityScale?: { readonly interceptShift: number };
  readonly inputSelection?: {
    readonly excluded: readonly string[];
    readonly figures: readonly {
      readonly input: string;
      readonly withIt: number | null;
      readonly without: number | null;
      readonly excluded: boolean;
    }[];
  };
  readonly outOfTimeByDefinition?: {
    readonly blocks: number;
    readonly every: Readonly<Record<string, number | null>>;
    readonly firstOnly: Readonly<Record<string, number | null>>;
  };
  readonly mappingInvariance?: {
    readonly figures: readonly {
      readonly key: string;
      readonly asMapped: number | null;
      readonly remapped: Readonly<Record<string, number | null>>;
    }[];
  };
  readonly definitionCarryOver?: {
    readonly figures: readonly {
      readonly heldOut: readonly string[];
      readonly fittedOn: readonly string[];
      readonly auc: Readonly<Record<string, number | null>>;
      readonly firstOnlyAuc: Readonly<Record<string, number | null>>;
    }[];
  };
  readonly validation: {
    readonly l2: number;
    readonly converged: boolean;
    readonly outOfTime: { readonly meanAuc: number | null; readonly examples: number } | null;
    readonly recalibration: { readonly slope: number; readonly offset: number } | null;
  };
}

/**
 * Reads the default model's fit record from `dir`, or null.
 * @example
 * ```ts
 * readFitRecord('bench/backtests')?.validation.l2;
 * ```
 */
export function readFitRecord(dir: string): FitRecord | null {
  try {
    return JSON.parse(readFileSync(join(dir, DEFAULT_FIT_FILE), 'utf8')) as FitRecord;
  } catch {
    return null;
  }
}

/** Inputs the charts cannot fit (one region, no press, tastemaker or scene source): weight 0 for that reason. */
const UNFITTABLE_ON_CHARTS = new Set(['breadth', 'spread', 'new_tastemakers', 'press', 'scene_heat']);

/** The sentence naming the inputs the monotone priors dropped, or ''. */
function priorDropped(inputs: FitRecord['model']['inputs'], leftOut: readonly string[] = []): string {
  const list = (names: readonly string[]): string =>
    names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  const out = leftOut.map((k) => `\`${k}\``);
  const carry =
    out.length === 0
      ? ''
      : ` ${list(out)} ${out.length === 1 ? 'is' : 'are'} left out because ${out.length === 1 ? 'it does' : 'they do'} not carry over from one chart to the other (table below).`;
  const dropped = Object.entries(inputs)
    .filter(([k, t]) => t.weight === 0 && !UNFITTABLE_ON_CHARTS.has(k) && !leftOut.includes(k))
    .map(([k]) => `\`${k}\``);
  if (dropped.length === 0) return carry;
  return `${carry} ${list(dropped)} ${
    dropped.length === 1
      ? 'is at 0 for another reason, the monotone priors: its weight turned negative in the fit, so it was dropped'
      : 'are at 0 for another reason, the monotone priors: their weight turned negative in the fit, so each was dropped'
  } and the rest refitted (docs/scoring.md).`;
}

const f3 = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : x.toFixed(3));

/** Flags at or above `threshold` on a split: how many, and the share that had the outcome (from the calibration bins). */
function flags(
  r: BacktestResult,
  threshold: number,
): { flagged: number; hitRate: number | null; baseRate: number | null } {
  const split = r.scorer?.splits?.test;
  const bins = split?.calibration?.bins ?? [];
  let flagged = 0;
  let hits = 0;
  for (const b of bins) {
    if (b.from >= threshold - 1e-9 && b.count > 0) {
      flagged += b.count;
      hits += b.count * (b.observedRate ?? 0);
    }
  }
  return { flagged, hitRate: flagged ? hits / flagged : null, baseRate: split?.baseRate ?? null };
}

/**
 * The issue-11 targets, checked against the results present: one row per target, its figure and
 * whether it is met. Only what the result files say; nothing is typed in by hand.
 */
function targetsSection(results: readonly BacktestResult[], fit: FitRecord | null): string[] {
  const by = new Map(results.map((r) => [r.name, r]));
  const rows: string[][] = [];
  const test = (r: BacktestResult | undefined) => r?.scorer?.splits?.test;
  const baselines = (r: BacktestResult | undefined) =>
    (r?.baselines ?? []).filter((b) => b.splits).map((b) => ({ name: b.name, s: b.splits!.test }));
  const row = (what: string, figure: string, met: boolean | null): void => {
    rows.push([what, figure, met === null ? 'not run' : met ? 'met' : '**not met**']);
  };
  for (const [name, letter, apFactor, pAt10] of [
    ['chart-protocol-a', 'A', 1.25, true],
    ['chart-protocol-c', 'C', 1, false],
  ] as const) {
    const r = by.get(name);
    const t = test(r);
    const bs = baselines(r);
    if (!r || !t) {
      row(`Protocol ${letter}, default model: test mean AUC >= 0.80`, 'no result', null);
      continue;
    }
    const bestAp = Math.max(...bs.map((b) => b.s.pooledAp ?? 0));
    const bestAuc = bs.reduce((a, b) => ((b.s.meanAuc ?? 0) > (a.s.meanAuc ?? 0) ? b : a));
    row(
      `Protocol ${letter}, default model: test mean AUC >= 0.80`,
      `${f3(t.meanAuc)} (best baseline ${bestAuc.name} ${f3(bestAuc.s.meanAuc)})`,
      (t.meanAuc ?? 0) >= 0.8,
    );
    const ap = t.pooledAp ?? 0;
    row(
      `Protocol ${letter}, default model: test pooled AP ${apFactor > 1 ? `>= ${apFactor}x the best baseline's` : 'above every baseline'}`,
      `${f3(ap)} (${(ap / bestAp).toFixed(2)}x the best baseline's ${f3(bestAp)})`,
      apFactor > 1 ? ap >= apFactor * bestAp : ap > bestAp,
    );
    if (pAt10) {
      const bestP = Math.max(...bs.map((b) => b.s.meanPAtK ?? 0));
      row(
        `Protocol ${letter}, default model: test P@10 above every baseline`,
        `${f3(t.meanPAtK)} (best baseline ${f3(bestP)})`,
        (t.meanPAtK ?? 0) > bestP,
      );
    }
    const fl = flags(r, 0.4);
    const ratio = fl.hitRate !== null && fl.baseRate ? fl.hitRate / fl.baseRate : null;
    row(
      `Protocol ${letter}, default model: flag breakout_score >= 0.4 hits >= 3x the base rate (test)`,
      fl.flagged
        ? `${fl.flagged} flagged, ${f3(fl.hitRate)} hit (${ratio?.toFixed(1)}x the base rate ${f3(fl.baseRate)})`
        : `nobody flagged (base rate ${f3(fl.baseRate)})`,
      ratio !== null && ratio >= 3,
    );
    const cal = by.get(`${name}-calibrated`);
    const ct = test(cal);
    const cbs = baselines(cal);
    if (cal && ct) {
      const beats = cbs.every(
        (b) => (ct.meanAuc ?? 0) > (b.s.meanAuc ?? 0) && (ct.pooledAp ?? 0) > (b.s.pooledAp ?? 0),
      );
      row(
        `Protocol ${letter}, calibrate() on its training window: beats every baseline on the test window (mean AUC and pooled AP)`,
        `AUC ${f3(ct.meanAuc)}, pooled AP ${f3(ct.pooledAp)}`,
        beats,
      );
    } else
      row(
        `Protocol ${letter}, calibrate() on its training window: beats every baseline on the test window`,
        'no result',
        null,
      );
  }
  const lines = [
    '## Summary: the targets of issue 11',
    '',
    'Computed from the result files below; the default model is one set of weights for every data set.',
    '',
    '| target | figure | |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ];
  if (fit) {
    const v = fit.validation;
    const ps = fit.penaltySelection;
    lines.push(
      '### The published default model',
      '',
      ...(fit.protocols.some((p) => p.definition !== undefined)
        ? [
            `Fitted by \`npm run fit-defaults\` on the training windows of protocols A and C together, each under four definitions of breaking out within 26 weeks, each (protocol, definition) weighing the same (table below), through the public harness like any host's fit: an L2-regularised logistic regression, ${ps ? `the penalty chosen for carry-over between the two charts (l2 = ${v.l2}, table below)` : `the penalty chosen by time-ordered cross-validation (l2 = ${v.l2})`}, Platt-recalibrated on the out-of-time predictions (${v.recalibration ? `slope ${v.recalibration.slope.toFixed(3)}, offset ${v.recalibration.offset.toFixed(3)}` : 'none'}), ${v.converged ? 'converged' : '**did not converge**'}. The ranking is learned from every definition; the probability keeps the scale of the protocols' own, a first top 10: the intercept is shifted (by ${fit.probabilityScale?.interceptShift.toFixed(3) ?? 'n/a'}) so the model predicts on average the rate of a first top 10 on its training examples. Out-of-time mean AUC inside the training windows (each fold scored on the period after the one it was fitted on; the four definitions' examples of a cutoff ranked together, where an artist's examples share a score, so not comparable with a single definition's figure; before the intercept shift): ${f3(v.outOfTime?.meanAuc)} over ${v.outOfTime?.examples ?? 0} examples. Never fitted on the demo world. Full record: \`bench/backtests/${DEFAULT_FIT_FILE}\`.`,
            '',
            '| protocol | definition (labels) | training cutoffs (purged) | examples | positive |',
            '|---|---|---|---|---|',
            ...fit.protocols.map(
              (p) =>
                `| ${p.name} | ${p.definition}: ${p.labels ?? ''} | ${p.trainingCutoffs} (${p.purgedCutoffs}) | ${p.examples} | ${p.positives} |`,
            ),
          ]
        : [
            `Fitted by \`npm run fit-defaults\` on the training windows of protocols A and C together, each protocol weighing the same (${fit.protocols.map((p) => `${p.name}: ${p.trainingCutoffs} training cutoffs after purging ${p.purgedCutoffs}, ${p.examples} examples, ${p.positives} positive`).join('; ')}), through the public harness like any host's fit: an L2-regularised logistic regression, ${ps ? `the penalty chosen for carry-over between the two charts (l2 = ${v.l2}, table below)` : `the penalty chosen by time-ordered cross-validation (l2 = ${v.l2})`}, Platt-recalibrated on the out-of-time predictions (${v.recalibration ? `slope ${v.recalibration.slope.toFixed(3)}, offset ${v.recalibration.offset.toFixed(3)}` : 'none'}), ${v.converged ? 'converged' : '**did not converge**'}. Out-of-time mean AUC inside the training windows (each fold scored on the period after the one it was fitted on): ${f3(v.outOfTime?.meanAuc)} over ${v.outOfTime?.examples ?? 0} examples. Never fitted on the demo world. Full record: \`bench/backtests/${DEFAULT_FIT_FILE}\`.`,
          ]),
      '',
      '| input | weight | centre |',
      '|---|---|---|',
      ...Object.entries(fit.model.inputs).map(
        ([k, t]) => `| \`${k}\` | ${t.weight.toFixed(3)} | ${t.center.toFixed(3)} |`,
      ),
      `| intercept | ${fit.model.intercept.toFixed(3)} | |`,
      '',
      `Inputs with weight 0 (regions, tastemakers, press, scene heat) cannot be fitted on two American charts with no press, tastemaker or scene source: they carry no weight until a host fits them on its own history with \`calibrate()\`.${priorDropped(fit.model.inputs, fit.inputSelection?.excluded)}`,
      '',
    );
    const sel = fit.inputSelection;
    if (sel) {
      lines.push(
        '#### Which inputs carry over from one chart to the other',
        '',
        `A default model serves data it was never fitted on, so an input that says opposite things on the two charts does it harm: a model fitted on one chart weighs it, and on the other chart it ranks the wrong way. An input added after the recipe's inputs were fixed is on trial: the carry-over (a model fitted on one protocol's training window alone ranking the other's, both ways, every definition; mean AUC) of the model with every input is compared with the model without that input, at the penalty that carries over best with every input. One whose leaving out raises the carry-over by more than ${ps?.tolerance ?? "the penalty's tolerance"} is left out of the default model (weight 0): ${sel.excluded.length ? sel.excluded.map((k) => `\`${k}\``).join(', ') : 'none'}. Training windows only. A host's \`calibrate()\` fits every input on the host's own history, these too.`,
        '',
        '| input on trial | carry-over with every input | without this input | |',
        '|---|---|---|---|',
        ...sel.figures.map(
          (f) => `| \`${f.input}\` | ${f3(f.withIt)} | ${f3(f.without)} | ${f.excluded ? 'left out' : ''} |`,
        ),
        '',
      );
    }
    const dc = fit.definitionCarryOver;
    if (dc) {
      const keys = dc.figures.flatMap((f) => Object.keys(f.auc).map((k) => [f, k] as const));
      // The model fitted on the first definition saw its labels, and those of its family overlap them.
      const first = fit.protocols[0]?.definition;
      const seen = (f: (typeof dc.figures)[number], k: string): string =>
        first === undefined || !f.heldOut.includes(first)
          ? ''
          : k.endsWith(` ${first}`)
            ? ' (in-sample)'
            : ' (its own family)';
      lines.push(
        '#### Why several definitions: carry-over to a definition not fitted on',
        '',
        "A host's data may call a breakout something else: another threshold, or a climb rather than a level. The definitions fall in two families, thresholds (a first top 10, a first top 40) and climbs (to half, to a third of the best position so far). A model fitted on one family of both charts ranks the other family's candidates below, beside a model fitted on a first top 10 alone (how the defaults were fitted before): training windows only, at the chosen penalty, the same cutoffs and inputs (only the labels are held out). On the climb rows neither model saw the labels; on the threshold rows the model fitted on a first top 10 saw that definition's labels (in-sample) or its family's.",
        '',
        '| held out: protocol and definition | fitted on the other family | fitted on a first top 10 alone |',
        '|---|---|---|',
        ...keys.map(
          ([f, k]) =>
            `| ${k} (fitted on ${f.fittedOn.join(' + ')}) | ${f3(f.auc[k])} | ${f3(f.firstOnlyAuc[k])}${seen(f, k)} |`,
        ),
        '',
      );
    }
    const oot = fit.outOfTimeByDefinition;
    if (oot) {
      lines.push(
        '#### Out of time, per definition',
        '',
        `Inside the training windows, in time order: the cutoffs of both charts in ${oot.blocks} blocks, each later block ranked by models fitted on the blocks before it (training labels purged by the 26-week horizon), one fitted on every definition (the published recipe) and one on a first top 10 alone (the recipe until 2026-12-04); mean AUC per chart and definition over its own examples, at the chosen penalty.`,
        '',
        '| protocol and definition | fitted on every definition | fitted on a first top 10 alone |',
        '|---|---|---|',
        ...Object.keys(oot.every).map((k) => `| ${k} | ${f3(oot.every[k])} | ${f3(oot.firstOnly[k])} |`),
        '',
      );
    }
    const mapped = fit.mappingInvariance;
    if (mapped && mapped.figures.length > 0) {
      lines.push(
        '#### The same chart mapped another way',
        '',
        "A host maps its own data onto the contracts, and two hosts may map the same facts differently. The published model ranks the training examples below with the chart read three ways: as the protocols map it (one RCF event per chart week, weight = chart size + 1 - rank); daily (each chart week as seven daily events, the week's days up to the chart date, as a daily chart on which the artist stood all week would read); and reciprocal (weight = 100 / rank, another measure of the same standing). The same cutoffs, candidates, peers and labels; only the RCF answers differ. Mean AUC over the training cutoffs; the definitions listed are those whose candidates are a first top 10's (a first top 40 has other candidates).",
        '',
        '| protocol and definition | as mapped | daily | reciprocal |',
        '|---|---|---|---|',
        ...mapped.figures.map(
          (m) => `| ${m.key} | ${f3(m.asMapped)} | ${f3(m.remapped.daily)} | ${f3(m.remapped.reciprocal)} |`,
        ),
        '',
        `The largest change from the protocols' mapping is ${f3(
          Math.max(
            ...mapped.figures.flatMap((m) =>
              Object.values(m.remapped).map((v) => (v === null || m.asMapped === null ? 0 : Math.abs(v - m.asMapped))),
            ),
          ),
        )} AUC. The inputs do move (a daily mapping counts presence and recency in days, the data's own cadence, so staying power and recency read differently), but each is a standing among the same peers or a share of the periods the data has, so the ranking barely depends on how the host cut its data.`,
        '',
      );
    }
    if (ps) {
      const directions = Object.keys(ps.figures[0]?.directions ?? {});
      lines.push(
        '#### Why this penalty: carry-over from one chart to the other',
        '',
        `The default model is for data it was never fitted on, so its penalty is not the one that fits the two charts best (time-ordered cross-validation inside them would pick l2 = ${ps.insideCharts.l2}, out-of-time AUC ${f3(ps.insideCharts.outOfTimeMeanAuc)} on their own later cutoffs). Each penalty below was judged instead by carry-over: a model fitted on one protocol's training window alone, scoring the other protocol's training window (another chart${fit.definitionCarryOver ? ', under each definition' : ', another definition of breaking out'}), both ways. The smallest penalty within ${ps.tolerance} of the best mean carry-over is chosen (a smaller one keeps more of what the charts say). Only the training windows are read. A stronger penalty pulls the weights towards each signal's own direction, the same on any chart, and away from the mix that suits one chart; it costs little on the charts themselves (out-of-time AUC inside the training windows ${f3(v.outOfTime?.meanAuc)} against ${f3(ps.insideCharts.outOfTimeMeanAuc)}). A host's own \`calibrate()\` still chooses its penalty by time-ordered cross-validation: it fits the data it will be scored on.`,
        '',
        `| l2 | ${directions.map((d) => `${d} AUC`).join(' | ')} | mean | |`,
        `|---|${directions.map(() => '---|').join('')}---|---|`,
        ...ps.figures.map(
          (f) =>
            `| ${f.l2} | ${directions.map((d) => f3(f.directions[d])).join(' | ')} | ${f3(f.meanAuc)} | ${f.l2 === ps.chosen ? 'chosen' : ''} |`,
        ),
        '',
      );
    }
  }
  return lines;
}

/** Sections in a fixed order: the real-data backtests first. */
const ORDER = [
  'chart-protocol-a',
  'chart-protocol-a-calibrated',
  'chart-protocol-c',
  'chart-protocol-c-calibrated',
  'demo-world',
  'demo-world-calibrated',
];

/**
 * The whole report from the results present.
 * @example
 * ```ts
 * writeFileSync('docs/backtests.md', renderReport(readResults('bench/backtests')));
 * ```
 */
export function renderReport(results: readonly BacktestResult[], fit: FitRecord | null = null): string {
  const sorted = [...results].sort((a, b) => {
    const ia = ORDER.indexOf(a.name);
    const ib = ORDER.indexOf(b.name);
    return (ia < 0 ? ORDER.length : ia) - (ib < 0 ? ORDER.length : ib) || (a.name < b.name ? -1 : 1);
  });
  const counts = new Set(
    sorted
      .flatMap((r) => [r.scorer, ...r.baselines].map((s) => s?.splits?.all.intervals.resamples))
      .filter((n): n is number => n !== undefined),
  );
  const resamples = [...counts].map((n) => n.toLocaleString('en-US')).join(' or ') || '2,000';
  const lines = [
    '# Backtests',
    '',
    '<!-- Generated by `npm run backtest` from bench/backtests/*.json; edit bench/backtest/, not this file. -->',
    '',
    'Each backtest replays history: at every cutoff T a scorer ranks the candidates from what the sources knew at T, and the ranking is checked against what happened after T. They run on the public harness, `scene-radar/backtest`, exactly as a host would run it on its own history (docs/backtesting.md). `npm run backtest` runs the demo world; `-- --hot100 <dir>` adds protocol A on the Billboard Hot 100 files in `<dir>`, and `-- --bb200 <dir>` protocol C on the Billboard 200 files (neither is part of this repository).',
    '',
    `Metrics, per cutoff and then averaged over the cutoffs of a split: AUC (Mann-Whitney, a tie counts one half; undefined at a cutoff with no positive or no negative, which is then left out and counted), precision@10 (a tie at the 10th place fills the remaining places pro rata, the expected value of a random tie-break; a cutoff with no positive scores 0). Pooled average precision ranks the candidates of all the split's cutoffs together (tied scores form one threshold). The 95% intervals are percentile bootstraps over cutoffs (${resamples} resamples, seeded). A candidate a scorer leaves unscored ranks last; at a cutoff where a scorer scored no candidate (or that has none), its AUC and precision@10 are undefined, left out and counted, and a verdict on a split where it has no mean AUC is "not judged", never met. Calibration (reliability bins, Brier score, ECE) is shown for scorers whose scores are probabilities.`,
    '',
    'Leakage is prevented by construction: at each cutoff T the candidates, the peers and every score are computed from sources that refuse reads past T, and the labels from sources that refuse reads past T plus the horizon; `fit` reads sources that refuse anything past the first test cutoff and receives only the training cutoffs whose label horizon ends by then (the others are purged from fitting and still reported). A refused read fails the whole run, even if the reader caught it.',
    '',
    'The scorer under test is the Talent Radar\'s breakout score (`talentScorer` of `scene-radar/backtest`), twice per backtest: with the published default model (the section named after the backtest; one model for every data set, fitted on the training windows of protocols A and C together, each under four definitions of breaking out, by `npm run fit-defaults`, never on the demo world), and with a model `calibrate()` fits on that backtest\'s own training window (the section marked "calibrated"). `--baselines-only` runs the baselines alone.',
    '',
  ];
  if (sorted.some((r) => r.name.startsWith('chart-protocol-'))) lines.push(...targetsSection(sorted, fit));
  if (sorted.length === 0) lines.push('No backtest has been run yet.', '');
  for (const r of sorted)
    lines.push(backtestMarkdown(r, { level: 2, explain: false, resultFile: `bench/backtests/${r.name}.json` }), '');
  return `${lines.join('\n').trimEnd()}\n`;
}
