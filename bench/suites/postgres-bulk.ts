/**
 * Bulk writes of trend snapshots on PostgreSQL (part of the `postgres` suite): `scene_trends` rows
 * through the stores' `upsert` (validation, one row per key, multi-row statements in one
 * transaction) against `COPY ... FROM STDIN` of the same rows as CSV through psql, interleaved,
 * each into an empty table; then the same upsert over the rows already there (every row a
 * conflict update), as a refresh rewrites its snapshots.
 */
import { spawn } from 'node:child_process';
import type pg from 'pg';
import { createPostgresStores } from 'scene-radar/adapters/postgres';
import type { SceneTrendRow } from 'scene-radar/stores';
import { median } from '../../src/core/features/stats.js';
import { addDays } from '../../src/core/time.js';
import { nowMs, rng, round, type Figure } from '../harness.js';

/** psql, as the issue asks (the PostgreSQL client tools of the machine). */
const PSQL = process.env.SCENE_RADAR_BENCH_PSQL ?? '/usr/bin/psql';
const STAGES = ['emerging', 'growing', 'peaking', 'cooling'] as const;
const COLUMNS = [
  'scene_slug',
  'day',
  'heat',
  'growth',
  'stage',
  'active_members',
  'new_members',
  'rising_members',
  'as_of',
] as const;

/** `n` trend rows: scenes of 1,000 days each, seeded, valid for `SceneTrendRowSchema`. */
export function trendRows(n: number, seed = 14): SceneTrendRow[] {
  const r = rng(seed);
  const days = 1000;
  const rows: SceneTrendRow[] = [];
  for (let i = 0; i < n; i++) {
    const day = addDays('2024-02-28', i % days);
    rows.push({
      scene_slug: `bench-scene-${Math.floor(i / days)}`,
      day,
      heat: r() * 100,
      growth: r() - 0.4,
      stage: STAGES[Math.floor(r() * 4)]!,
      active_members: Math.floor(r() * 500),
      new_members: Math.floor(r() * 20),
      rising_members: Math.floor(r() * 30),
      as_of: `${addDays(day, 1)}T00:00:00.000Z`,
    });
  }
  return rows;
}

/** The rows as CSV (no value holds a comma, quote or newline). */
function toCsv(rows: readonly SceneTrendRow[]): string {
  return `${rows.map((row) => COLUMNS.map((c) => String(row[c])).join(',')).join('\n')}\n`;
}

/** Runs psql with `args`, `input` on stdin; resolves with the wall time (ms) from spawn to exit. */
function psql(url: string, args: readonly string[], input: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const child = spawn(PSQL, [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => reject(new Error(`bench postgres: cannot run ${PSQL}: ${e.message}`)));
    child.on('close', (code) => {
      const ms = nowMs() - t0;
      if (code === 0) resolve(ms);
      else reject(new Error(`bench postgres: psql exited with ${code}: ${stderr.trim()}`));
    });
    child.stdin.end(input);
  });
}

/**
 * Pushes the bulk-write figures: rows/s of the upsert and of psql's COPY (medians of `samples`
 * each, interleaved, into an empty table), their ratio, and the upsert over existing rows.
 */
export async function bulkWriteFigures(
  figures: Figure[],
  pool: pg.Pool,
  schema: string,
  n: number,
  samples: number,
  url: string,
): Promise<void> {
  const stores = createPostgresStores({ pool }, { schema, migrate: true });
  await stores.ready();
  const table = stores.scenes.scene_trends;
  const qualified = `"${schema}"."scene_trends"`;
  const rows = trendRows(n);
  const csv = toCsv(rows);
  const copy = `COPY ${qualified} (${COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT csv)`;
  const empty = async (): Promise<void> => {
    await pool.query(`TRUNCATE ${qualified}`);
  };
  const check = async (what: string): Promise<void> => {
    const { rows: got } = await pool.query(`SELECT count(*)::int AS n FROM ${qualified}`);
    if (got[0]?.n !== n) throw new Error(`bench postgres: ${what} left ${String(got[0]?.n)} rows, not ${n}`);
  };

  // psql's own start (connect, run nothing): part of every COPY sample below.
  const startup: number[] = [];
  for (let i = 0; i < 5; i++) startup.push(await psql(url, ['-c', 'SELECT 1'], ''));

  const upsertMs: number[] = [];
  const copyMs: number[] = [];
  const updateMs: number[] = [];
  // One unmeasured round of each (JIT, the server's caches).
  await empty();
  await table.upsert(rows);
  await empty();
  await psql(url, ['-c', copy], csv);
  for (let i = 0; i < samples; i++) {
    for (const kind of i % 2 ? (['copy', 'upsert'] as const) : (['upsert', 'copy'] as const)) {
      await empty();
      if (kind === 'copy') copyMs.push(await psql(url, ['-c', copy], csv));
      else {
        const t0 = nowMs();
        await table.upsert(rows);
        upsertMs.push(nowMs() - t0);
      }
      await check(kind);
    }
    // The table now holds every row: the same upsert again updates each one.
    const t0 = nowMs();
    await table.upsert(rows);
    updateMs.push(nowMs() - t0);
    await check('upsert over existing rows');
  }
  await stores.close();

  const label = n % 1000 === 0 ? `${n / 1000}k` : String(n);
  const perS = (ms: number): number => Math.round((n * 1000) / ms);
  const upsert = perS(median(upsertMs));
  const copied = perS(median(copyMs));
  figures.push({ name: `postgres.trends_upsert_${label}_rows_per_s`, value: upsert });
  figures.push({ name: `postgres.trends_copy_psql_${label}_rows_per_s`, value: copied });
  figures.push({ name: `postgres.trends_copy_vs_upsert_x`, value: round(copied / upsert, 2) });
  figures.push({ name: `postgres.trends_upsert_${label}_median_ms`, value: round(median(upsertMs), 1) });
  figures.push({ name: `postgres.trends_copy_psql_${label}_median_ms`, value: round(median(copyMs), 1) });
  figures.push({ name: 'postgres.psql_startup_median_ms', value: round(median(startup), 1) });
  figures.push({ name: `postgres.trends_upsert_existing_${label}_rows_per_s`, value: perS(median(updateMs)) });
}
