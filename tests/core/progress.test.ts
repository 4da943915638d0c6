/**
 * Progress of long work (issue 17): refresh, trend backfill, calibration and backtest report
 * `{ task, phase, done, total, rate, etaMs }` to their `onProgress` callbacks and on the
 * `scene-radar:progress` channel; within a phase `done` never goes down and the last message has
 * `done === total`; messages are throttled; none carries an artist or scene id.
 */
import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { runBacktest } from '../../src/backtest/run-backtest.js';
import { CHANNEL_NAMES, type ProgressMessage } from '../../src/core/observe/channels.js';
import { PROGRESS_INTERVAL_MS, ProgressTracker } from '../../src/core/observe/progress.js';
import { createSceneRadar, fixedClock } from '../../src/index.js';

const NOW = '2026-11-25T00:00:00.000Z';
const DAY = 86_400_000;

const offs: Array<() => void> = [];
afterEach(() => {
  for (const off of offs.splice(0)) off();
});

/** Collects the progress channel's messages (subscribed by its documented name). */
function listenProgress(): ProgressMessage[] {
  const messages: ProgressMessage[] = [];
  const on = (m: unknown): void => {
    messages.push(m as ProgressMessage);
  };
  diagnostics.subscribe(CHANNEL_NAMES.progress, on);
  offs.push(() => diagnostics.unsubscribe(CHANNEL_NAMES.progress, on));
  return messages;
}

/** The messages by `task phase`, in order. */
function byPhase(messages: readonly ProgressMessage[]): Map<string, ProgressMessage[]> {
  const out = new Map<string, ProgressMessage[]>();
  for (const m of messages) {
    const key = `${m.task} ${m.phase}`;
    (out.get(key) ?? out.set(key, []).get(key)!).push(m);
  }
  return out;
}

/** Every phase: fields as documented, done monotone and within total, the last at done === total. */
function expectWellFormed(messages: readonly ProgressMessage[]): void {
  expect(messages.length).toBeGreaterThan(0);
  for (const [key, list] of byPhase(messages)) {
    const total = list[0]!.total;
    let previous = -1;
    for (const m of list) {
      expect(Object.keys(m).sort(), key).toEqual(['done', 'etaMs', 'phase', 'rate', 'task', 'total']);
      expect(m.total, key).toBe(total);
      expect(m.done, key).toBeGreaterThanOrEqual(previous);
      expect(m.done, key).toBeLessThanOrEqual(m.total);
      expect(m.rate, key).toBeGreaterThanOrEqual(0);
      if (m.etaMs !== null) expect(m.etaMs, key).toBeGreaterThanOrEqual(0);
      previous = m.done;
    }
    expect(list[0]!.done, `${key} starts at 0`).toBe(0);
    expect(list.at(-1)!.done, `${key} reaches its total`).toBe(total);
    expect(list.at(-1)!.etaMs, key).toBe(0);
    // One message at done === total, the last.
    expect(list.filter((m) => m.done === total && total > 0).length, key).toBeLessThanOrEqual(1);
  }
}

describe('ProgressTracker', () => {
  it('throttles 100,000 single steps to a few messages, monotone, always sending the last', () => {
    let now = 0;
    const got: ProgressMessage[] = [];
    const tracker = new ProgressTracker('refresh', { callbacks: [(m) => got.push(m)], now: () => now });
    const phase = tracker.phase('talent.features', 100_000);
    for (let i = 0; i < 100_000; i++) {
      now += 0.1; // 10 s in all
      phase.advance();
    }
    phase.finish();
    expectWellFormed(got);
    // 10 s at one message per interval at most, plus the first and the last.
    expect(got.length).toBeLessThanOrEqual(10_000 / PROGRESS_INTERVAL_MS + 2);
    expect(got.length).toBeGreaterThan(10);
    const middle = got[Math.floor(got.length / 2)]!;
    expect(middle.rate).toBeCloseTo(10_000, -2);
    expect(middle.etaMs).toBeGreaterThan(0);
    expect(got.at(-1)).toMatchObject({ done: 100_000, total: 100_000, etaMs: 0 });
  });

  it('never goes down, never passes the total, ignores a throwing callback, and costs nothing unheard', () => {
    let now = 0;
    const got: ProgressMessage[] = [];
    const tracker = new ProgressTracker('backfill', {
      callbacks: [
        () => {
          throw new Error('callback broke');
        },
        (m) => got.push(m),
      ],
      now: () => now,
      intervalMs: 0,
    });
    const phase = tracker.phase('days', 10);
    now = 1000;
    phase.set(5);
    phase.set(3); // lower: ignored
    phase.advance(50); // past the total: capped, and final
    phase.advance();
    phase.finish();
    expect(got.map((m) => m.done)).toEqual([0, 5, 10]);
    expect(got[0]!.etaMs).toBeNull();
    expect(got[1]).toMatchObject({ rate: 5, etaMs: 1000 });
    // Nobody listening: no message is even built.
    const silent = new ProgressTracker('refresh');
    expect(silent.listened).toBe(false);
    const none = silent.phase('x', 5);
    none.advance(5);
    none.finish();
  });

  it('sends one message for an empty phase', () => {
    const got: ProgressMessage[] = [];
    const phase = new ProgressTracker('refresh', { callbacks: [(m) => got.push(m)] }).phase('scenes.trends', 0);
    phase.advance();
    phase.finish();
    expect(got).toEqual([{ task: 'refresh', phase: 'scenes.trends', done: 0, total: 0, rate: 0, etaMs: 0 }]);
  });
});

describe('progress of the radar', () => {
  it('refresh: every step of both engines reaches 100%, the channel and both callbacks see the same, no ids', async () => {
    const channel = listenProgress();
    const world = createDemoWorld({ artists: 60, end: '2026-11-24' });
    const radarWide: ProgressMessage[] = [];
    const radar = createSceneRadar({
      sources: world.sources,
      clock: fixedClock(NOW),
      onProgress: (m) => radarWide.push(m),
    });
    await radar.scenes.importCatalog(world.catalog);
    const perCall: ProgressMessage[] = [];
    const report = await radar.refresh(new Date(NOW), { onProgress: (m) => perCall.push(m) });
    expectWellFormed(perCall);
    expect(radarWide).toEqual(perCall);
    expect(channel).toEqual(perCall);
    expect([...byPhase(perCall).keys()]).toEqual([
      'refresh scenes.memberships',
      'refresh scenes.relationships',
      'refresh scenes.trends',
      'refresh scenes.commit',
      'refresh talent.universe',
      'refresh talent.features',
      'refresh talent.peers',
      'refresh talent.scoring',
      'refresh talent.heats',
      'refresh talent.write',
    ]);
    const phases = byPhase(perCall);
    expect(phases.get('refresh scenes.memberships')!.at(-1)!.total).toBe(report.scenes.memberships.artists);
    expect(phases.get('refresh talent.features')!.at(-1)!.total).toBe(report.talent.artists);
    expect(phases.get('refresh scenes.trends')!.at(-1)!.total).toBe(world.catalog.scenes.length);
    const text = JSON.stringify(perCall);
    for (const slug of world.dataset.artistSlugs()) expect(text).not.toContain(slug);
    for (const scene of world.catalog.scenes) expect(text).not.toContain(scene.slug);

    // An engine's own refresh reports to the radar's callback too (and to its own).
    radarWide.length = 0;
    const own: ProgressMessage[] = [];
    await radar.talent.refresh(new Date(NOW), { onProgress: (m) => own.push(m) });
    expectWellFormed(own);
    expect(own.map((m) => m.phase)).toContain('talent.features');
    expect(radarWide).toEqual(own);
    await radar.close();
  });

  it('backfill: one message per day at most, monotone, reaching every day', async () => {
    const world = createDemoWorld({ artists: 30, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(new Date(NOW));
    const got: ProgressMessage[] = [];
    const channel = listenProgress();
    const report = await radar.scenes.backfillTrends({
      from: new Date(Date.parse(NOW) - 20 * DAY),
      to: new Date(Date.parse(NOW) - DAY),
      onProgress: (m) => got.push(m),
    });
    expectWellFormed(got);
    expect(channel).toEqual(got);
    expect(new Set(got.map((m) => `${m.task} ${m.phase}`))).toEqual(new Set(['backfill days']));
    expect(got.at(-1)).toMatchObject({ done: report.days, total: report.days });
    expect(report.days).toBe(20);
    await radar.close();
  });

  it('calibrate: the examples, then the fit, each to 100%', async () => {
    const world = createDemoWorld({ artists: 40, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    const slugs = world.dataset.artistSlugs();
    const outcomes = [60, 30, 0].flatMap((d) =>
      slugs.map((artistSlug, i) => ({
        artistSlug,
        asOf: new Date(Date.parse(NOW) - (d + 30) * DAY),
        label: i % 3 === 0,
      })),
    );
    const got: ProgressMessage[] = [];
    const fit = await radar.talent.calibrate(outcomes, { folds: 2, l2: [0.01, 0.1], onProgress: (m) => got.push(m) });
    expect(fit.examples).toBeGreaterThan(10);
    expectWellFormed(got);
    const phases = byPhase(got);
    expect([...phases.keys()]).toEqual(['calibrate examples', 'calibrate fit']);
    expect(phases.get('calibrate examples')!.at(-1)!.total).toBe(outcomes.length);
    expect(phases.get('calibrate fit')!.at(-1)!.total).toBe(3); // two penalties, then the final fit
    await radar.close();
  });

  it('backtest: the cutoffs, then each scorer (its fit, then every cutoff), each to 100%', async () => {
    const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
    const slugs = world.dataset.artistSlugs();
    const cutoffs = [150, 120, 90, 60].map((d, i) => ({
      asOf: new Date(Date.parse(NOW) - d * DAY),
      split: (i < 2 ? 'train' : 'test') as 'train' | 'test',
    }));
    const got: ProgressMessage[] = [];
    const channel = listenProgress();
    const result = await runBacktest({
      name: 'progress',
      sources: world.sources,
      cutoffs,
      horizonDays: 30,
      candidates: () => slugs,
      labels: ({ candidates }) => new Map(candidates.map((s, i) => [s, i % 4 === 0])),
      scorer: {
        name: 'fitted',
        fit: async () => undefined,
        score: ({ candidates }) => new Map(candidates.map((s, i) => [s, i])),
      },
      baselines: [{ name: 'constant', score: ({ candidates }) => new Map(candidates.map((s) => [s, 1])) }],
      resamples: 20,
      onProgress: (m) => got.push(m),
    });
    expect(result.scorer?.error).toBeNull();
    expectWellFormed(got);
    expect(channel).toEqual(got);
    const phases = byPhase(got);
    expect([...phases.keys()]).toEqual(['backtest cutoffs', 'backtest constant', 'backtest fitted']);
    expect(phases.get('backtest cutoffs')!.at(-1)!.total).toBe(4);
    expect(phases.get('backtest constant')!.at(-1)!.total).toBe(4);
    expect(phases.get('backtest fitted')!.at(-1)!.total).toBe(5);
    expect(JSON.stringify(got)).not.toContain(slugs[0]!);
  });
});
