// The runner's train/test separation and leak guards, the verdict, the result files and the CLI.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backtestMain, loadBreakoutFactory, parseBacktestArgs, UsageError, type BacktestPaths } from '../bench/backtest/cli.js';
import { LookaheadError, guardSources } from '../bench/backtest/guard.js';
import { loadHot100 } from '../bench/backtest/chart-a/load.js';
import { hot100Suite } from '../bench/backtest/chart-a/suite.js';
import { jsonSummary, readResults, renderReport } from '../bench/backtest/report.js';
import { judge, runBacktest, runScorer, type ScorerResult } from '../bench/backtest/runner.js';
import type { BacktestCutoff, BacktestScorer, BacktestSuite, ScoringCutoff } from '../bench/backtest/scorer.js';
import { BASE_CHART, BASE_EDGES, D, PROTOCOL, removeTempDirs, tempDir, writeDataset } from './backtest-fixtures.js';

afterAll(removeTempDirs);

const never = new AbortController().signal;
const suite: BacktestSuite = hot100Suite(loadHot100(writeDataset(BASE_CHART, BASE_EDGES)), PROTOCOL);
const DAY = 86_400_000;

describe('runner: train/test separation', () => {
  it('hands fit the training cutoffs only and score no labels', async () => {
    const fitted: BacktestCutoff[] = [];
    const scored: ScoringCutoff[] = [];
    let fitReadLater: unknown;
    const spy: BacktestScorer = {
      name: 'spy',
      async fit(world, train) {
        fitted.push(...train);
        // The last training cutoff is D3 with a 2-week horizon: D5 is readable, the test cutoff is not.
        await world.sources.rcf!.getEvents(['alpha'], { asOf: new Date(`${D(5)}T00:00:00Z`), from: new Date(0), signal: never });
        fitReadLater = await world.sources.rcf!.getEvents(['alpha'], { asOf: new Date(`${D(7)}T00:00:00Z`), from: new Date(0), signal: never }).catch((e: unknown) => e);
      },
      async score(_world, cutoff) {
        scored.push(cutoff);
        return new Map(cutoff.candidates.map((s, i) => [s, i]));
      },
    };
    const result = await runScorer(suite, spy, 'breakout', { resamples: 50 });
    expect(result.error).toBeNull();
    expect(fitted.map((c) => c.split)).toEqual(['train']);
    expect(fitted[0]!.labels.get('alpha')).toBe(true);
    expect(fitReadLater).toBeInstanceOf(LookaheadError);
    expect(scored.map((c) => c.split)).toEqual(['train', 'test']);
    for (const c of scored) {
      expect('labels' in c).toBe(false);
      expect(Object.isFrozen(c)).toBe(true);
      expect(Object.isFrozen(c.candidates)).toBe(true);
    }
  });

  it('keeps its own labels whatever fit does to the copies', async () => {
    const vandal: BacktestScorer = {
      name: 'vandal',
      async fit(_world, train) {
        for (const c of train) (c.labels as Map<string, boolean>).clear();
      },
      score: async (_w, c) => new Map(c.candidates.map((s) => [s, s === 'alpha' ? 1 : 0])),
    };
    const result = await runScorer(suite, vandal, 'baseline', { resamples: 50 });
    expect(result.perCutoff[0]!.auc).toBe(1);
  });

  it('fails a scorer that reads past its cutoff, and only that scorer', async () => {
    const peeker: BacktestScorer = {
      name: 'peeker',
      async score(world, cutoff) {
        await world.sources.mig!.getNetworks(cutoff.candidates, { asOf: new Date(cutoff.asOf.getTime() + DAY), signal: never });
        return new Map();
      },
    };
    const result = await runBacktest(suite, { breakout: peeker, resamples: 50 });
    expect(result.breakout?.error).toMatch(/LookaheadError: mig.getNetworks asked as of/);
    expect(result.breakout?.splits).toBeNull();
    expect(result.baselines.every((b) => b.error === null)).toBe(true);
  });

  it('ranks unscored candidates last and counts them', async () => {
    const partial: BacktestScorer = { name: 'partial', score: async () => new Map([['alpha', 1]]) };
    const result = await runScorer(suite, partial, 'baseline', { resamples: 50 });
    expect(result.perCutoff[0]).toMatchObject({ auc: 1, missing: 4 });
  });
});

describe('verdict and summaries', () => {
  const scorer = (name: string, testAuc: number | null, role: 'breakout' | 'baseline' = 'baseline'): ScorerResult => {
    const split = { meanAuc: testAuc, aucSkipped: 0, meanPAt10: 0.2, pooledAp: 0.1, cutoffs: 1, candidates: 10, positives: 1, baseRate: 0.1, intervals: { meanAuc: null, meanPAt10: null, pooledAp: null, resamples: 0, seed: 0 }, calibration: null };
    return { name, description: null, role, probabilistic: false, error: null, fitMs: 0, scoreMs: 0, perCutoff: [], splits: { train: split, test: split, all: split } };
  };
  const target = { split: 'test', minMeanAuc: 0.75 } as const;

  it('needs the floor and every baseline beaten', () => {
    expect(judge(scorer('b', 0.8, 'breakout'), [scorer('x', 0.7)], target)).toMatchObject({ met: true });
    expect(judge(scorer('b', 0.74, 'breakout'), [scorer('x', 0.7)], target).text).toMatch(/^Target NOT met: mean AUC 0.740 on the test cutoffs is below 0.75;/);
    expect(judge(scorer('b', 0.8, 'breakout'), [scorer('x', 0.81)], target).text).toMatch(/not above every baseline; the best baseline \(x\) reaches 0.810/);
  });

  it('writes null for a missing breakout score in the --json summary', async () => {
    const result = await runBacktest(suite, { resamples: 50 });
    const json = jsonSummary(result);
    expect(json.windows.train.breakout).toBeNull();
    expect(Object.keys(json.windows.test.baselines)).toEqual(['best-rank-3w', 'rank-improvement', 'weeks-on-chart-3w', 'top10-collaborators']);
    expect(json.windows.train.baselines['best-rank-3w']).toMatchObject({ auc: 1, p_at_10: 0.2 });
    expect(result.verdict).toBeNull();
    expect(renderReport([result])).toContain('No breakout scorer at this run');
  });
});

describe('CLI', () => {
  it('parses its arguments and refuses bad ones', () => {
    expect(parseBacktestArgs([])).toMatchObject({ hot100: null, json: null, demo: true });
    expect(parseBacktestArgs(['--hot100', 'd', '--json', 'o.json', '--no-demo'])).toMatchObject({ hot100: 'd', json: 'o.json', demo: false });
    expect(() => parseBacktestArgs(['--hot100'])).toThrow(UsageError);
    expect(() => parseBacktestArgs(['--json', 'o.json'])).toThrow(/--hot100/);
    expect(() => parseBacktestArgs(['--frobnicate'])).toThrow(/unknown argument/);
    expect(() => parseBacktestArgs(['--demo-artists', 'many'])).toThrow(/integer/);
  });

  const paths = (): BacktestPaths => {
    const dir = tempDir('backtest-out-');
    return { resultsDir: join(dir, 'backtests'), report: join(dir, 'backtests.md'), talentScorer: join(dir, 'talent-scorer.mjs') };
  };
  const quiet = () => {
    const lines: string[] = [];
    return { lines, io: { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) } };
  };

  it('exits 2 on bad arguments and 1 on a directory without the files', async () => {
    const { io, lines } = quiet();
    expect(await backtestMain(['--nope'], { io, paths: paths() })).toBe(2);
    expect(await backtestMain(['--no-demo', '--hot100', tempDir('empty-')], { io, paths: paths() })).toBe(1);
    expect(lines.join('\n')).toMatch(/lacks hot100_artist_weekly\.csv\.gz/);
  });

  it('reports baselines only until the breakout scorer exists, then judges it', async () => {
    const p = paths();
    const data = writeDataset(BASE_CHART, BASE_EDGES);
    const json = join(tempDir('json-'), 'summary.json');
    const first = quiet();
    expect(await backtestMain(['--no-demo', '--hot100', data, '--json', json], { io: first.io, paths: p, hot100: PROTOCOL, resamples: 50 })).toBe(0);
    expect(first.lines.join('\n')).toMatch(/does not exist yet; reporting baselines only/);
    expect(JSON.parse(readFileSync(json, 'utf8')).windows.test.breakout).toBeNull();
    expect(existsSync(join(p.resultsDir, 'chart-protocol-a.json'))).toBe(true);
    // Another backtest's earlier result stays in the report.
    writeFileSync(join(p.resultsDir, 'zz-other.json'), JSON.stringify({ ...readResults(p.resultsDir)[0], name: 'zz-other', title: 'Other backtest' }));

    writeFileSync(p.talentScorer, "export function createTalentScorer() { return { name: 'talent', probabilistic: true, score: async (_w, c) => new Map(c.candidates.map((s) => [s, s === 'alpha' || s === 'huey-piano-smith' ? 0.9 : 0.1])) }; }\n");
    const second = quiet();
    expect(await backtestMain(['--no-demo', '--hot100', data, '--json', json], { io: second.io, paths: p, hot100: PROTOCOL, resamples: 50 })).toBe(0);
    const summary = JSON.parse(readFileSync(json, 'utf8'));
    expect(summary.windows.test.breakout).toMatchObject({ auc: 1, p_at_10: 1 / 3 });
    const report = readFileSync(p.report, 'utf8');
    expect(report).toContain('**Verdict**');
    // The tiny chart is easy: the best baseline ranks perfectly too, and the verdict says so.
    expect(report).toContain('Target NOT met: mean AUC 1.000 on the test cutoffs is not above every baseline');
    expect(report).toContain('#### Calibration of talent (test cutoffs)');
    expect(report).toContain('## Other backtest');
    expect(second.lines.join('\n')).toContain('* talent');
    const third = quiet();
    expect(await backtestMain(['--no-demo', '--baselines-only', '--hot100', data, '--json', json], { io: third.io, paths: p, hot100: PROTOCOL, resamples: 50 })).toBe(0);
    expect(JSON.parse(readFileSync(json, 'utf8')).windows.test.breakout).toBeNull();
  });

  it('refuses a talent scorer module without the factory', async () => {
    const path = join(tempDir('bad-scorer-'), 'talent-scorer.mjs');
    writeFileSync(path, 'export const nothing = 1;\n');
    await expect(loadBreakoutFactory(path)).rejects.toThrow(/must export createTalentScorer/);
  });
});

describe('guardSources', () => {
  it('guards methods a class keeps on its prototype', async () => {
    class Feed {
      readonly maxBatchSize = 5;
      async getEvents(): Promise<ReadonlyMap<string, never[]>> {
        return new Map();
      }
    }
    const guarded = guardSources({ rcf: new Feed() }, new Date('2020-01-01T00:00:00Z'));
    expect(guarded.rcf?.maxBatchSize).toBe(5);
    await expect(guarded.rcf!.getEvents(['a'], { asOf: new Date('2020-01-01T00:00:00Z'), from: new Date(0), signal: never })).resolves.toEqual(new Map());
    await expect(guarded.rcf!.getEvents(['a'], { asOf: new Date('2020-01-02T00:00:00Z'), from: new Date(0), signal: never })).rejects.toBeInstanceOf(LookaheadError);
  });
});
