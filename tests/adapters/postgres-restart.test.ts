/**
 * Issue 14, "a restart test": one process (tests/fixtures/postgres-restart-job.ts) imports the
 * catalog, backfills a year of trends, refreshes, fits a breakout model and applies it, prints
 * what it serves and exits; a second radar, in this process, on new stores over the same schema,
 * must serve the same trends, pulses, scores, top lists, profile and applied model, without a
 * refresh of its own.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createPostgresStores } from 'scene-radar/adapters/postgres';
import { RESTART_WORLD, served } from '../fixtures/restart-world.js';
import { fileTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js';
import { tsEntry } from '../helpers/ts-entry.js';

const AT = '2026-12-20T12:00:00.000Z';
const root = fileURLToPath(new URL('../..', import.meta.url));
const database = fileTestDatabase();

/** Runs the first process to its end; resolves to what it printed. */
function firstProcess(schema: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...tsEntry('tests/fixtures/postgres-restart-job.ts'), TEST_DATABASE_URL, schema, AT],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`the first process exited with ${String(code)}: ${stderr}`));
      else resolve(JSON.parse(stdout) as Record<string, unknown>);
    });
  });
}

describe('a restart on PostgreSQL', () => {
  it('a new process serves the trends, scores and calibrated model the process before it wrote', async () => {
    const db = await database();
    const schema = db.schemaName();
    const before = await firstProcess(schema);
    expect(before.backfill).toBeGreaterThan(5 * 360);
    expect(before.model).toMatchObject({ model: { event: 'demo breakout' } });

    const stores = createPostgresStores({ pool: db.pool }, { schema });
    const world = createDemoWorld(RESTART_WORLD);
    const radar = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(new Date(AT)) });
    try {
      const { backfill: _, ...wrote } = before;
      const after = await served(radar, world);
      // Each part on its own first, so a failure names it.
      for (const key of Object.keys(wrote)) expect(after[key], key).toEqual(wrote[key]);
      const trends = after.trends as { series: unknown[] }[];
      expect(trends.every((t) => t.series.length >= 360)).toBe(true);
      expect(radar.talent.breakoutModel().event).toBe('demo breakout');
    } finally {
      await radar.close();
      await stores.close();
    }
  }, 120_000);
});
