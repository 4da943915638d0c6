/**
 * Issue 14, "a crash test": a process killed with SIGKILL in the middle of a refresh's writes
 * leaves the previous complete refresh readable, table for table. A child process (tsEntry) refreshes
 * a demo world on a schema that holds a complete refresh; inside an engine's transaction, after
 * its first write reached the server, it says so on stdout and waits; the parent kills it there.
 * New stores on the same schema must then read exactly what the complete refresh wrote.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createPostgresStores, migrate, type PostgresStores } from 'scene-radar/adapters/postgres';
import { SCENES_TABLES, TALENT_TABLES, type Table } from 'scene-radar/stores';
import { TEST_DATABASE_URL, type TestDatabase, testDatabase } from '../helpers/postgres.js';
import { tsEntry } from '../helpers/ts-entry.js';

const FIRST = '2026-11-25T00:00:00.000Z';
const SECOND = '2026-12-20T00:00:00.000Z';
const root = fileURLToPath(new URL('../..', import.meta.url));

/** Every owned table, scanned whole, by name. */
async function snapshot(stores: PostgresStores): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const group of [stores.scenes, stores.talent])
    for (const [name, table] of Object.entries(group))
      out[name] = JSON.stringify(await (table as Table<unknown>).scan());
  return out;
}

/** Runs the refresh job until it is inside `engine`'s transaction, checks `whileHeld`, then kills it with SIGKILL. */
async function killInside(schema: string, engine: 'scenes' | 'talent', whileHeld: () => Promise<void>): Promise<void> {
  const child: ChildProcess = spawn(
    // node itself (tsEntry: this run's bundle, or tsx's loader; not the tsx CLI, which runs node as a child that SIGKILL would miss).
    process.execPath,
    [...tsEntry('tests/fixtures/postgres-refresh-job.ts'), TEST_DATABASE_URL, schema, engine, SECOND],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('IN_TRANSACTION\n')) resolve();
      });
      setTimeout(
        () => reject(new Error(`no IN_TRANSACTION from the refresh job in 30 s: ${stdout}${stderr}`)),
        30_000,
      ).unref();
      void exited.then(({ code }) =>
        reject(new Error(`the refresh job ended (code ${String(code)}) before its transaction: ${stdout}${stderr}`)),
      );
    });
    await whileHeld();
  } finally {
    child.kill('SIGKILL');
  }
  expect((await exited).signal).toBe('SIGKILL');
  expect(stdout).not.toContain('DONE');
}

let db: TestDatabase | undefined;
afterAll(async () => {
  await db?.drop();
});

describe('a refresh killed with SIGKILL in the middle of its writes', () => {
  it('leaves the previous complete refresh, table for table, to new stores on the same schema', async () => {
    db = await testDatabase();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const world = createDemoWorld({ seed: 5, artists: 60, scenes: 5, end: '2026-12-31' });

    // The last complete refresh.
    const first = createPostgresStores({ pool: db.pool }, { schema });
    const radar = createSceneRadar({ sources: world.sources, stores: first, clock: fixedClock(new Date(FIRST)) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh();
    await radar.close();
    const complete = await snapshot(first);
    for (const name of ['scenes', 'scene_memberships', 'scene_trends', 'scene_relationships', 'talent_radar_artists'])
      expect(JSON.parse(complete[name]!).length, name).toBeGreaterThan(0);

    // Killed inside the Scenes Engine's transaction: every table is as the complete refresh left it
    // (a reader saw none of the uncommitted writes while the child held them, either).
    await killInside(schema, 'scenes', async () => expect(await snapshot(first)).toEqual(complete));
    const afterScenes = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 2 }, { schema });
    try {
      expect(await snapshot(afterScenes)).toEqual(complete);
    } finally {
      await afterScenes.close();
    }

    // Killed inside the Talent Radar's transaction: the Scenes Engine's refresh had committed (one
    // transaction per engine), the talent tables are the complete refresh's.
    await killInside(schema, 'talent', async () => undefined);
    const afterTalent = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 2 }, { schema });
    try {
      const now = await snapshot(afterTalent);
      for (const name of Object.keys(TALENT_TABLES)) expect(now[name], name).toBe(complete[name]);
      expect(now.scene_trends).not.toBe(complete.scene_trends);
      expect(Object.keys(now).sort()).toEqual([...Object.keys(SCENES_TABLES), ...Object.keys(TALENT_TABLES)].sort());

      // Nothing is left locked: a new radar refreshes to completion, and its writes all land.
      const again = createSceneRadar({
        sources: world.sources,
        stores: afterTalent,
        clock: fixedClock(new Date(SECOND)),
      });
      await again.refresh();
      await again.close();
      expect((await snapshot(afterTalent)).talent_radar_artists).not.toBe(complete.talent_radar_artists);
    } finally {
      await afterTalent.close();
    }
    await first.close();
  }, 60_000);
});
