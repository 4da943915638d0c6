/**
 * @module bench/backtest/fit-defaults
 * `npm run fit-defaults -- --hot100 <dir> --bb200 <dir>`: fits the published default breakout
 * model on the training windows of protocols A and C together, the way any host would fit one:
 * through the public harness (which guards the sources, purges training cutoffs whose labels
 * reach into the test window, and hands `fit` only the training cutoffs), then
 * `TalentRadar.calibrationExamples` per protocol and definition and one `fitBreakoutModel` over
 * all of them, under the monotone priors `MONOTONE_BREAKOUT_SIGNS`. Writes
 * src/talent/default-breakout-model.ts (the model) and bench/backtests/default-model-fit.json (the
 * fit's out-of-time validation). Never the demo world.
 *
 * The defaults serve data they were never fitted on, where breaking out may mean something else
 * (another threshold, a climb rather than a level), so the ranking is fitted on four definitions
 * of breaking out on each chart ({@link FIT_DEFINITIONS}), each (chart, definition) weighing the
 * same; the probabilities keep the scale of the protocols' own definition (a first top 10). The
 * penalty is chosen for carry-over, not for the two charts: each candidate penalty is judged by how
 * a model fitted on one chart's training window ranks the other chart's, under every definition,
 * both ways ({@link transferPenalty}). A host's own `calibrate()` fits the data it is scored on,
 * so it keeps the time-ordered cross-validation of its own history.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TalentRadar, resolveConfig, systemClock, type CalibrationResult } from 'scene-radar';
import { Cache } from '../../src/core/cache/cache.js';
import { createSourceGateway } from '../../src/core/gateway/gateway.js';
import { MONOTONE_BREAKOUT_SIGNS, fitBreakoutModel, meanAucByTime } from '../../src/talent/calibrate.js';
import { BREAKOUT_INPUTS, type BreakoutModel } from '../../src/talent/breakout-model.js';
import type { CalibrationExample } from 'scene-radar/backtest';
import { memoryTalentStores } from 'scene-radar/stores';
import { runBacktest, type BacktestScorer } from 'scene-radar/backtest';
import { bothChartDirs } from './suite.js';
import { SUITE_A, SUITE_C, loadChartSuite, type ChartSuiteSpec } from './chart/suites.js';
import { remappedChartRcf, type ChartRemapping } from './chart/world.js';
import type { ChartProtocol } from './chart/protocol.js';

const here = dirname(fileURLToPath(import.meta.url));
const MODEL_FILE = resolve(here, '../../src/talent/default-breakout-model.ts');
const FIT_FILE = resolve(here, '../backtests/default-model-fit.json');

/** What the published default model means (shown in every explanation). */
export const DEFAULT_EVENT =
  'a first breakthrough on a chart within about six months (ranked on four definitions: a first top 10, a first top 40, a climb to half or to a third of the best position so far; the probability is that of a first top-10 single or album)';

/** One definition of breaking out the default model's ranking is fitted on. */
export interface FitDefinition {
  /** Short name, in the fit's record. */
  readonly name: string;
  /** What it labels. */
  readonly description: string;
  /** The protocol's rules under this definition. */
  readonly protocol: (base: ChartProtocol) => ChartProtocol;
}

/**
 * The definitions of breaking out, on each chart: the protocol's own first (the probabilities
 * keep its scale), then a lower threshold and two climbs. Candidates of the climbs are the
 * protocol's own (on the chart, never in the top 10); those of the first top 40 have never been
 * in the top 40.
 */
export const FIT_DEFINITIONS: readonly FitDefinition[] = [
  { name: 'top10', description: 'a first top-10 week within 26 weeks', protocol: (p) => p },
  {
    name: 'top40',
    description: 'a first top-40 week within 26 weeks',
    protocol: (p) => ({ ...p, topRank: 40 }),
  },
  {
    name: 'climb-half',
    description: 'a week at half the best position so far or better, within 26 weeks',
    protocol: (p) => ({ ...p, climb: 2 }),
  },
  {
    name: 'climb-third',
    description: 'a week at a third of the best position so far or better, within 26 weeks',
    protocol: (p) => ({ ...p, climb: 3 }),
  },
];

/** The training examples of one protocol under one definition, gathered inside the harness's `fit`. */
export interface Gathered {
  readonly spec: ChartSuiteSpec;
  readonly definition: FitDefinition;
  readonly examples: CalibrationExample[];
  readonly cutoffs: number;
  readonly purged: number;
  readonly skipped: number;
  readonly limit: string;
  /**
   * The same examples (same cutoffs, candidates and labels, in the same order) with the chart read
   * another way (`remappedChartRcf`): gathered for the first definition only.
   */
  readonly remapped?: Readonly<Record<ChartRemapping, readonly CalibrationExample[]>>;
}

/** The other mappings of a chart the default model is checked on ({@link mappingInvariance}). */
export const CHART_REMAPPINGS: readonly ChartRemapping[] = ['daily', 'reciprocal'];

/** A scorer that only gathers the training examples its `fit` is handed (its scores are empty). */
function gatherer(spec: ChartSuiteSpec, definition: FitDefinition, out: Gathered[]): BacktestScorer {
  return {
    name: 'gather-training-examples',
    async fit(context) {
      const populations = new Map(context.cutoffs.map((c) => [c.asOf.getTime(), c.population]));
      const outcomes = context.cutoffs.flatMap((c) =>
        c.candidates.map((artistSlug) => ({ artistSlug, asOf: c.asOf, label: c.labels.get(artistSlug) === true })),
      );
      /** The examples of `outcomes`, read through `sources` (the harness's guarded ones, or a remapping of them). */
      const examplesFrom = async (sources: typeof context.sources) => {
        const config = resolveConfig();
        const gateway = createSourceGateway({ sources, config });
        const radar = new TalentRadar({
          stores: memoryTalentStores(),
          gateway,
          config,
          clock: systemClock,
          cache: new Cache<unknown>({ ttlMs: 1000, maxEntries: 10 }),
        });
        try {
          return await radar.calibrationExamples(outcomes, {
            population: (asOf) => populations.get(asOf.getTime()) ?? [],
            signal: context.signal,
          });
        } finally {
          gateway.close();
        }
      };
      const data = await examplesFrom(context.sources);
      let remapped: Record<ChartRemapping, readonly CalibrationExample[]> | undefined;
      if (definition === FIT_DEFINITIONS[0] && context.sources.rcf) {
        remapped = {} as Record<ChartRemapping, readonly CalibrationExample[]>;
        for (const remapping of CHART_REMAPPINGS) {
          const rcf = remappedChartRcf(context.sources.rcf, remapping, spec.chart.size);
          const other = await examplesFrom({ ...context.sources, rcf });
          // Compared example by example: the same outcomes, each scored (or skipped) alike.
          if (other.skipped.length !== data.skipped.length)
            throw new Error(
              `${spec.name}, ${remapping}: ${other.skipped.length} unscored, against ${data.skipped.length}`,
            );
          remapped[remapping] = [...other.examples];
        }
      }
      out.push({
        spec,
        definition,
        examples: [...data.examples],
        cutoffs: context.cutoffs.length,
        purged: context.purged.length,
        skipped: data.skipped.length,
        limit: context.limit.toISOString(),
        ...(remapped ? { remapped } : {}),
      });
    },
    score: () => new Map(),
  };
}

/** Penalties tried for the default model: part of `DEFAULT_L2_GRID`, then up to 100 times its largest. */
export const TRANSFER_L2_GRID: readonly number[] = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];

/**
 * A penalty within this much mean AUC of the best carry-over counts as good as the best; the
 * smallest such penalty is taken (it keeps the most of what the charts say).
 */
export const TRANSFER_TOLERANCE = 0.005;

/** The model's logit for one example's inputs (a missing input adds nothing). */
function logitOf(model: BreakoutModel, inputs: Readonly<Record<string, number>>): number {
  let z = model.intercept;
  for (const [name, term] of [...Object.entries(model.inputs), ...Object.entries(model.hostInputs)]) {
    const v = inputs[name];
    if (typeof v === 'number' && Number.isFinite(v)) z += term.weight * (v - term.center);
  }
  return z;
}

/** One candidate penalty's carry-over: the mean AUC of each direction and their mean. */
export interface TransferFigure {
  readonly l2: number;
  /**
   * `<fitted on> -> <scored on> <definition>`: mean AUC over the scored protocol's training cutoffs
   * under that definition, of a model fitted on the other protocol's training examples (every definition).
   */
  readonly directions: Readonly<Record<string, number | null>>;
  /** Mean of the directions. */
  readonly meanAuc: number | null;
}

/** Each data set (a protocol under a definition) weighs the same in total, whatever its number of candidates. */
export const weighted = (sets: readonly Gathered[]): CalibrationExample[] =>
  sets.flatMap((g) => g.examples.map((e) => ({ ...e, weight: 1 / g.examples.length })));

/** The ranking a comparison judges: one fit on `sets` (each weighing the same) at `l2`, monotone, not recalibrated. */
const rankingFit = (sets: readonly Gathered[], l2: number, exclude: readonly string[] = []): BreakoutModel =>
  fitBreakoutModel(weighted(sets), { l2, exclude, signs: MONOTONE_BREAKOUT_SIGNS, recalibrate: false, folds: 1 }).model;

/**
 * Carry-over at one penalty: a model fitted on one protocol's training examples alone (every
 * definition, `exclude` left out) ranks the other protocol's training examples under each
 * definition (mean AUC over its cutoffs), both ways.
 */
export function carryOver(gathered: readonly Gathered[], l2: number, exclude: readonly string[] = []): TransferFigure {
  const protocols = [...new Set(gathered.map((g) => g.spec))];
  const directions: Record<string, number | null> = {};
  for (const from of protocols)
    for (const to of protocols) {
      if (from === to) continue;
      const model = rankingFit(
        gathered.filter((g) => g.spec === from),
        l2,
        exclude,
      );
      for (const set of gathered.filter((g) => g.spec === to))
        directions[`${from.name} -> ${to.name} ${set.definition.name}`] = meanAucByTime(
          set.examples.map((e) => e.time),
          set.examples.map((e) => logitOf(model, e.inputs)),
          set.examples.map((e) => e.label),
        );
    }
  const values = Object.values(directions).filter((x): x is number => x !== null);
  return { l2, directions, meanAuc: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null };
}

/**
 * Inputs added to the breakout model after the default recipe's inputs were fixed: each enters the
 * default model only if it carries over between the charts ({@link inputCarryOver}).
 */
export const TRIAL_INPUTS: readonly string[] = ['presence_year'];

/** One input's carry-over test: the mean carry-over with every input, and with this one left out. */
export interface InputCarryOver {
  readonly input: string;
  /** Mean carry-over AUC of the model with every input (the same for every row). */
  readonly withIt: number | null;
  /** Mean carry-over AUC with this input left out. */
  readonly without: number | null;
  /** Whether it is left out of the default model (leaving it out raises carry-over by more than the tolerance). */
  readonly excluded: boolean;
}

/**
 * Whether each of `candidates` carries over: at penalty `l2`, the carry-over between the protocols
 * ({@link carryOver}) of the model with every input against the model without that input. A
 * candidate whose leaving out raises the mean carry-over by more than {@link TRANSFER_TOLERANCE}
 * says opposite things on the two charts: the default model leaves it out (weight 0), and a host's
 * `calibrate()` still fits it on the host's own history. Only training windows are read.
 */
export function inputCarryOver(
  gathered: readonly Gathered[],
  l2: number,
  candidates: readonly string[],
): InputCarryOver[] {
  const known = new Set<string>(BREAKOUT_INPUTS);
  const unknown = candidates.filter((c) => !known.has(c));
  // An unknown name would be left out of nothing: the same model twice, judged as carrying over.
  if (unknown.length > 0) throw new Error(`inputCarryOver: not a built-in breakout input: ${unknown.join(', ')}`);
  const base = carryOver(gathered, l2).meanAuc;
  return candidates.map((input) => {
    const without = carryOver(gathered, l2, [input]).meanAuc;
    const excluded = base !== null && without !== null && without - base > TRANSFER_TOLERANCE;
    return { input, withIt: base, without, excluded };
  });
}

/**
 * Chooses the default model's penalty by carry-over between the protocols: for each penalty of
 * {@link TRANSFER_L2_GRID}, a model fitted on one protocol's training examples alone (every
 * definition) ranks the other protocol's training examples under each definition (mean AUC over
 * its cutoffs), both ways; the smallest penalty within {@link TRANSFER_TOLERANCE} of the best mean
 * is chosen. Only training windows are read.
 */
export function transferPenalty(
  gathered: readonly Gathered[],
  exclude: readonly string[] = [],
): { l2: number; figures: TransferFigure[] } {
  const figures = TRANSFER_L2_GRID.map((l2): TransferFigure => carryOver(gathered, l2, exclude));
  const best = Math.max(...figures.map((f) => f.meanAuc ?? Number.NEGATIVE_INFINITY));
  const chosen = figures.find((f) => f.meanAuc !== null && f.meanAuc >= best - TRANSFER_TOLERANCE);
  if (!chosen) throw new Error('no penalty could be judged: a protocol has no cutoff with both outcomes');
  return { l2: chosen.l2, figures };
}

/** The default model's ranking of one (protocol, definition) with the chart mapped each way. */
export interface MappingFigure {
  /** `<protocol> <definition>`. */
  readonly key: string;
  /** Mean AUC over the training cutoffs, the chart as the protocols map it (weekly events, `size + 1 - rank`). */
  readonly asMapped: number | null;
  /** The same with each other mapping of {@link CHART_REMAPPINGS}. */
  readonly remapped: Readonly<Record<string, number | null>>;
}

/**
 * The model's mean AUC over the training cutoffs of each (protocol, definition) whose candidates
 * are the first definition's (the same outcomes in the same order, so the remapped examples
 * gathered with the first definition stand for them), as mapped and remapped. Only training
 * windows are read.
 */
export function mappingInvariance(gathered: readonly Gathered[], model: BreakoutModel): MappingFigure[] {
  const figures: MappingFigure[] = [];
  for (const base of gathered) {
    if (!base.remapped) continue;
    for (const set of gathered.filter((g) => g.spec === base.spec)) {
      // Same candidates, same order, same inputs: only the labels may differ.
      const aligned =
        set.examples.length === base.examples.length &&
        set.examples.every(
          (e, i) => e.time === base.examples[i]!.time && sameInputs(e.inputs, base.examples[i]!.inputs),
        );
      if (!aligned) continue;
      const times = set.examples.map((e) => e.time);
      const labels = set.examples.map((e) => e.label);
      const auc = (examples: readonly CalibrationExample[]): number | null =>
        meanAucByTime(
          times,
          examples.map((e) => logitOf(model, e.inputs)),
          labels,
        );
      figures.push({
        key: `${set.spec.name} ${set.definition.name}`,
        asMapped: auc(set.examples),
        remapped: Object.fromEntries(Object.entries(base.remapped).map(([k, v]) => [k, auc(v)])),
      });
    }
  }
  return figures;
}

/** Whether two examples' inputs are the same numbers (NaN equal to NaN). */
function sameInputs(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.is(a[k], b[k]));
}

/** How a fit carries over to definitions it was not fitted on, at one penalty. */
export interface DefinitionCarryOver {
  /** The held-out definitions. */
  readonly heldOut: readonly string[];
  /** The definitions the compared fit was fitted on (both protocols). */
  readonly fittedOn: readonly string[];
  /** `<protocol> <definition>` -> mean AUC over its training cutoffs, of the fit on `fittedOn`. */
  readonly auc: Readonly<Record<string, number | null>>;
  /** The same, of a fit on the first definition alone (the defaults' recipe until 2026-12-04). */
  readonly firstOnlyAuc: Readonly<Record<string, number | null>>;
}

/**
 * The evidence for fitting the ranking on several definitions: the definitions are split into two
 * families (thresholds: the first two; climbs: the others); a model fitted on one family of both
 * protocols ranks the other family, against a model fitted on the first definition alone. Only
 * training windows are read.
 */
export function definitionCarryOver(
  gathered: readonly Gathered[],
  l2: number,
  exclude: readonly string[] = [],
): DefinitionCarryOver[] {
  const first = rankingFit(
    gathered.filter((g) => g.definition === FIT_DEFINITIONS[0]),
    l2,
    exclude,
  );
  const families = [FIT_DEFINITIONS.slice(0, 2), FIT_DEFINITIONS.slice(2)];
  return families.map((heldOut, i) => {
    const fittedOn = families[1 - i]!;
    const model = rankingFit(
      gathered.filter((g) => fittedOn.includes(g.definition)),
      l2,
      exclude,
    );
    const auc: Record<string, number | null> = {};
    const firstOnlyAuc: Record<string, number | null> = {};
    for (const set of gathered.filter((g) => heldOut.includes(g.definition))) {
      const key = `${set.spec.name} ${set.definition.name}`;
      const times = set.examples.map((e) => e.time);
      const labels = set.examples.map((e) => e.label);
      auc[key] = meanAucByTime(
        times,
        set.examples.map((e) => logitOf(model, e.inputs)),
        labels,
      );
      firstOnlyAuc[key] = meanAucByTime(
        times,
        set.examples.map((e) => logitOf(first, e.inputs)),
        labels,
      );
    }
    return { heldOut: heldOut.map((d) => d.name), fittedOn: fittedOn.map((d) => d.name), auc, firstOnlyAuc };
  });
}

/** Out-of-time figures of a recipe, per (protocol, definition). */
export interface OutOfTimeFigures {
  /** `<protocol> <definition>` -> mean AUC over its validated cutoffs, or null. */
  readonly every: Readonly<Record<string, number | null>>;
  /** The same for a model fitted on the first definition alone (the defaults' recipe until 2026-12-04). */
  readonly firstOnly: Readonly<Record<string, number | null>>;
  /** Cutoff instants per block; block f >= 1 is scored by models fitted on the blocks before it. */
  readonly blocks: number;
}

/**
 * Time-ordered out-of-time AUC of the two recipes, per (protocol, definition): the cutoff instants
 * of both protocols in order, cut into `folds + 1` blocks; each later block is scored by a model
 * fitted on the earlier blocks' cutoffs whose labels end before it (purged by `horizonDays`), once
 * on every definition and once on the first alone; each definition's AUC is taken over its own
 * examples (one label per artist and cutoff). Only training windows are read.
 */
export function outOfTimeByDefinition(
  gathered: readonly Gathered[],
  l2: number,
  folds = 4,
  horizonDays = 182,
  exclude: readonly string[] = [],
): OutOfTimeFigures {
  const times = [...new Set(gathered.flatMap((g) => g.examples.map((e) => e.time)))].sort((a, b) => a - b);
  const per = Math.ceil(times.length / (folds + 1));
  const blockOf = new Map(times.map((t, i) => [t, Math.floor(i / per)]));
  const scored = new Map<Gathered, { time: number; every: number; first: number; label: boolean }[]>(
    gathered.map((g) => [g, []]),
  );
  for (let f = 1; f <= folds; f++) {
    const from = times[f * per];
    if (from === undefined) break;
    const before = (g: Gathered): Gathered => ({
      ...g,
      examples: g.examples.filter((e) => blockOf.get(e.time)! < f && e.time + horizonDays * 86_400_000 <= from),
    });
    const train = gathered.map(before).filter((g) => g.examples.some((e) => e.label));
    const every = rankingFit(train, l2, exclude);
    const first = rankingFit(
      train.filter((g) => g.definition === FIT_DEFINITIONS[0]),
      l2,
      exclude,
    );
    for (const g of gathered)
      for (const e of g.examples)
        if (blockOf.get(e.time) === f)
          scored.get(g)!.push({
            time: e.time,
            every: logitOf(every, e.inputs),
            first: logitOf(first, e.inputs),
            label: e.label,
          });
  }
  const every: Record<string, number | null> = {};
  const firstOnly: Record<string, number | null> = {};
  for (const [g, rows] of scored) {
    const key = `${g.spec.name} ${g.definition.name}`;
    const t = rows.map((r) => r.time);
    const y = rows.map((r) => r.label);
    every[key] = meanAucByTime(
      t,
      rows.map((r) => r.every),
      y,
    );
    firstOnly[key] = meanAucByTime(
      t,
      rows.map((r) => r.first),
      y,
    );
  }
  return { every, firstOnly, blocks: folds + 1 };
}

const round = (x: number, digits = 6): number => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * The shift of `model`'s intercept after which its mean predicted probability over `examples`
 * (weighted) equals their weighted rate of positives (bisection: the mean rises with the shift).
 */
export function interceptShift(model: BreakoutModel, examples: readonly CalibrationExample[]): number {
  const logits = examples.map((e) => logitOf(model, e.inputs));
  const weights = examples.map((e) => e.weight ?? 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const rate = examples.reduce((a, e, i) => a + (e.label ? weights[i]! : 0), 0) / total;
  // A rate of 0 or 1 (or no weight at all) has no finite shift: the bisection would stop at a bound.
  if (!(rate > 0 && rate < 1))
    throw new Error(`no intercept shift matches a rate of ${rate} (${examples.length} examples)`);
  const mean = (shift: number): number =>
    logits.reduce((a, z, i) => a + weights[i]! / (1 + Math.exp(-(z + shift))), 0) / total;
  let lo = -20;
  let hi = 20;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (mean(mid) < rate) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The generated module holding the model. */
function modelModule(fit: CalibrationResult): string {
  const m = fit.model;
  const terms = Object.entries(m.inputs)
    .map(([k, t]) => `    ${k}: { weight: ${round(t.weight)}, center: ${round(t.center)} },`)
    .join('\n');
  return `/**
 * @module talent/default-breakout-model
 * The published default breakout model. Generated by \`npm run fit-defaults\`
 * (bench/backtest/fit-defaults.ts): do not edit by hand. Its fit and out-of-time validation are in
 * bench/backtests/default-model-fit.json, and docs/scoring.md explains every input.
 */
import type { BreakoutModelData } from './breakout-model-data.js';

/** The default breakout model: fitted on the training windows of protocols A and C together, each under four definitions of breaking out (docs/backtests.md). */
export const DEFAULT_BREAKOUT_MODEL: BreakoutModelData = {
  intercept: ${round(m.intercept)},
  inputs: {
${terms}
  },
  event: ${JSON.stringify(m.event)},
  horizonDays: ${m.horizonDays},
  provenance: {
    fittedOn: ${JSON.stringify(m.provenance.fittedOn)},
    examples: ${m.provenance.examples},
    positives: ${m.provenance.positives},
    l2: ${m.provenance.l2},
    recalibrated: ${m.provenance.recalibrated},
  },
};
`;
}

/**
 * Runs the fit; returns the exit code.
 * @example
 * ```ts
 * process.exitCode = await fitDefaultsMain(['--hot100', '/data/hot100', '--bb200', '/data/bb200']);
 * ```
 */
export async function fitDefaultsMain(argv: readonly string[]): Promise<number> {
  const usage = 'usage: npm run fit-defaults -- --hot100 <dir> --bb200 <dir>';
  const dirs = bothChartDirs(argv, usage, 'both protocols: one set of defaults for every host');
  if (dirs === 2) return 2;
  const { hot100, bb200 } = dirs;
  const gathered: Gathered[] = [];
  for (const [spec, dir] of [
    [SUITE_A, hot100],
    [SUITE_C, bb200],
  ] as const) {
    for (const definition of FIT_DEFINITIONS) {
      console.error(`${spec.name}, ${definition.name}: loading ${dir}...`);
      const { suite } = loadChartSuite(dir, spec, definition.protocol(spec.protocol));
      const result = await runBacktest({
        ...suite,
        baselines: [],
        reference: null,
        target: null,
        scorer: gatherer(spec, definition, gathered),
        resamples: 10,
        log: (l) => console.error(l),
      });
      if (result.scorer?.error) throw new Error(`${spec.name}, ${definition.name}: ${result.scorer.error}`);
    }
  }
  // Each (protocol, definition) weighs the same in total, whatever its number of candidates.
  const examples = weighted(gathered);
  const primary = gathered.filter((g) => g.definition === FIT_DEFINITIONS[0]);
  const fittedOn = `the training windows of two public chart backtests together (monotone signs: MONOTONE_BREAKOUT_SIGNS), protocol A (Billboard Hot 100, ${primary[0]!.cutoffs} cutoffs 2010-2017) and protocol C (Billboard 200, ${primary[1]!.cutoffs} cutoffs 2010-2017), each under four definitions of breaking out within 26 weeks weighing the same: ${FIT_DEFINITIONS.map((d) => d.description).join('; ')}; probabilities on the scale of the first (a first top-10 single or album)`;
  // Whether the inputs on trial carry over from one chart to the other, judged at the penalty that
  // carries over best with every input; then the penalty again, without those left out.
  const inputs = inputCarryOver(gathered, transferPenalty(gathered).l2, TRIAL_INPUTS);
  const excluded = inputs.filter((x) => x.excluded).map((x) => x.input);
  for (const x of inputs)
    console.error(
      `${x.input}: carry-over with every input ${x.withIt?.toFixed(3) ?? 'n/a'}, without it ${x.without?.toFixed(3) ?? 'n/a'}${x.excluded ? '  <- left out' : ''}`,
    );
  // The penalty that carries over from one chart to the other (the defaults' whole purpose).
  const penalty = transferPenalty(gathered, excluded);
  for (const f of penalty.figures)
    console.error(
      `l2 ${String(f.l2).padEnd(6)} carry-over mean AUC ${f.meanAuc?.toFixed(3) ?? 'n/a'} (${Object.entries(
        f.directions,
      )
        .map(([k, v]) => `${k} ${v?.toFixed(3) ?? 'n/a'}`)
        .join(', ')})${f.l2 === penalty.l2 ? '  <- chosen' : ''}`,
    );
  // Why several definitions: each family of definitions ranked by a fit on the other family.
  const definitions = definitionCarryOver(gathered, penalty.l2, excluded);
  for (const d of definitions)
    for (const [k, v] of Object.entries(d.auc))
      console.error(
        `${k}: fitted on ${d.fittedOn.join(' + ')} ${v?.toFixed(3) ?? 'n/a'}, on ${FIT_DEFINITIONS[0]!.name} alone ${d.firstOnlyAuc[k]?.toFixed(3) ?? 'n/a'}`,
      );
  // Out of time, per definition: the new recipe against the first definition alone.
  const outOfTime = outOfTimeByDefinition(gathered, penalty.l2, 4, 182, excluded);
  for (const k of Object.keys(outOfTime.every))
    console.error(
      `${k} out of time: every definition ${outOfTime.every[k]?.toFixed(3) ?? 'n/a'}, ${FIT_DEFINITIONS[0]!.name} alone ${outOfTime.firstOnly[k]?.toFixed(3) ?? 'n/a'}`,
    );
  // What time-ordered cross-validation inside the two charts would have chosen, for the record.
  const inside = fitBreakoutModel(examples, {
    horizonDays: 182,
    signs: MONOTONE_BREAKOUT_SIGNS,
    exclude: excluded,
  }).validation;
  // The monotone priors keep every explanation readable (growth never lowers the probability).
  const mixed = fitBreakoutModel(examples, {
    event: DEFAULT_EVENT,
    horizonDays: 182,
    fittedOn: excluded.length
      ? `${fittedOn}; inputs left out because they do not carry over between the charts: ${excluded.join(', ')}`
      : fittedOn,
    signs: MONOTONE_BREAKOUT_SIGNS,
    exclude: excluded,
    l2: penalty.l2,
  });
  // The ranking serves every definition; the probability is that of the protocols' own (a first
  // top 10): the intercept is refitted on those examples, the recalibrated slope held, so the model
  // predicts their rate on average.
  const shift = interceptShift(mixed.model, weighted(primary));
  const fit: CalibrationResult = { ...mixed, model: { ...mixed.model, intercept: mixed.model.intercept + shift } };
  // The same chart mapped another way: does the ranking depend on the host's mapping?
  const mappings = mappingInvariance(gathered, fit.model);
  for (const m of mappings)
    console.error(
      `${m.key}: as mapped ${m.asMapped?.toFixed(3) ?? 'n/a'}, ${Object.entries(m.remapped)
        .map(([k, v]) => `${k} ${v?.toFixed(3) ?? 'n/a'}`)
        .join(', ')}`,
    );
  writeFileSync(MODEL_FILE, modelModule(fit));
  // The generated module is kept in the repository's own format (lint runs on it).
  execFileSync('npx', ['biome', 'format', '--write', MODEL_FILE], { stdio: 'ignore' });
  const record = {
    command: 'npm run fit-defaults -- --hot100 <dir> --bb200 <dir>',
    fittedAt: new Date().toISOString(),
    protocols: gathered.map((g) => ({
      name: g.spec.name,
      definition: g.definition.name,
      labels: g.definition.description,
      trainingCutoffs: g.cutoffs,
      purgedCutoffs: g.purged,
      fitLimit: g.limit,
      examples: g.examples.length,
      positives: g.examples.filter((e) => e.label).length,
      unscoredSkipped: g.skipped,
    })),
    inputSelection: {
      rule: `the inputs added after the recipe's inputs were fixed (${TRIAL_INPUTS.join(', ')}) are on trial: at the penalty that carries over best with every input (${TRANSFER_TOLERANCE} tolerance), each is left out in turn; one whose leaving out raises the mean carry-over between the protocols by more than ${TRANSFER_TOLERANCE} is left out of the default model (weight 0; calibrate() still fits it)`,
      excluded,
      figures: inputs,
    },
    penaltySelection: {
      rule: `each penalty of the grid: a model fitted on one protocol's training examples alone ranks the other protocol's training examples (mean AUC over its cutoffs), both ways; the smallest penalty within ${TRANSFER_TOLERANCE} of the best mean carry-over is chosen`,
      tolerance: TRANSFER_TOLERANCE,
      chosen: penalty.l2,
      figures: penalty.figures,
      insideCharts: { l2: inside.l2, outOfTimeMeanAuc: inside.outOfTime?.meanAuc ?? null },
    },
    definitionCarryOver: {
      rule: 'the definitions in two families (thresholds: first top 10, first top 40; climbs: to half, to a third of the best position so far); a model fitted on one family of both protocols ranks the other family (mean AUC over its training cutoffs), beside a model fitted on the first definition alone; at the chosen penalty',
      figures: definitions,
    },
    outOfTimeByDefinition: {
      rule: `the cutoff instants of both protocols in time order, in ${outOfTime.blocks} blocks; each later block scored by models fitted on the earlier blocks (training labels purged by 182 days), one on every definition, one on ${FIT_DEFINITIONS[0]!.name} alone; mean AUC per (protocol, definition) over its own examples; at the chosen penalty, before recalibration (which does not change a ranking)`,
      ...outOfTime,
    },
    mappingInvariance: {
      rule: "the published model ranks the training examples of each (protocol, definition) whose candidates are the first definition's, with the chart read as the protocols map it (one event per chart week, weight size + 1 - rank) and two other ways a host could map it: daily (each chart week as seven daily events, the week's days up to the chart date) and reciprocal (weight 100 / rank); the same cutoffs, candidates, labels and peers; mean AUC over the cutoffs",
      figures: mappings,
    },
    model: fit.model,
    probabilityScale: {
      rule: `the intercept of the fit over every definition, shifted so the model predicts on average the rate of the first definition (${FIT_DEFINITIONS[0]!.description}) on its training examples, each protocol weighing the same`,
      interceptShift: shift,
    },
    validation: fit.validation,
    inSampleLogLoss: fit.logLoss,
  };
  writeFileSync(FIT_FILE, `${JSON.stringify(record, null, 2)}\n`);
  const v = fit.validation;
  console.log(
    `fitted on ${fit.examples} examples (${fit.positives} positive); l2 ${v.l2}; converged ${v.converged} in ${v.iterations} iterations`,
  );
  console.log(
    `out-of-time (time-ordered folds): mean AUC ${v.outOfTime?.meanAuc?.toFixed(3) ?? 'n/a'}, log-loss ${v.outOfTime?.logLoss.toFixed(4) ?? 'n/a'}; recalibration ${v.recalibration ? `slope ${v.recalibration.slope.toFixed(3)} offset ${v.recalibration.offset.toFixed(3)}` : 'none'}`,
  );
  for (const [k, t] of Object.entries(fit.model.inputs))
    if (t.weight !== 0)
      console.log(`  ${k.padEnd(18)} weight ${t.weight.toFixed(3).padStart(7)}  center ${t.center.toFixed(3)}`);
  console.log(`wrote ${MODEL_FILE} and ${FIT_FILE}`);
  return 0;
}

// Run as a command only: tests import the helpers above.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href)
  process.exitCode = await fitDefaultsMain(process.argv.slice(2));
