/**
 * PostgreSQL figures (issue 14's evidence), each measured side by side in one run: a full
 * `radar.refresh()` of a 10,000-artist demo world on PostgreSQL stores against the in-memory
 * default (interleaved, medians, the ratio), bulk writes of trend snapshots through the table's
 * upsert against a `COPY ... FROM STDIN` of the same rows with psql, and scene pulse and artist
 * profile read latency (warm cache and cold, p50 and p99). Needs the local server (127.0.0.1:5432,
 * trust auth, database `test`; `SCENE_RADAR_TEST_DATABASE_URL` overrides it): the suite throws if
 * it cannot be reached, and works in schemas of its own, with a random name, dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createSceneRadar, fixedClock, type SceneRadar } from 'scene-radar';
import { createPostgresStores, type PostgresStores } from 'scene-radar/adapters/postgres';
import { createDemoWorld, type DemoWorld } from 'scene-radar/adapters/memory';
import { memoryTalentStores, type TalentStores } from 'scene-radar/stores';
import { median } from '../../src/core/features/stats.js';
import { nowMs, round, type Figure } from '../harness.js';
import { bulkWriteFigures } from './postgres-bulk.js';

const END = '2026-11-24'; // last day of data; the clock stands at the midnight that ends it
const NOW = '2026-11-25T00:00:00.000Z';
const WARMUP_ARTISTS = 1_000;

/** The database the suite runs against (the tests' one). */
const BENCH_DATABASE_URL = process.env.SCENE_RADAR_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Sizes of the PostgreSQL suite (the defaults are the figures' names: 10k artists, 100k rows). */
export interface PostgresSuiteOptions {
  /** Demo artists refreshed. @default 10000 */
  readonly artists?: number;
  /** Refreshes per store (interleaved memory / PostgreSQL). @default 5 */
  readonly refreshSamples?: number;
  /** Trend rows written per bulk sample. @default 100000 */
  readonly bulkRows?: number;
  /** Bulk samples per writer (interleaved). @default 5 */
  readonly bulkSamples?: number;
  /** Reads per latency figure (cold; warm reads are 5x as many). @default 200 */
  readonly reads?: number;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** The `q`-quantile of samples (nearest rank). */
function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** Connects, or throws a clear error naming the server and how to start it. */
async function connect(): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: BENCH_DATABASE_URL, connectionTimeoutMillis: 5000, max: 10 });
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new Error(
      `bench postgres: PostgreSQL cannot be reached at ${BENCH_DATABASE_URL} (start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start): ${String(e)}`,
    );
  }
  return pool;
}

/** Which store a radar runs on. */
type Kind = 'memory' | 'postgres';

/** One radar over a fresh demo world, on the in-memory stores or on PostgreSQL in a fresh schema. */
interface Arm {
  readonly world: DemoWorld;
  readonly radar: SceneRadar;
  readonly talent: TalentStores;
  readonly stores?: PostgresStores;
}

async function openArm(artists: number, pool: pg.Pool | undefined, schema: string): Promise<Arm> {
  // Every history kept once simulated: with the default 1,000-entry LRU the two stores' runs
  // re-simulated different numbers of histories (see docs/performance.md), and the ratio measured
  // the demo world rather than the store.
  const world = createDemoWorld({ artists, end: END, historyCacheSize: artists });
  let stores: PostgresStores | undefined;
  if (pool) {
    stores = createPostgresStores({ pool }, { schema, migrate: true });
    await stores.ready();
  }
  const talent = stores?.talent ?? memoryTalentStores();
  const radar = createSceneRadar({
    sources: world.sources,
    stores: stores ?? { talent },
    clock: fixedClock(NOW),
  });
  await radar.scenes.importCatalog(world.catalog);
  return { world, radar, talent, ...(stores ? { stores } : {}) };
}

/** `radar.refresh(asOf)` as it runs (the Scenes Engine, then the Talent Radar), each part timed (s). */
async function timedRefresh(arm: Arm, artists: number): Promise<{ scenes: number; talent: number; total: number }> {
  const asOf = new Date(NOW);
  const t0 = nowMs();
  await arm.radar.scenes.refresh(asOf);
  const t1 = nowMs();
  const report = await arm.radar.talent.refresh(asOf);
  const t2 = nowMs();
  if (report.universe !== 'ok' || report.artists !== artists || report.reads.error + report.reads.timeout > 0)
    throw new Error(`bench postgres: refresh ${arm.stores ? 'on PostgreSQL' : 'in memory'}: ${JSON.stringify(report)}`);
  const tracked = await arm.talent.talent_radar_artists.count({});
  if (tracked !== report.scored) throw new Error(`bench postgres: ${tracked} rows tracked, ${report.scored} scored`);
  return { scenes: (t1 - t0) / 1000, talent: (t2 - t1) / 1000, total: (t2 - t0) / 1000 };
}

/**
 * Latencies (ms) of `read` on both radars, call by call in turn (which radar goes first
 * alternates), after `warmup` unmeasured calls on each.
 */
async function pairedLatencies(
  arms: Record<Kind, Arm>,
  n: number,
  warmup: number,
  read: (arm: Arm, i: number) => Promise<unknown>,
): Promise<Record<Kind, number[]>> {
  for (const arm of Object.values(arms)) for (let i = 0; i < warmup; i++) await read(arm, i);
  const out: Record<Kind, number[]> = { memory: [], postgres: [] };
  for (let i = 0; i < n; i++) {
    for (const kind of i % 2 ? (['postgres', 'memory'] as const) : (['memory', 'postgres'] as const)) {
      const s = nowMs();
      await read(arms[kind], i);
      out[kind].push(nowMs() - s);
    }
  }
  return out;
}

/** Scene pulse and artist profile reads on both radars: cold (`skipCache`) and warm (cached), in ms. */
async function readLatencies(arms: Record<Kind, Arm>, reads: number) {
  const { world, radar } = arms.memory;
  const scenes = (await radar.scenes.listScenes({ limit: 100 })).items.map((s) => s.slug);
  const slugs = world.dataset.artistSlugs();
  const scene = (i: number): string => scenes[i % scenes.length]!;
  const artist = (i: number): string => slugs[(i * 1_103 + 7) % slugs.length]!;
  const profile = async (arm: Arm, slug: string, skipCache: boolean): Promise<void> => {
    try {
      await arm.radar.talent.aggregator.buildArtistProfile(slug, { skipCache });
    } catch (e) {
      if ((e as { code?: string }).code !== 'TALENT_INSUFFICIENT_DATA') throw e;
    }
  };
  const warmArtists = 20;
  return {
    pulseCold: await pairedLatencies(arms, reads, 1, (arm, i) => arm.radar.scenes.pulse.getScenePulse(scene(i), true)),
    // Every scene read once first (cached by then anyway: a skipCache read stores what it computed).
    pulseWarm: await pairedLatencies(arms, 5 * reads, scenes.length, (arm, i) =>
      arm.radar.scenes.pulse.getScenePulse(scene(i)),
    ),
    profileCold: await pairedLatencies(arms, reads, 1, (arm, i) => profile(arm, artist(i), true)),
    profileWarm: await pairedLatencies(arms, 5 * reads, warmArtists, (arm, i) =>
      profile(arm, artist(i % warmArtists), false),
    ),
  };
}

async function refreshAndReadFigures(
  figures: Figure[],
  pool: pg.Pool,
  schemaOf: () => string,
  o: Required<PostgresSuiteOptions>,
): Promise<void> {
  const label = `${o.artists / 1000}k`;
  type Sample = Awaited<ReturnType<typeof timedRefresh>>;
  const samples: Record<Kind, Sample[]> = { memory: [], postgres: [] };
  const last: Partial<Record<Kind, Arm>> = {};
  const histories: Record<Kind, number[]> = { memory: [], postgres: [] };
  // Unmeasured warm-up on a small world (JIT, the server's caches): the first measured refresh
  // was otherwise up to 1.7x the next one, whichever store ran it.
  for (const kind of ['memory', 'postgres'] as const) {
    const warm = await openArm(WARMUP_ARTISTS, kind === 'postgres' ? pool : undefined, schemaOf());
    await timedRefresh(warm, WARMUP_ARTISTS);
    await warm.radar.close();
    if (warm.stores) await pool.query(`DROP SCHEMA IF EXISTS "${warm.stores.schema}" CASCADE`);
  }
  for (let i = 0; i < o.refreshSamples; i++) {
    // Alternate which store goes first, so drift in the machine's speed falls on both.
    for (const kind of i % 2 ? (['postgres', 'memory'] as const) : (['memory', 'postgres'] as const)) {
      const prev = last[kind];
      if (prev) {
        await prev.radar.close();
        if (prev.stores) await pool.query(`DROP SCHEMA IF EXISTS "${prev.stores.schema}" CASCADE`);
        delete last[kind];
      }
      gc();
      const arm = await openArm(o.artists, kind === 'postgres' ? pool : undefined, schemaOf());
      samples[kind].push(await timedRefresh(arm, o.artists));
      histories[kind].push(arm.world.stats().historiesGenerated);
      last[kind] = arm;
      process.stderr.write(
        `  refresh ${kind} ${i + 1}/${o.refreshSamples}: ${samples[kind].at(-1)!.total.toFixed(1)} s\n`,
      );
    }
  }
  for (const part of ['total', 'scenes', 'talent'] as const) {
    const mem = median(samples.memory.map((s) => s[part]));
    const pgs = median(samples.postgres.map((s) => s[part]));
    const name = part === 'total' ? 'refresh' : `${part}_refresh`;
    figures.push({ name: `postgres.${name}_${label}_demo_memory_median_s`, value: round(mem, 2) });
    figures.push({ name: `postgres.${name}_${label}_demo_postgres_median_s`, value: round(pgs, 2) });
    const ratio = pgs / mem;
    figures.push({
      name: `postgres.${name}_${label}_demo_postgres_vs_memory_x`,
      value: round(ratio, 2),
      ...(part === 'total' ? { target: '<= 1.5x', pass: ratio <= 1.5 } : {}),
    });
  }
  figures.push({ name: 'postgres.refresh_samples_per_store', value: o.refreshSamples });
  for (const kind of ['memory', 'postgres'] as const)
    figures.push({
      name: `postgres.refresh_${label}_histories_simulated_${kind}_max`,
      value: Math.max(...histories[kind]),
    });

  // Reads on the last radar of each store, after its refresh (same world, same rows), in turn.
  const r = await readLatencies(last as Record<Kind, Arm>, o.reads);
  for (const kind of ['postgres', 'memory'] as const) {
    const at = (xs: number[], q: number, unit: 'ms' | 'us'): number =>
      unit === 'us' ? round(quantile(xs, q) * 1000, 1) : round(quantile(xs, q), 2);
    const push = (what: string, xs: Record<Kind, number[]>, unit: 'ms' | 'us'): void => {
      figures.push({ name: `postgres.${what}_${kind}_p50_${unit}`, value: at(xs[kind], 0.5, unit) });
      figures.push({ name: `postgres.${what}_${kind}_p99_${unit}`, value: at(xs[kind], 0.99, unit) });
    };
    push('scene_pulse_cold', r.pulseCold, 'ms');
    push('scene_pulse_warm', r.pulseWarm, 'us');
    push('artist_profile_cold', r.profileCold, 'ms');
    push('artist_profile_warm', r.profileWarm, 'us');
  }
  for (const arm of Object.values(last)) await arm.radar.close();
}

/**
 * Runs the PostgreSQL suite. Throws if the server cannot be reached; drops every schema it made.
 * @example
 * ```ts
 * const figures = await postgresSuite({ artists: 1_000, refreshSamples: 1 }); // a quick look
 * ```
 */
export async function postgresSuite(options: PostgresSuiteOptions = {}): Promise<Figure[]> {
  const o: Required<PostgresSuiteOptions> = {
    artists: options.artists ?? 10_000,
    refreshSamples: options.refreshSamples ?? 5,
    bulkRows: options.bulkRows ?? 100_000,
    bulkSamples: options.bulkSamples ?? 5,
    reads: options.reads ?? 200,
  };
  const pool = await connect();
  const prefix = `sr_bench_${randomBytes(4).toString('hex')}`;
  const schemas: string[] = [];
  const schemaOf = (): string => {
    const name = `${prefix}_${schemas.length}`;
    schemas.push(name);
    return name;
  };
  const figures: Figure[] = [];
  try {
    await bulkWriteFigures(figures, pool, schemaOf(), o.bulkRows, o.bulkSamples, BENCH_DATABASE_URL);
    await refreshAndReadFigures(figures, pool, schemaOf, o);
  } finally {
    try {
      for (const name of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    } finally {
      await pool.end();
    }
  }
  return figures;
}
