/**
 * Talent Radar figures: scoring + the global pulse's three top-K selections over a synthetic
 * feature table of 100,000 and 1,000,000 artists (no full sort), a full `talent.refresh` of a
 * 10,000-artist demo world over the in-memory sources (seconds, source calls), and the global
 * pulse and a cold artist profile on top of it. The heap per tracked artist is measured by the
 * refresh suite, with everything the radar holds.
 */
import { createSceneRadar, fixedClock, resolveConfig, type SourceCallEvent } from 'scene-radar';
import { median, topK } from '../../src/core/features/stats.js';
import { createFeatureTable, setFeatureRow, type FeatureTable } from '../../src/talent/feature-table.js';
import { fitPeerStats, scoreTable, type ScoreTable } from '../../src/talent/scoring.js';
import type { ArtistFeatures } from 'scene-radar/schemas';
import { memoryTalentStores } from 'scene-radar/stores';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { nowMs, rng, round, type Figure } from '../harness.js';

const END = '2026-11-24'; // last day of data; the clock stands at the midnight that ends it
const NOW = '2026-11-25T00:00:00.000Z';
const K = 20;

/**
 * A synthetic population of `n` artists written with `setFeatureRow`: log-normal daily activity
 * (median ~150 a day, 1 to several 100k, so every size band is populated), growths centred on 0
 * with a rising tail, and missing sources as NaN: no Fusion for 12% (their level comes from RCF
 * events), no RCF for 30%, no press for 55%, no activity evidence at all for 2% (unscored).
 */
export function syntheticFeatureTable(n: number, seed: number): FeatureTable {
  const r = rng(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const table = createFeatureTable(n);
  const f = {
    artistSlug: '',
    asOf: NOW,
    activityBasis: 'engagement',
    engagementLevel: null,
    eventRate: null,
    tastemakers: null,
    collaborators: null,
    centrality: null,
    creativeShift: null,
    campaignCount: null,
    sceneSlug: null,
    microgenres: [],
  } as unknown as { -readonly [P in keyof ArtistFeatures]: ArtistFeatures[P] };
  const evidence = {
    mig: true,
    cmg: true,
    fusion: true,
    coverage: true,
    rcf: true,
    identityKernel: true,
    scenes: true,
  };
  f.evidence = evidence;
  for (let i = 0; i < n; i++) {
    const fusion = r() >= 0.12;
    const rcf = r() >= 0.3;
    const press = r() >= 0.55;
    const scene = r() >= 0.2;
    const silent = r() < 0.02 || (!fusion && !rcf);
    const level = Math.exp(5 + 2 * normal());
    const riser = r() < 0.05;
    const growth = riser ? 0.4 + r() * 1.2 : 0.25 * normal();
    f.activityLevel = silent ? null : level;
    f.engagementGrowth = fusion && !silent ? growth : null;
    f.engagementAcceleration = fusion && !silent ? 0.15 * normal() + (riser ? 0.2 : 0) : null;
    f.eventGrowth = rcf && !silent ? 0.4 * normal() + (riser ? 0.5 : 0) : null;
    // Activity windows for the breakout model, in the basis' units (engagement, else events).
    const a = (days: number): number => level * days * Math.exp(0.3 * normal() + (riser ? 0.3 : 0));
    const profile = silent
      ? null
      : {
          basis: fusion ? ('engagement' as const) : ('events' as const),
          now: a(7),
          recent: a(28),
          previous: a(28) * Math.exp(-growth),
          quarter: a(91),
          quarterBefore: a(91) * Math.exp(-growth),
          peak: a(1) * (1 + 2 * r()),
          presentDays: fusion ? 56 : Math.floor(9 * r()),
          presentDaysYear: fusion ? 364 : Math.floor(53 * r()),
          daysSinceLast: fusion ? 0 : Math.floor(20 * r()),
          observedSpanDays: Math.floor(364 * r()),
          medianGapDays: fusion ? null : 7,
        };
    f.activity = { events: profile && !fusion ? profile : null, engagement: profile && fusion ? profile : null };
    f.regions = rcf && !silent && r() < 0.5 ? 1 + Math.floor(4 * r()) : null;
    f.newRegions = f.regions === null ? null : Math.floor(f.regions * r());
    f.pressVelocity = press ? -Math.log(1 - r()) * 1.5 : null;
    f.pressQuality = press ? 0.3 + 0.7 * r() : null;
    f.newTastemakers = r() < 0.1 ? null : r() < 0.7 ? 0 : -Math.log(1 - r()) * 0.8;
    f.newCollaborators = r() < 0.1 ? null : Math.floor(-Math.log(1 - r()) * 0.7);
    f.careerAgeDays = 30 + Math.floor(r() * 3600);
    f.sceneHeat = scene ? 100 * r() : null;
    f.sceneConfidence = scene ? 0.3 + 0.7 * r() : null;
    f.coherence = r() < 0.15 ? null : 0.6 + 0.4 * r();
    f.drift = r() < 0.3 ? null : 0.5 * r();
    f.paidShare = !fusion ? null : r() < 0.7 ? 0 : 0.8 * r();
    f.anomaly = !fusion ? null : r() < 0.03 ? 0.3 + 0.7 * r() : 0;
    f.staleDays = silent ? null : r() < 0.05 ? 3 + Math.floor(r() * 57) : 0;
    evidence.fusion = fusion;
    evidence.rcf = rcf;
    evidence.coverage = press;
    evidence.scenes = scene;
    evidence.cmg = f.drift !== null;
    evidence.identityKernel = f.coherence !== null;
    f.host = {};
    setFeatureRow(table, i, f);
  }
  return table;
}

type Model = ReturnType<typeof resolveConfig>['talent']['model'];
type Thresholds = ReturnType<typeof resolveConfig>['talent']['thresholds'];

/** The three qualifying scores of the global pulse (NaN: not in the list), over row indices. */
function pulseScores(scores: ScoreTable, t: Thresholds): Array<(i: number) => number> {
  const { momentum, breakout, risk } = scores;
  return [
    (i) => (momentum[i]! >= t.momentum.rising ? momentum[i]! : Number.NaN),
    (i) => (breakout[i]! >= t.breakout.medium ? breakout[i]! : Number.NaN),
    (i) => (risk[i]! >= t.risk.medium ? risk[i]! : Number.NaN),
  ];
}

/** One timed run: peer statistics, scoring, the three top-K lists (ms each). */
function scoreOnce(table: FeatureTable, rows: readonly number[], model: Model, t: Thresholds) {
  const t0 = nowMs();
  const peers = fitPeerStats(table, model);
  const t1 = nowMs();
  const scores = scoreTable(table, peers, model);
  const t2 = nowMs();
  const lists = pulseScores(scores, t).map((score) => topK(rows, K, score));
  const t3 = nowMs();
  return { peersMs: t1 - t0, scoreMs: t2 - t1, topKMs: t3 - t2, totalMs: t3 - t0, scores, lists };
}

/** Correctness guard (not timed): each top-K list equals the first K of a full sort. */
function checkTopK(scores: ScoreTable, lists: readonly number[][], t: Thresholds, n: number): void {
  pulseScores(scores, t).forEach((score, c) => {
    const all: number[] = [];
    for (let i = 0; i < n; i++) if (!Number.isNaN(score(i))) all.push(i);
    all.sort((a, b) => score(b) - score(a) || a - b);
    const want = all.slice(0, K);
    const got = lists[c]!;
    if (all.length < K)
      throw new Error(`benchmark table is not realistic: list ${c} has only ${all.length} qualifying artists`);
    if (got.length !== K || got.some((x, j) => x !== want[j]))
      throw new Error(`topK list ${c} differs from a full sort: ${got.join(',')} vs ${want.join(',')}`);
  });
}

async function scoringFigures(figures: Figure[]): Promise<void> {
  const config = resolveConfig();
  const model = config.talent.model;
  const t = config.talent.thresholds;
  for (const [n, runs, targetMs, label] of [
    [100_000, 11, 100, '100k'],
    [1_000_000, 7, 1000, '1m'],
  ] as const) {
    const table = syntheticFeatureTable(n, 21);
    const rows = Array.from({ length: n }, (_, i) => i);
    // Warm-up (JIT), which also checks the result once.
    const first = scoreOnce(table, rows, model, t);
    checkTopK(first.scores, first.lists, t, n);
    let scored = 0;
    for (let i = 0; i < n; i++) if (!Number.isNaN(first.scores.momentum[i]!)) scored++;
    if (scored < 0.9 * n) throw new Error(`benchmark table: only ${scored} of ${n} rows scored`);
    scoreOnce(table, rows, model, t);
    const samples = {
      peersMs: [] as number[],
      scoreMs: [] as number[],
      topKMs: [] as number[],
      totalMs: [] as number[],
    };
    for (let i = 0; i < runs; i++) {
      const s = scoreOnce(table, rows, model, t);
      samples.peersMs.push(s.peersMs);
      samples.scoreMs.push(s.scoreMs);
      samples.topKMs.push(s.topKMs);
      samples.totalMs.push(s.totalMs);
    }
    const total = median(samples.totalMs);
    const digits = n >= 1_000_000 ? 1 : 2;
    figures.push({
      name: `talent.score_topk_${label}_artists_median_ms`,
      value: round(total, digits),
      target: `< ${targetMs} ms`,
      pass: total < targetMs,
    });
    figures.push({
      name: `talent.score_topk_${label}_peer_stats_median_ms`,
      value: round(median(samples.peersMs), digits),
    });
    figures.push({
      name: `talent.score_topk_${label}_scoring_median_ms`,
      value: round(median(samples.scoreMs), digits),
    });
    figures.push({
      name: `talent.score_topk_${label}_topk_3_lists_median_ms`,
      value: round(median(samples.topKMs), digits),
    });
    figures.push({
      name: `talent.score_topk_${label}_max_of_${runs}_ms`,
      value: round(Math.max(...samples.totalMs), digits),
    });
    if (n === 1_000_000) {
      let bytes = 0;
      for (const col of Object.values(table.columns)) bytes += col.byteLength;
      figures.push({ name: 'talent.feature_table_bytes_per_artist', value: bytes / n });
    }
  }
}

async function refreshFigures(figures: Figure[]): Promise<void> {
  const N = 10_000;
  const asOf = new Date(NOW);
  const world = createDemoWorld({ artists: N, end: END });
  const calls = new Map<string, number>();
  let counting = false;
  const onSourceCall = (e: SourceCallEvent): void => {
    if (counting) calls.set(`${e.source}.${e.method}`, (calls.get(`${e.source}.${e.method}`) ?? 0) + 1);
  };
  const talentStores = memoryTalentStores();
  const radar = createSceneRadar({
    sources: world.sources,
    stores: { talent: talentStores },
    clock: fixedClock(NOW),
    onSourceCall,
  });
  await radar.scenes.importCatalog(world.catalog);
  let t0 = nowMs();
  await radar.scenes.refresh(asOf);
  figures.push({ name: 'talent.scenes_refresh_before_10k_demo_s', value: round((nowMs() - t0) / 1000, 2) });

  const generatedBefore = world.stats().historiesGenerated;
  counting = true;
  t0 = nowMs();
  const report = await radar.talent.refresh(asOf);
  const seconds = (nowMs() - t0) / 1000;
  counting = false;
  const generated = world.stats().historiesGenerated - generatedBefore;
  if (
    report.universe !== 'ok' ||
    report.artists !== N ||
    report.scored < 0.9 * N ||
    report.reads.error + report.reads.timeout > 0
  ) {
    throw new Error(`benchmark talent refresh: ${JSON.stringify(report)}`);
  }
  const tracked = await talentStores.talent_radar_artists.count({});
  if (tracked !== report.scored) throw new Error(`benchmark talent refresh: ${tracked} rows, ${report.scored} scored`);
  figures.push({ name: 'talent.refresh_10k_demo_in_memory_s', value: round(seconds, 2) });
  figures.push({ name: 'talent.refresh_10k_demo_artists_per_s', value: Math.round(N / seconds) });
  figures.push({ name: 'talent.refresh_10k_demo_scored', value: report.scored });
  figures.push({ name: 'talent.refresh_10k_demo_histories_generated', value: generated });
  const perMethod = [...calls].sort(([a], [b]) => a.localeCompare(b));
  for (const [method, n] of perMethod) figures.push({ name: `talent.refresh_10k_calls_${method}`, value: n });

  // The global pulse over the 10k tracked rows (hottest scenes come from memoised scene pulses after the first).
  await radar.talent.aggregator.buildGlobalPulse({ limit: K, skipCache: true });
  const pulses: number[] = [];
  for (let i = 0; i < 15; i++) {
    const s = nowMs();
    const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: K, skipCache: true });
    pulses.push(nowMs() - s);
    if (pulse.summary.totalArtistsTracked !== tracked || pulse.meta.degraded.length)
      throw new Error(`benchmark global pulse: ${JSON.stringify(pulse.meta)}`);
  }
  figures.push({ name: 'talent.global_pulse_10k_tracked_median_ms', value: round(median(pulses), 1) });

  // Cold profiles: artists not asked before (fresh signals, explanation, similar artists).
  const slugs = world.dataset.artistSlugs();
  const profiles: number[] = [];
  for (let i = 0; i < 9; i++) {
    const slug = slugs[(i * 1_103 + 7) % N]!;
    const s = nowMs();
    try {
      await radar.talent.aggregator.buildArtistProfile(slug, { skipCache: true });
    } catch (e) {
      if ((e as { code?: string }).code !== 'TALENT_INSUFFICIENT_DATA') throw e;
    }
    profiles.push(nowMs() - s);
  }
  figures.push({ name: 'talent.artist_profile_cold_10k_median_ms', value: round(median(profiles), 1) });

  await radar.close();
}

export async function talentSuite(): Promise<Figure[]> {
  const figures: Figure[] = [];
  await scoringFigures(figures);
  await refreshFigures(figures);
  return figures;
}
