/**
 * @module backtest/talent-scorer
 * The Talent Radar's breakout score as a backtest scorer: a standalone Talent Radar reads the
 * run's guarded sources exactly as a host's radar would (through the gateway, as of each cutoff),
 * and ranks each cutoff's candidates by `breakout_score`, relative to the cutoff's population.
 * With `calibrate`, it first fits a model on the training cutoffs with `calibrate()`; candidates
 * it cannot score are reported with the reason (a refused read among them).
 */
import { resolveConfig, type SceneRadarConfigInput } from '../config.js';
import type { SceneRadarSources } from '../contracts/sources.js';
import { Cache } from '../core/cache/cache.js';
import { systemClock } from '../core/clock.js';
import { isSlug, SLUG_MESSAGE } from '../core/slug.js';
import { createSourceGateway } from '../core/gateway/gateway.js';
import { memoryTalentStores } from '../stores/memory-table.js';
import type { BreakoutModel, BreakoutModelInput } from '../talent/breakout-model.js';
import type { CalibrationOptions, CalibrationResult } from '../talent/calibrate.js';
import type { HostFeature } from '../talent/host-features.js';
import { TalentRadar } from '../talent/talent-radar.js';
import { BacktestError } from './errors.js';
import type { BacktestRun, BacktestScorer } from './types.js';

/** Options of {@link talentScorer}. */
export interface TalentScorerOptions {
  /** Name in the report. @default 'breakout' */
  readonly name?: string;
  /** Configuration of the radar under test (windows, event type weights...). */
  readonly config?: SceneRadarConfigInput;
  /** A breakout model to score with (one a host saved). @default the configured one (the published defaults) */
  readonly model?: BreakoutModelInput;
  /**
   * Fit a model on the training cutoffs with `calibrate()` (time-ordered cross-validation inside
   * the training window) and score with it; options go to the fit. The fit's `horizonDays` is the
   * backtest's, rounded up to whole days (the model's horizon is a whole number of days, and a
   * longer purge is the conservative side); a backtest horizon past 3650 days (the model's
   * longest) fails this scorer with a message saying so. A `horizonDays` given here wins. Each
   * run keeps its own fitted model (keyed by its `run`), so one scorer object can serve several
   * runs at once. @default false
   */
  readonly calibrate?: boolean | CalibrationOptions;
  /**
   * The host's own features. Each read receives the cutoff as `asOf`, but the harness cannot guard
   * what a host function reads behind it (it guards the sources only): a feature that ignores
   * `asOf` leaks the future into the run unnoticed. Backtest only features that honour it. @default []
   */
  readonly hostFeatures?: readonly HostFeature[];
  /** Receives the calibration's result (the model and its out-of-time validation). */
  readonly onCalibrated?: (fit: CalibrationResult) => void;
}

function radarOver(
  sources: SceneRadarSources,
  options: TalentScorerOptions,
): { radar: TalentRadar; close: () => void } {
  const config = resolveConfig(options.config);
  const gateway = createSourceGateway({ sources, config });
  const cache = new Cache<unknown>({ ttlMs: config.talent.globalPulseTtlMs, maxEntries: 1_000 });
  const radar = new TalentRadar({
    stores: memoryTalentStores(),
    gateway,
    config,
    clock: systemClock,
    cache,
    hostFeatures: options.hostFeatures ?? [],
  });
  return { radar, close: () => gateway.close() };
}

/** The breakout model's longest horizon, days (its schema's bound). */
const MAX_MODEL_HORIZON_DAYS = 3650;

/**
 * The horizon `calibrate()` gets for a backtest's `horizonDays`: whole days, rounded up (a longer
 * purge only drops more training labels, never lets one reach into the validated period).
 */
function calibrationHorizon(horizonDays: number): number {
  const days = Math.ceil(horizonDays);
  if (days > MAX_MODEL_HORIZON_DAYS)
    throw new Error(
      `talentScorer: calibrate cannot fit a breakout model for a ${horizonDays}-day label horizon: a model's horizon is at most ${MAX_MODEL_HORIZON_DAYS} days`,
    );
  return days;
}

/**
 * The breakout score under test.
 * @example
 * ```ts
 * import { runBacktest, talentScorer } from 'scene-radar/backtest';
 *
 * const defaults = await runBacktest({ ...protocol, scorer: talentScorer() });
 * const refitted = await runBacktest({ ...protocol, scorer: talentScorer({ name: 'breakout-calibrated', calibrate: true }) });
 * ```
 */
export function talentScorer(options: TalentScorerOptions = {}): BacktestScorer {
  if (options === null || typeof options !== 'object')
    throw new BacktestError('BACKTEST_INVALID_INPUT', 'talentScorer: options must be an object');
  // Per run: two runs sharing this scorer must each score with the model fitted on their own
  // training cutoffs. A context built by hand (no `run`) shares one slot, as before.
  const fitted = new WeakMap<BacktestRun, BreakoutModel>();
  const byHand: BacktestRun = Object.freeze({ name: '' });
  const calibrating = options.calibrate !== undefined && options.calibrate !== false;
  return {
    name: options.name ?? (calibrating ? 'breakout-calibrated' : 'breakout'),
    description: calibrating
      ? 'Talent Radar breakout_score, model fitted on the training cutoffs with calibrate()'
      : options.model
        ? 'Talent Radar breakout_score, the model given'
        : 'Talent Radar breakout_score, published default model',
    probabilistic: true,
    async fit(context) {
      if (!calibrating) return;
      const given = typeof options.calibrate === 'object' && options.calibrate !== null ? options.calibrate : {};
      const horizonDays = given.horizonDays ?? calibrationHorizon(context.horizonDays);
      const { radar, close } = radarOver(context.sources, options);
      try {
        const populations = new Map(context.cutoffs.map((c) => [c.asOf.getTime(), c.population]));
        // Only names the radar can hold: another is no artist of it (left out, as in `score`).
        const outcomes = context.cutoffs.flatMap((c) =>
          c.candidates
            .filter(isSlug)
            .map((artistSlug) => ({ artistSlug, asOf: c.asOf, label: c.labels.get(artistSlug) === true })),
        );
        const fit = await radar.calibrate(outcomes, {
          ...given,
          // The folds purge training labels that reach into the period they validate on.
          horizonDays,
          population: (asOf) => (populations.get(asOf.getTime()) ?? []).filter(isSlug),
          signal: context.signal,
        });
        fitted.set(context.run ?? byHand, fit.model);
        options.onCalibrated?.(fit);
      } finally {
        close();
      }
    },
    async score(context) {
      const own = fitted.get(context.run ?? byHand);
      if (calibrating && own === undefined)
        throw new Error(
          `talentScorer: calibrate is set but no model was fitted for this run${context.run ? ` ("${context.run.name}")` : ''}: fit() must run first`,
        );
      const { radar, close } = radarOver(context.sources, options);
      try {
        const model = own ?? options.model;
        if (model) await radar.setBreakoutModel(model);
        // A name that is not a radar slug (`Not A Slug!`) names no artist the radar can read: that
        // candidate is unscored with the reason, that peer left out, and the rest scored (the
        // radar refuses a whole call over one such name).
        const scores = new Map<string, number>();
        const unscored = new Map<string, string>();
        // Scored although a read failed: said in the result, as the radar says it of the artist.
        const degraded = new Map<string, string>();
        for (const slug of context.candidates)
          if (!isSlug(slug)) unscored.set(slug, `invalid: not an artist slug (${SLUG_MESSAGE.toLowerCase()})`);
        const scored = await radar.scoreArtists(context.candidates.filter(isSlug), {
          asOf: context.asOf,
          ...(context.population === undefined ? {} : { population: context.population.filter(isSlug) }),
          signal: context.signal,
        });
        // Peers whose reads failed move every score relative to them, a candidate's whose own
        // reads all succeeded too.
        const { artists: peerCount, failed: failedPeers } = scored.peerReads;
        const peersNote = failedPeers > 0 ? [`peers: ${failedPeers} of ${peerCount} with a failed read`] : [];
        for (const a of scored.artists) {
          if (a.status === 'ok' && a.breakout !== null) {
            scores.set(a.artistSlug, a.breakout);
            const failed = [...a.problems, ...peersNote];
            if (failed.length > 0) degraded.set(a.artistSlug, failed.join(', '));
          } else unscored.set(a.artistSlug, `${a.status}: ${a.reason ?? ''}`);
        }
        return { scores, unscored, degraded };
      } finally {
        close();
      }
    },
  };
}
