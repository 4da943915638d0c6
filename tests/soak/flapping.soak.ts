/**
 * Issue 12's soak: the API served on loopback under steady load while every source flaps (pass,
 * reject or throw hostile values, hang, garbage, empty; a new draw per source every ~2 s) for
 * SOAK_SECONDS (default 60), with a full refresh every ~10 s. It fails on any 500 (or any other 5xx
 * than a deliberate 503 SOURCES_UNAVAILABLE / 504 timeout), a request without an answer, an answer
 * outside the envelope, an unhandled rejection or uncaught exception, a refresh that rejects with
 * anything but a SceneRadarError or does not settle, an event loop blocked too long, and a heap that
 * does not come back near its baseline once the load stops. Prints a one-line JSON summary.
 *
 *   npm run test:soak                      # 60 s
 *   SOAK_SECONDS=10 SOAK_SEED=7 npm run test:soak
 *   SOAK_LOOP_DELAY_P99_MS=250 npm run test:soak   # a wider event-loop p99 bound (a busy machine)
 */
import { createServer, type Server } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createSceneRadar, isSceneRadarError, type SceneRadarConfigInput } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createFetchHandler } from 'scene-radar/api';
import { toNodeListener } from 'scene-radar/adapters/node';
import { closeServer, listen } from '../../examples/demo-radar.js';
import { flappingSources } from './flapping-sources.js';
import { loadTargets, newTally, quantile, runLoad } from './load.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const SEED = Number(process.env.SOAK_SEED ?? 12);
const MB = 1024 * 1024;

/** `name` from the environment, a number of ms > 0, else `fallback`; anything else is refused. */
function positiveMs(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!(Number.isFinite(value) && value > 0)) throw new Error(`${name} must be a number of ms > 0, got "${text}"`);
  return value;
}

/**
 * The bounds the soak holds the SDK to, set from measured runs (2 cores, 300 artists, 60 s:
 * baseline heap 35 MB, back to 38 MB after the load and after close, peak 185-200 MB; event-loop
 * delay p99 25-45 ms, max 280-700 ms, the max always during a refresh: the in-memory sources settle
 * in microtasks, so a refresh over them does not yield to timers).
 */
const BOUNDS = {
  /** Heap after the load (settled, and after close) at most the baseline plus this (about 5x the growth seen). */
  heapSlackBytes: 15 * MB,
  /** Heap at any moment of the soak, at most this. */
  peakHeapBytes: 512 * MB,
  /**
   * Event-loop delay, ms. The p99 also counts the time the process waits for a core: CI runs the
   * soak beside the long runs and the build on 2 cores, and sets a wider p99 bound there
   * (SOAK_LOOP_DELAY_P99_MS, .ci/run says why); a stall of the SDK's own shows in both bounds.
   */
  loopDelayP99Ms: positiveMs('SOAK_LOOP_DELAY_P99_MS', 100),
  loopDelayMaxMs: 1_500,
  /** A refresh must settle within this, ms. */
  refreshMs: 30_000,
  /** Fewer requests than this per second means the load did not really run. */
  minRequestsPerSecond: 20,
};

// Short source timeouts and TTLs, and no stale grace, so that requests keep reaching the sources.
const SOURCE = { timeoutMs: 400 };
const CONFIG: SceneRadarConfigInput = {
  sources: {
    mig: SOURCE,
    cmg: SOURCE,
    fusion: SOURCE,
    coverage: SOURCE,
    rcf: SOURCE,
    identityKernel: SOURCE,
    scenes: SOURCE,
    workspaces: SOURCE,
  },
  scenes: {
    scenePulseTtlMs: 1_500,
    globalPulseTtlMs: 2_000,
    degradedTtlMs: 500,
    scenePulseTimeoutMs: 3_000,
    globalPulseTimeoutMs: 6_000,
    recommendationsTtlMs: 2_000,
  },
  talent: { globalPulseTtlMs: 2_000, artistProfileTtlMs: 1_500, signalTimeoutMs: 3_000, globalPulseTimeoutMs: 6_000 },
  cache: { staleGraceMs: 0 },
};
const OPERATOR: readonly [string, string] = ['x-soak-operator', 'yes'];

const gc = (globalThis as { gc?: () => void }).gc;

/** Heap used after full collections (and a pause for finalisers and timers in between). */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc?.();
    await sleep(50);
  }
  return process.memoryUsage().heapUsed;
}

const mb = (bytes: number): number => Math.round((bytes / MB) * 10) / 10;
const ms = (ns: number): number => Math.round(ns / 1e5) / 10;

describe('soak: the API under load while every source flaps', () => {
  it(`serves ${SECONDS} s of load with no 500, no unhandled rejection, no hang and the heap back near its baseline`, async () => {
    expect(Number.isFinite(SECONDS) && SECONDS > 0, 'SOAK_SECONDS must be a positive number').toBe(true);
    expect(typeof gc, 'run with --expose-gc: npm run test:soak').toBe('function');

    const unhandled: string[] = [];
    const uncaught: string[] = [];
    const describeValue = (value: unknown): string => {
      try {
        return value instanceof Error ? `${value.name}: ${value.message}` : String(value);
      } catch {
        return '<unprintable>';
      }
    };
    const onUnhandled = (reason: unknown): void => void unhandled.push(describeValue(reason));
    const onUncaught = (error: unknown): void => void uncaught.push(describeValue(error));
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUncaught);
    // Causes of the 500s, as `onError` hooks of the handler and of the Node glue see them.
    const internalErrors: Record<string, number> = {};
    const onError = (error: unknown): void => {
      const key = describeValue(error).slice(0, 200);
      if (key in internalErrors || Object.keys(internalErrors).length < 10)
        internalErrors[key] = (internalErrors[key] ?? 0) + 1;
    };

    let server: Server | undefined;
    const world = createDemoWorld({ artists: 300 });
    const flapping = flappingSources(world.sources, SEED);
    const radar = createSceneRadar({ sources: flapping.sources, config: CONFIG });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh();
      const handler = createFetchHandler(radar, {
        allowSkipCache: (request) => request.headers.get(OPERATOR[0]) === OPERATOR[1],
        onError,
      });
      server = createServer(toNodeListener(handler, { onError }));
      const origin = await listen(server, 0, '127.0.0.1');

      const probe = { asOf: new Date(), signal: new AbortController().signal };
      const artists = (await world.sources.mig.listArtists({ cursor: null, limit: 12 }, probe)).items.map(
        (a) => a.slug,
      );
      const targets = loadTargets({
        scenes: (await radar.scenes.listScenes({ limit: 8 })).items.map((s) => s.slug),
        regions: [...new Set(world.catalog.scenes.map((s) => s.region))].slice(0, 6),
        artists,
        workspaces: world.workspaces.map((w) => w.id),
        microgenres: world.catalog.microgenres.slice(0, 3).map((m) => m.slug),
      });

      // Warm-up: every target once from the cache and once recomputed, sources calm; then the baseline.
      const tally = newTally(Math.ceil(SECONDS * 2_000));
      const warm = newTally(1);
      for (const target of targets) {
        for (const bypass of [false, true]) {
          const res = await fetch(
            origin +
              target.path +
              (bypass && target.bypassable ? `${target.path.includes('?') ? '&' : '?'}skipCache=true` : ''),
            { headers: { [OPERATOR[0]]: OPERATOR[1] } },
          );
          warm.statuses[res.status] = (warm.statuses[res.status] ?? 0) + 1;
          await res.arrayBuffer();
        }
      }
      const baseline = await settledHeap();

      // The soak.
      const loop = monitorEventLoopDelay({ resolution: 10 });
      let peakHeap = baseline;
      let peakRss = process.memoryUsage().rss;
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        peakHeap = Math.max(peakHeap, m.heapUsed);
        peakRss = Math.max(peakRss, m.rss);
      }, 250);
      const refreshes = {
        started: 0,
        settled: 0,
        rejected: [] as string[],
        durationsMs: [] as number[],
        universe: [] as string[],
      };
      let refreshing: Promise<void> | undefined;
      const refreshTimer = setInterval(() => {
        if (refreshing) return;
        refreshes.started++;
        const started = performance.now();
        refreshing = radar
          .refresh()
          .then(
            (report) =>
              void refreshes.universe.push(
                `scenes ${report.scenes.memberships.universe}, talent ${report.talent.universe}`,
              ),
            (error: unknown) =>
              void refreshes.rejected.push(
                `${isSceneRadarError(error) ? error.code : 'not a SceneRadarError'}: ${describeValue(error).slice(0, 200)}`,
              ),
          )
          .finally(() => {
            refreshes.settled++;
            refreshes.durationsMs.push(Math.round(performance.now() - started));
            refreshing = undefined;
          });
      }, 10_000);
      loop.enable();
      flapping.start(2_000);
      const soakStart = performance.now();
      await runLoad({
        origin,
        targets,
        loops: 4,
        until: soakStart + SECONDS * 1_000,
        bypassShare: 0.3,
        operatorHeader: OPERATOR,
        clientTimeoutMs: 15_000,
        seed: SEED,
        tally,
      });
      const soakMs = performance.now() - soakStart;
      loop.disable();
      clearInterval(refreshTimer);
      flapping.calm();
      const lastRefresh = refreshing as Promise<void> | undefined;
      const refreshHung =
        lastRefresh !== undefined &&
        (await Promise.race([lastRefresh.then(() => false), sleep(BOUNDS.refreshMs).then(() => true)]));
      clearInterval(sampler);

      // Cool-down: calls that hung have timed out after the source timeout; then measure, close, measure.
      await sleep(1_500);
      const settled = await settledHeap();
      await closeServer(server);
      server = undefined;
      await radar.close();
      const closed = await settledHeap();

      const bound = baseline + BOUNDS.heapSlackBytes;
      const latencies = tally.latencies.subarray(0, tally.answered);
      const summary = {
        seconds: Math.round(soakMs / 100) / 10,
        seed: SEED,
        requests: tally.requests,
        requestsPerSecond: Math.round(tally.requests / (soakMs / 1_000)),
        statuses: tally.statuses,
        errors: tally.errors,
        serverErrors: tally.serverErrors,
        noAnswer: tally.noAnswer,
        badEnvelopes: tally.badEnvelopes,
        internalErrors,
        bypass: { asked: tally.bypassAsked, allowed: tally.bypassAllowed },
        latencyMs: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: quantile(latencies, 1) },
        unhandledRejections: unhandled.length,
        uncaughtExceptions: uncaught.length,
        refreshes: { ...refreshes, hung: refreshHung },
        flapModes: flapping.modeCounts,
        sourceCalls: [...flapping.calls.values()].reduce((a, b) => a + b, 0),
        heapMb: {
          baseline: mb(baseline),
          peak: mb(peakHeap),
          settled: mb(settled),
          afterClose: mb(closed),
          bound: mb(bound),
        },
        peakRssMb: mb(peakRss),
        eventLoopDelayMs: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) },
        warmup: warm.statuses,
      };
      process.stdout.write(`SOAK_SUMMARY ${JSON.stringify(summary)}\n`);

      const failures: string[] = [];
      const check = (ok: boolean, what: string): void => void (ok || failures.push(what));
      const unexpected5xx = Object.entries(tally.serverErrors).filter(
        ([key]) => !/^503 \S+ SOURCES_UNAVAILABLE$/.test(key) && !/^504 \S+ (SCENES|TALENT)_TIMEOUT$/.test(key),
      );
      check(
        unexpected5xx.length === 0,
        `5xx other than 503 SOURCES_UNAVAILABLE / 504 timeouts: ${JSON.stringify(Object.fromEntries(unexpected5xx))}; causes: ${JSON.stringify(internalErrors)}`,
      );
      check(tally.noAnswer.count === 0, `requests without an answer: ${JSON.stringify(tally.noAnswer)}`);
      check(tally.badEnvelopes.count === 0, `answers outside the envelope: ${JSON.stringify(tally.badEnvelopes)}`);
      check(unhandled.length === 0, `unhandled rejections: ${JSON.stringify(unhandled.slice(0, 5))}`);
      check(uncaught.length === 0, `uncaught exceptions: ${JSON.stringify(uncaught.slice(0, 5))}`);
      check(tally.requests >= SECONDS * BOUNDS.minRequestsPerSecond, `only ${tally.requests} requests in ${SECONDS} s`);
      check(
        !refreshHung && refreshes.rejected.every((r) => !r.startsWith('not a SceneRadarError')),
        `refreshes: ${JSON.stringify({ ...refreshes, hung: refreshHung })}`,
      );
      check(SECONDS < 20 || refreshes.settled >= 1, 'no refresh ran during the soak');
      check(
        Object.keys(warm.statuses).every((status) => status === '200'),
        `warm-up answers were not all 200: ${JSON.stringify(warm.statuses)}`,
      );
      check(peakHeap <= BOUNDS.peakHeapBytes, `peak heap ${mb(peakHeap)} MB > ${mb(BOUNDS.peakHeapBytes)} MB`);
      check(
        settled <= bound,
        `heap after the load ${mb(settled)} MB > bound ${mb(bound)} MB (baseline ${mb(baseline)} MB)`,
      );
      check(closed <= bound, `heap after close ${mb(closed)} MB > bound ${mb(bound)} MB (baseline ${mb(baseline)} MB)`);
      check(
        ms(loop.percentile(99)) <= BOUNDS.loopDelayP99Ms,
        `event-loop delay p99 ${ms(loop.percentile(99))} ms > ${BOUNDS.loopDelayP99Ms} ms`,
      );
      check(
        ms(loop.max) <= BOUNDS.loopDelayMaxMs,
        `event-loop delay max ${ms(loop.max)} ms > ${BOUNDS.loopDelayMaxMs} ms`,
      );
      expect(failures).toEqual([]);
    } finally {
      flapping.calm();
      if (server) await closeServer(server);
      await radar.close();
      process.off('unhandledRejection', onUnhandled);
      process.off('uncaughtException', onUncaught);
    }
  });
});
