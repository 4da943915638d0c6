/**
 * @module bench/backtest/fit-defaults
 * `npm run fit-defaults -- --hot100 <dir> --bb200 <dir>`: fits the published default breakout
 * model on the training windows of protocols A and C together, the way any host would fit one:
 * through the public harness (which guards the sources, purges training cutoffs whose labels
 * reach into the test window, and hands `fit` only the training cutoffs), then
 * `TalentRadar.calibrationExamples` per protocol and one `fitBreakoutModel` over both, each
 * protocol weighing the same in total, under the monotone priors `MONOTONE_BREAKOUT_SIGNS`. Writes src/talent/default-breakout-model.ts (the model) and
 * bench/backtests/default-model-fit.json (the fit's out-of-time validation). Never the demo world.
 *
 * The penalty is chosen for carry-over, not for the two charts: the defaults serve data they were
 * never fitted on, so each candidate penalty is judged by how a model fitted on one protocol's
 * training window ranks the other protocol's (another chart, another definition of breaking out),
 * both ways ({@link transferPenalty}). A host's own `calibrate()` fits the data it is scored on,
 * so it keeps the time-ordered cross-validation of its own history.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TalentRadar, resolveConfig, systemClock, type CalibrationResult } from 'scene-radar';
import { Cache } from '../../src/core/cache/cache.js';
import { createSourceGateway } from '../../src/core/gateway/gateway.js';
import { MONOTONE_BREAKOUT_SIGNS, fitBreakoutModel, meanAucByTime } from '../../src/talent/calibrate.js';
import type { BreakoutModel } from '../../src/talent/breakout-model.js';
import type { CalibrationExample } from 'scene-radar/backtest';
import { memoryTalentStores } from 'scene-radar/stores';
import { runBacktest, type BacktestScorer } from 'scene-radar/backtest';
import { parseCommandLine, UsageError } from '../../scripts/command-line.js';
import { SUITE_A, SUITE_C, loadChartSuite, type ChartSuiteSpec } from './chart/suites.js';

const here = dirname(fileURLToPath(import.meta.url));
const MODEL_FILE = resolve(here, '../../src/talent/default-breakout-model.ts');
const FIT_FILE = resolve(here, '../backtests/default-model-fit.json');

/** What the published default model means (shown in every explanation). */
export const DEFAULT_EVENT =
  'a first breakthrough to the top of a chart the artist has not reached (fitted on a first top-10 single and a first top-10 album) within about six months';

/** The training examples of one protocol, gathered inside the harness's `fit`. */
export interface Gathered {
  readonly spec: ChartSuiteSpec;
  readonly examples: CalibrationExample[];
  readonly cutoffs: number;
  readonly purged: number;
  readonly skipped: number;
  readonly limit: string;
}

/** A scorer that only gathers the training examples its `fit` is handed (its scores are empty). */
function gatherer(spec: ChartSuiteSpec, out: Gathered[]): BacktestScorer {
  return {
    name: 'gather-training-examples',
    async fit(context) {
      const config = resolveConfig();
      const gateway = createSourceGateway({ sources: context.sources, config });
      const radar = new TalentRadar({
        stores: memoryTalentStores(),
        gateway,
        config,
        clock: systemClock,
        cache: new Cache<unknown>({ ttlMs: 1000, maxEntries: 10 }),
      });
      try {
        const populations = new Map(context.cutoffs.map((c) => [c.asOf.getTime(), c.population]));
        const outcomes = context.cutoffs.flatMap((c) =>
          c.candidates.map((artistSlug) => ({ artistSlug, asOf: c.asOf, label: c.labels.get(artistSlug) === true })),
        );
        const data = await radar.calibrationExamples(outcomes, {
          population: (asOf) => populations.get(asOf.getTime()) ?? [],
          signal: context.signal,
        });
        out.push({
          spec,
          examples: [...data.examples],
          cutoffs: context.cutoffs.length,
          purged: context.purged.length,
          skipped: data.skipped.length,
          limit: context.limit.toISOString(),
        });
      } finally {
        gateway.close();
      }
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
  /** `<fitted on> -> <scored on>`: mean AUC over the scored protocol's training cutoffs. */
  readonly directions: Readonly<Record<string, number | null>>;
  /** Mean of the directions. */
  readonly meanAuc: number | null;
}

/**
 * Chooses the default model's penalty by carry-over between the protocols: for each penalty of
 * {@link TRANSFER_L2_GRID}, a model fitted on one protocol's training examples alone ranks the
 * other protocol's training examples (mean AUC over its cutoffs), both ways; the smallest penalty
 * within {@link TRANSFER_TOLERANCE} of the best mean is chosen. Only training windows are read.
 */
export function transferPenalty(gathered: readonly Gathered[]): { l2: number; figures: TransferFigure[] } {
  const figures = TRANSFER_L2_GRID.map((l2): TransferFigure => {
    const directions: Record<string, number | null> = {};
    for (const from of gathered)
      for (const to of gathered) {
        if (from === to) continue;
        const { model } = fitBreakoutModel(from.examples, {
          l2,
          signs: MONOTONE_BREAKOUT_SIGNS,
          recalibrate: false,
          folds: 1,
        });
        directions[`${from.spec.name} -> ${to.spec.name}`] = meanAucByTime(
          to.examples.map((e) => e.time),
          to.examples.map((e) => logitOf(model, e.inputs)),
          to.examples.map((e) => e.label),
        );
      }
    const values = Object.values(directions).filter((x): x is number => x !== null);
    return { l2, directions, meanAuc: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null };
  });
  const best = Math.max(...figures.map((f) => f.meanAuc ?? Number.NEGATIVE_INFINITY));
  const chosen = figures.find((f) => f.meanAuc !== null && f.meanAuc >= best - TRANSFER_TOLERANCE);
  if (!chosen) throw new Error('no penalty could be judged: a protocol has no cutoff with both outcomes');
  return { l2: chosen.l2, figures };
}

const round = (x: number, digits = 6): number => Math.round(x * 10 ** digits) / 10 ** digits;

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

/** The default breakout model: fitted on the training windows of protocols A and C together (docs/backtests.md). */
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
  let hot100: string | undefined;
  let bb200: string | undefined;
  try {
    ({ hot100, bb200 } = parseCommandLine(argv, { hot100: { type: 'string' }, bb200: { type: 'string' } }).values);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${usage} (${e.message})`);
    return 2;
  }
  if (!hot100 || !bb200) {
    console.error(`${usage} (both protocols: one set of defaults for every host)`);
    return 2;
  }
  const gathered: Gathered[] = [];
  for (const [spec, dir] of [
    [SUITE_A, hot100],
    [SUITE_C, bb200],
  ] as const) {
    console.error(`${spec.name}: loading ${dir}...`);
    const { suite } = loadChartSuite(dir, spec);
    const result = await runBacktest({
      ...suite,
      baselines: [],
      reference: null,
      target: null,
      scorer: gatherer(spec, gathered),
      resamples: 10,
      log: (l) => console.error(l),
    });
    if (result.scorer?.error) throw new Error(`${spec.name}: ${result.scorer.error}`);
  }
  // Each protocol weighs the same in total, whatever its number of candidates.
  const examples = gathered.flatMap((g) => g.examples.map((e) => ({ ...e, weight: 1 / g.examples.length })));
  const fittedOn = `the training windows of two public chart backtests together (each weighing the same; monotone signs: MONOTONE_BREAKOUT_SIGNS): protocol A, Billboard Hot 100, first top-10 single within 26 weeks (${gathered[0]!.cutoffs} cutoffs 2010-2017); protocol C, Billboard 200, first top-10 album within 26 weeks (${gathered[1]!.cutoffs} cutoffs 2010-2017)`;
  // The penalty that carries over from one chart to the other (the defaults' whole purpose).
  const penalty = transferPenalty(gathered);
  for (const f of penalty.figures)
    console.error(
      `l2 ${String(f.l2).padEnd(6)} carry-over mean AUC ${f.meanAuc?.toFixed(3) ?? 'n/a'} (${Object.entries(
        f.directions,
      )
        .map(([k, v]) => `${k} ${v?.toFixed(3) ?? 'n/a'}`)
        .join(', ')})${f.l2 === penalty.l2 ? '  <- chosen' : ''}`,
    );
  // What time-ordered cross-validation inside the two charts would have chosen, for the record.
  const inside = fitBreakoutModel(examples, { horizonDays: 182, signs: MONOTONE_BREAKOUT_SIGNS }).validation;
  // The monotone priors keep every explanation readable (growth never lowers the probability).
  const fit = fitBreakoutModel(examples, {
    event: DEFAULT_EVENT,
    horizonDays: 182,
    fittedOn,
    signs: MONOTONE_BREAKOUT_SIGNS,
    l2: penalty.l2,
  });
  writeFileSync(MODEL_FILE, modelModule(fit));
  // The generated module is kept in the repository's own format (lint runs on it).
  execFileSync('npx', ['biome', 'format', '--write', MODEL_FILE], { stdio: 'ignore' });
  const record = {
    command: 'npm run fit-defaults -- --hot100 <dir> --bb200 <dir>',
    fittedAt: new Date().toISOString(),
    protocols: gathered.map((g) => ({
      name: g.spec.name,
      trainingCutoffs: g.cutoffs,
      purgedCutoffs: g.purged,
      fitLimit: g.limit,
      examples: g.examples.length,
      positives: g.examples.filter((e) => e.label).length,
      unscoredSkipped: g.skipped,
    })),
    penaltySelection: {
      rule: `each penalty of the grid: a model fitted on one protocol's training examples alone ranks the other protocol's training examples (mean AUC over its cutoffs), both ways; the smallest penalty within ${TRANSFER_TOLERANCE} of the best mean carry-over is chosen`,
      tolerance: TRANSFER_TOLERANCE,
      chosen: penalty.l2,
      figures: penalty.figures,
      insideCharts: { l2: inside.l2, outOfTimeMeanAuc: inside.outOfTime?.meanAuc ?? null },
    },
    model: fit.model,
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

process.exitCode = await fitDefaultsMain(process.argv.slice(2));
