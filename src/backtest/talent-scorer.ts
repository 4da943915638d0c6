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
import { createSourceGateway } from '../core/gateway/gateway.js';
import { memoryTalentStores } from '../stores/memory-table.js';
import type { BreakoutModel, BreakoutModelInput } from '../talent/breakout-model.js';
import type { CalibrationOptions, CalibrationResult } from '../talent/calibrate.js';
import type { HostFeature } from '../talent/host-features.js';
import { TalentRadar } from '../talent/talent-radar.js';
import type { BacktestScorer } from './types.js';

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
   * the training window) and score with it; options go to the fit. @default false
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
  let fitted: BreakoutModel | null = null;
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
      const { radar, close } = radarOver(context.sources, options);
      try {
        const populations = new Map(context.cutoffs.map((c) => [c.asOf.getTime(), c.population]));
        const outcomes = context.cutoffs.flatMap((c) =>
          c.candidates.map((artistSlug) => ({ artistSlug, asOf: c.asOf, label: c.labels.get(artistSlug) === true })),
        );
        const fit = await radar.calibrate(outcomes, {
          // The folds purge training labels that reach into the period they validate on.
          horizonDays: context.horizonDays,
          ...(typeof options.calibrate === 'object' ? options.calibrate : {}),
          population: (asOf) => populations.get(asOf.getTime()) ?? [],
          signal: context.signal,
        });
        fitted = fit.model;
        options.onCalibrated?.(fit);
      } finally {
        close();
      }
    },
    async score(context) {
      const { radar, close } = radarOver(context.sources, options);
      try {
        const model = fitted ?? options.model;
        if (model) await radar.setBreakoutModel(model);
        const scored = await radar.scoreArtists(context.candidates, {
          asOf: context.asOf,
          population: context.population,
          signal: context.signal,
        });
        const scores = new Map<string, number>();
        const unscored = new Map<string, string>();
        for (const a of scored.artists) {
          if (a.status === 'ok' && a.breakout !== null) scores.set(a.artistSlug, a.breakout);
          else unscored.set(a.artistSlug, `${a.status}: ${a.reason ?? ''}`);
        }
        return { scores, unscored };
      } finally {
        close();
      }
    },
  };
}
