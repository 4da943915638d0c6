/**
 * @module bench/backtest/scorer
 * What a backtest is made of: a world (read-only sources, answered as of any instant), cutoffs
 * (an instant, its candidates and, for the runner only, their labels) and scorers. A scorer sees
 * the world only through its sources and never sees a label it is scored on: the runner hands
 * `fit` the training cutoffs alone and `score` a cutoff with no `labels` at all.
 */
import type { SceneRadarSources } from 'scene-radar';

/** The two halves of a time split. */
export type BacktestSplit = 'train' | 'test';

/** A cutoff as `score` receives it: the instant and who to rank, no outcomes. */
export interface ScoringCutoff {
  /** The instant the scores are computed as of; nothing later may be read. */
  readonly asOf: Date;
  /** Which half of the time split the cutoff belongs to. */
  readonly split: BacktestSplit;
  /** Artist slugs to rank (each known to the world's MIG at `asOf`). */
  readonly candidates: readonly string[];
}

/** A labelled cutoff: what the runner holds, and what `fit` receives for training cutoffs. */
export interface BacktestCutoff extends ScoringCutoff {
  /** Per candidate: whether the outcome happened within the horizon after `asOf`. */
  readonly labels: ReadonlyMap<string, boolean>;
}

/** A world to backtest on. */
export interface BacktestWorld {
  /** Short name (`chart-protocol-a`, `demo-world`). */
  readonly name: string;
  /** Read-only sources; every call must pass `asOf` (the runner rejects reads past the cutoff). */
  readonly sources: SceneRadarSources;
  /** Artists a host would track at `asOf` (the peer population for relative signals). */
  universe(asOf: Date): readonly string[];
}

/** A ranking model under test: a baseline or the Talent Radar's breakout score. */
export interface BacktestScorer {
  /** Name shown in tables and used as a key in result files. */
  readonly name: string;
  /** One line on what the score is, for the report. */
  readonly description?: string;
  /**
   * True when scores are probabilities of the label (0-1): the report then adds calibration
   * (reliability bins, Brier score, ECE). Rank-only scores leave it unset.
   */
  readonly probabilistic?: boolean;
  /**
   * May fit weights. Receives the training cutoffs only (labels included); the world's sources
   * answer up to the last training cutoff plus the horizon, which the training labels reveal anyway.
   */
  fit?(world: BacktestWorld, train: readonly BacktestCutoff[]): Promise<void>;
  /**
   * Scores the candidates as of `cutoff.asOf`, higher = more likely. A candidate left out (or
   * given a non-finite score) ranks below every scored one.
   */
  score(world: BacktestWorld, cutoff: ScoringCutoff): Promise<ReadonlyMap<string, number>>;
}

/** Everything the runner needs for one backtest. */
export interface BacktestSuite {
  /** File-safe name; results go to `bench/backtests/<name>.json`. */
  readonly name: string;
  /** Heading in the report. */
  readonly title: string;
  /** The world the scorers read. */
  readonly world: BacktestWorld;
  /** Every cutoff, oldest first, labelled. */
  readonly cutoffs: readonly BacktestCutoff[];
  /** Longest label horizon after a cutoff, days (bounds what `fit` may read). */
  readonly horizonDays: number;
  /** The suite's own baselines. */
  readonly baselines: readonly BacktestScorer[];
  /** Parameters recorded with the result (protocol, mapping choices, world options). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The method, as Markdown paragraphs, for docs/backtests.md. */
  readonly method: readonly string[];
  /** Published baseline figures the harness should reproduce, if any. */
  readonly reference?: BacktestReference;
}

/** Published figures to compare the baselines with (mean AUC and precision@10 by scorer name). */
export interface BacktestReference {
  /** Where the figures come from. */
  readonly source: string;
  /** The cutoffs they cover. */
  readonly split: BacktestSplit | 'all';
  /** Figures by baseline name. */
  readonly figures: Readonly<Record<string, { readonly auc: number; readonly pAt10: number }>>;
  /** Why small differences remain, in Markdown. */
  readonly note: string;
}
