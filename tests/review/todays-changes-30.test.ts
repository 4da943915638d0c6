/**
 * Review of the day's changes 30: c067bd6 (review 29's fixes). src/talent/talent-radar.ts:
 * `storedRefreshId` reads a `last-refresh` row's id off the raw row; `#loadState` records the row
 * it drops (`dropped`, then `#unreadableId`) by that raw id, and `#finish`'s commit check compares
 * the raw stored id with `job.id`, `job.basis` and `job.replaces` (readable or not). src/cli/commands.ts
 * `checkOutFile`: the folder looked at as typed (`dirname(file)`), a stat error read as no folder.
 * src/cli/backtest.ts: the ">600 cutoffs" message names where each end came from. ui/styles.ts:
 * `overflow-wrap: break-word`. Read: the diff, `#loadState`, `refresh`/`#refresh`, `finishRefresh`/
 * `#finishStaged`, `#finish` (the transaction and the non-transaction path), `planDiscarded`,
 * TalentStateRowSchema (value is always a JSON object), the tests the commit touched
 * (tests/browser/todays-changes-29.browser.ts, tests/hostile/hostile-cli.test.ts).
 *
 * Findings. Tests named "FAULT" failed 3 runs in a row on the code as reviewed (fixed in the same
 * commit: a stored row without a string id is keyed by its write time, `storedRefreshKey`, so it is a
 * conflict too; `--out` names its folder as typed, and one that is a file "is not a folder"):
 *  1. FAULT (minor): `--out <dir>/missing/../x.json` is now refused before the work (good), but the
 *     message names `resolve(folder)` (src/cli/commands.ts:377), and resolve() collapses the `..`
 *     the check just refused to collapse: it says "the folder <dir> does not exist" of a folder that
 *     exists. Fix: name the folder as typed (`dirname(file)`), e.g. "the folder <dir>/missing/.. does
 *     not exist" (or resolve only when the typed folder has no `..`). Likewise a path through a file
 *     (`f.txt/x.json`, ENOTDIR) says "does not exist" of something that is a file (noted, not a FAULT).
 *  2. FAULT (minor): the CHANGELOG says "a row this version cannot read at all is a conflict too, not
 *     overwritten", docs comment "a row committed later by another instance is a conflict, readable
 *     or not". A row committed meanwhile whose `id` is not a string (a number, or no id: a newer
 *     version's shape) gives `storedRefreshId` null (talent-radar.ts:2216-2220), and the check
 *     (:1875-1882) is skipped on `storedId !== null`: the first attempt overwrites it, never
 *     computed again. Fix: when the stored row has no string id, tell it from the dropped one by
 *     something else of the raw row (e.g. record the dropped row's `updated_at` + id, or a digest of
 *     its value, and call any other row a conflict); or call an id-less row a conflict unless the
 *     state read dropped an id-less row with the same `updated_at`.
 *
 * Held (normal tests): a newer version's refresh committed meanwhile whose OUTLINE is unreadable is
 * now a conflict, computed again, replaced (the commit's fix); a first refresh on empty stores
 * (basis null, no stored row) resolves without a conflict; two radars in one process on the same
 * memory stores, both past their state read before either commits (with an unreadable row stored
 * first), both resolve, exactly one computes again, and the row left is readable; a sharded finish
 * over a row that became unreadable meanwhile (new id) is a conflict, the finish retried (two commits
 * after the shard scan), the row replaced by the plan's id (the host logger given to createSceneRadar
 * did not receive CONFLICT_RETRY_LOG for that finishRefresh retry, though it did for refresh(); not
 * followed up); a sharded finish whose refresh another (newer) worker committed
 * meanwhile in an unreadable shape (raw id === job.id, plan gone) is refused by `planDiscarded`
 * ("or another finish of it committed; this finish wrote nothing") and the row is kept (the
 * `applied` check still uses the parsed id: the message covers it, so not a fault); stores without
 * `transaction` have no conflict check at all, readable or not (the documented "table by table, as
 * it always did": the commit's rule is transaction-only, as before it). CLI: relative `--out`
 * (through `..`), `--out src` / `--out ./src` (dirname '.') reach the "is a folder" check;
 * `--out ~/x.json` is not expanded (usage error naming the folder ~ as typed); a symlinked folder is followed
 * (written), a dangling one is a usage error; `<missing>/../x.json` and `<file>/x.json` are usage
 * errors before any work. backtest: with `--from` over data with a 9999 typo the message says
 * "--from and the horizon before the last event".
 * Not testable here: a folder without write permission (the review ran as root: the write succeeds,
 * the test records that; as another user checkOutFile does not look at writability, so a read-only
 * folder still fails after the work, pre-existing); EACCES on the stat would read as "does not
 * exist". Read, not tested: an unreadable stored row whose raw id equals `job.basis` is overwritten
 * without a conflict (the same as before the change; ids are per-refresh UUIDs, so only a row
 * rewritten in place under the same id would do it). ui/styles.ts `break-word` (h2/h3/li/p): does
 * not lower min-content widths, so a 256-character unbroken name in a flex or grid item that keeps
 * `min-width: auto` can again widen its box (hostile review 150's sideways scroll); needs a browser
 * run (tests/browser), not checked here.
 */
import { randomUUID } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createDemoWorld, createMemoryStores } from '../../adapters/memory/index.js';
import { runCli } from '../../src/cli/index.js';
import { CONFLICT_RETRY_LOG } from '../../src/core/refresh-order.js';
import {
  createSceneRadar,
  fixedClock,
  isSceneRadarError,
  type SceneRadar,
  type SceneRadarSources,
} from '../../src/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/backtest-data');
const dir = mkdtempSync(join(tmpdir(), 'todays-changes-30-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(args: readonly string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.filter((l) => !l.startsWith('progress: ')).join('\n') };
}

// ---------------------------------------------------------------------------------------------
// The Talent refresh and the stored row's raw id.

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ seed: 11, artists: 20, scenes: 3, end: '2026-11-24' });
type Stores = ReturnType<typeof createMemoryStores>;
const radars: SceneRadar[] = [];
afterEach(async () => {
  for (const r of radars.splice(0)) await r.close().catch(() => undefined);
});

const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'resolved',
    (e: unknown) => (isSceneRadarError(e) ? `${e.code}: ${e.message}` : `raw ${String(e)}`),
  );

/** Sources whose next Fusion engagement read first runs `hook.run` (once). */
function gatedSources(hook: { run: (() => Promise<void>) | null }, base: SceneRadarSources = world.sources) {
  const fusion = base.fusion!;
  return {
    ...base,
    fusion: {
      ...fusion,
      getEngagement: async (slugs: readonly string[], o: Parameters<typeof fusion.getEngagement>[1]) => {
        const h = hook.run;
        if (h) {
          hook.run = null;
          await h();
        }
        return fusion.getEngagement(slugs, o);
      },
    },
  } as SceneRadarSources;
}

async function radarOn(sources: SceneRadarSources, stores: Stores, logs?: string[]) {
  const log = (msg?: string) => logs?.push(msg ?? '');
  const radar = createSceneRadar({
    sources,
    stores,
    clock: fixedClock(NOW),
    ...(logs
      ? {
          logger: {
            info: (_o: Record<string, unknown>, m?: string) => log(m),
            warn: (_o: Record<string, unknown>, m?: string) => log(m),
            error: (_o: Record<string, unknown>, m?: string) => log(m),
          },
        }
      : {}),
  });
  radars.push(radar);
  await radar.scenes.importCatalog(world.catalog);
  return radar;
}

type Value = Record<string, unknown>;
/** Peers in a shape this version cannot read (a newer version's). */
const newerPeers = (v: Value): Value => ({ ...v, peers: { ...(v.peers as Value), format: 2, bands: { v2: true } } });
/** An outline this version cannot read: `failedReads` in a newer shape. */
const newerOutline = (v: Value): Value => ({ ...v, failedReads: { fusion: { artists: 1, shards: [0] } } });

const lastRow = async (stores: Stores) => (await stores.talent.talent_radar_state.get({ name: 'last-refresh' }))!;

/**
 * Radar A refreshes as of NOW; on its second refresh, while it reads its sources, "instance B"
 * commits another refresh: a copy of the stored row under a new id, edited by `edit`.
 */
async function race(edit: (v: Value) => Value, stores: Stores = createMemoryStores()) {
  const hook: { run: (() => Promise<void>) | null } = { run: null };
  const logs: string[] = [];
  const a = await radarOn(gatedSources(hook), stores, logs);
  await a.talent.refresh(NOW);
  const row = await lastRow(stores);
  const b = edit({ ...(structuredClone(row.value) as Value), id: randomUUID() });
  hook.run = async () => {
    await stores.talent.talent_radar_state.upsert([{ ...row, value: b as never }]);
  };
  logs.length = 0;
  const ended = await outcome(a.talent.refresh(NOW));
  expect(hook.run).toBe(null);
  const stored = (await lastRow(stores)).value as Value;
  return { ended, retried: logs.includes(CONFLICT_RETRY_LOG), replaced: JSON.stringify(stored) !== JSON.stringify(b) };
}

const noTx = (): Stores => {
  const s = createMemoryStores();
  const { transaction: _t, ...talent } = s.talent as typeof s.talent & { transaction?: unknown };
  return { ...s, talent: talent as typeof s.talent };
};

describe('c067bd6: the conflict check by the raw stored id', () => {
  it("held: a newer version's refresh committed meanwhile whose OUTLINE is unreadable is a conflict, computed again, then replaced", async () => {
    expect(await race(newerOutline)).toEqual({ ended: 'resolved', retried: true, replaced: true });
  });

  it('held: a first refresh on empty stores (basis null, no stored row) resolves without a conflict', async () => {
    const stores = createMemoryStores();
    const logs: string[] = [];
    const a = await radarOn(world.sources, stores, logs);
    expect(await outcome(a.talent.refresh(NOW))).toBe('resolved');
    expect(logs).not.toContain(CONFLICT_RETRY_LOG);
    expect(typeof ((await lastRow(stores)).value as Value).id).toBe('string');
  });

  it('FAULT: a row committed meanwhile whose id is a NUMBER (unreadable: a newer shape) is overwritten by the first attempt, never computed again (storedRefreshId null skips the check, talent-radar.ts:1875-1882)', async () => {
    expect(await race((v) => newerPeers({ ...v, id: 42 }))).toEqual({
      ended: 'resolved',
      retried: true,
      replaced: true,
    });
  });

  it('FAULT: a row committed meanwhile WITHOUT an id is overwritten by the first attempt, never computed again', async () => {
    expect(
      await race((v) => {
        const { id: _id, ...rest } = v;
        return rest;
      }),
    ).toEqual({ ended: 'resolved', retried: true, replaced: true });
  });

  it('held: two radars in one process on the same memory stores, both past their state read (an unreadable row stored first), both resolve; exactly one computes again; the row left is readable', async () => {
    const stores = createMemoryStores();
    const seed = await radarOn(world.sources, stores);
    await seed.talent.refresh(NOW);
    const row = await lastRow(stores);
    const unreadable = newerOutline({ ...(structuredClone(row.value) as Value), id: randomUUID() });
    await stores.talent.talent_radar_state.upsert([{ ...row, value: unreadable as never }]);
    // A barrier: neither reads its sources (so neither commits) before both have read the state.
    let arrived = 0;
    let open!: () => void;
    const barrier = new Promise<void>((r) => (open = r));
    const gate = async () => {
      if (++arrived === 2) open();
      await barrier;
    };
    const hookA = { run: gate as (() => Promise<void>) | null };
    const hookB = { run: gate as (() => Promise<void>) | null };
    const logsA: string[] = [];
    const logsB: string[] = [];
    const a = await radarOn(gatedSources(hookA), stores, logsA);
    const b = await radarOn(gatedSources(hookB), stores, logsB);
    const ends = await Promise.all([outcome(a.talent.refresh(NOW)), outcome(b.talent.refresh(NOW))]);
    expect(ends).toEqual(['resolved', 'resolved']);
    expect([logsA.includes(CONFLICT_RETRY_LOG), logsB.includes(CONFLICT_RETRY_LOG)].filter(Boolean)).toHaveLength(1);
    const left = (await lastRow(stores)).value as Value;
    expect(left.id).not.toBe(unreadable.id);
    await expect(a.talent.loadState({ force: true })).resolves.toBeUndefined();
    await expect(b.talent.loadState({ force: true })).resolves.toBeUndefined();
  });

  /** A sharded refresh of `stores` planned and staged; `onScan` runs once after the finish's first shard scan. */
  async function stagedFinish(stores: Stores, onScan: (planId: string) => Promise<void>) {
    const seed = await radarOn(world.sources, stores);
    await seed.talent.refresh(NOW);
    const logs: string[] = [];
    const t = stores.talent.talent_radar_refresh_shards;
    let once = true;
    const shards = new Proxy(t, {
      get(target, p) {
        if (p === 'scan')
          return async (...args: Parameters<typeof t.scan>) => {
            const rows = await target.scan(...args);
            if (once) {
              once = false;
              await onScan(planId);
            }
            return rows;
          };
        const v = Reflect.get(target, p) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    // The finish's commits counted (after the shard scan): a conflict is a second one.
    const tx0 = stores.talent.transaction!.bind(stores.talent);
    let commits = 0;
    const transaction = ((fn: Parameters<typeof tx0>[0]) => {
      if (!once) commits++;
      return tx0(fn);
    }) as typeof tx0;
    const wrapped = {
      ...stores,
      talent: { ...stores.talent, talent_radar_refresh_shards: shards, transaction },
    } as Stores;
    const a = await radarOn(world.sources, wrapped, logs);
    const plan = await a.talent.planRefresh(NOW);
    const planId = plan.refreshId;
    await a.talent.refreshShard({ refreshId: plan.refreshId, asOf: plan.asOf, index: 0, artists: plan.artists });
    const ended = await outcome(a.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 }));
    return { ended, logs, planId, commits };
  }

  it('held: a sharded finish over a row that became unreadable meanwhile (a new id) is a conflict, retried, and the row replaced by the plan', async () => {
    const stores = createMemoryStores();
    const { ended, commits, planId } = await stagedFinish(stores, async () => {
      const row = await lastRow(stores);
      const unreadable = newerOutline({ ...(structuredClone(row.value) as Value), id: randomUUID() });
      await stores.talent.talent_radar_state.upsert([{ ...row, value: unreadable as never }]);
    });
    expect(ended).toBe('resolved');
    // The first commit met the row (a conflict, nothing written); the retry's read dropped it.
    expect(commits).toBe(2);
    expect(((await lastRow(stores)).value as Value).id).toBe(planId);
  });

  it("held: a sharded finish whose refresh a newer worker committed meanwhile (unreadable, raw id = plan id, plan gone) says its plan went 'or another finish of it committed', and keeps the row", async () => {
    const stores = createMemoryStores();
    let theirs: Value | null = null;
    const { ended, planId } = await stagedFinish(stores, async (id) => {
      const row = await lastRow(stores);
      theirs = newerOutline({ ...(structuredClone(row.value) as Value), id });
      await stores.talent.talent_radar_state.upsert([{ ...row, value: theirs as never }]);
      await stores.talent.talent_radar_state.delete([{ name: `refresh-plan-${id}` }]);
    });
    expect(ended).toMatch(
      /^TALENT_INVALID_PARAMS: Refresh .*another finish of it committed\); this finish wrote nothing/,
    );
    expect(ended).toContain(planId);
    expect((await lastRow(stores)).value).toEqual(theirs);
  });

  it('held (documented limit): stores without `transaction` check no conflict at all: a readable and an unreadable refresh committed meanwhile are both overwritten at once', async () => {
    expect(await race((v) => v, noTx())).toEqual({ ended: 'resolved', retried: false, replaced: true });
    expect(await race(newerOutline, noTx())).toEqual({ ended: 'resolved', retried: false, replaced: true });
  });
});

// ---------------------------------------------------------------------------------------------
// checkOutFile: the folder as typed.

describe('c067bd6: --out looks at its folder as typed', () => {
  it('FAULT: `--out <dir>/missing/../x.json` is refused, but the message names <dir> (resolved), a folder that exists, as missing (commands.ts:377)', async () => {
    const run = await cli(['openapi', '--out', `${join(dir, 'missing')}/../x.json`]);
    expect(run.code).toBe(2);
    expect(run.err).not.toContain(`the folder ${dir} does not exist`);
    expect(run.err).toContain('missing');
  });

  it('held: `--out <dir>/missing/../x.json` and `--out <file>/x.json` are usage mistakes before any work (nothing written)', async () => {
    const viaMissing = await cli(['openapi', '--out', `${join(dir, 'missing')}/../a.json`]);
    expect(viaMissing.code).toBe(2);
    expect(viaMissing.err).toMatch(/--out: the folder .* does not exist/);
    expect(existsSync(join(dir, 'a.json'))).toBe(false);
    writeFileSync(join(dir, 'f.txt'), 'x');
    const viaFile = await cli(['openapi', '--out', join(dir, 'f.txt', 'b.json')]);
    expect(viaFile.code).toBe(2);
    expect(viaFile.err).toMatch(/--out: .*f\.txt is not a folder/);
    expect(viaFile.err).not.toMatch(/ENOTDIR|ENOENT/);
  });

  it('held: a relative --out (through ..) is written; `--out src` and `--out ./src` (dirname ".") reach the "is a folder" check', async () => {
    const rel = relative(process.cwd(), join(dir, 'rel.json'));
    expect(rel.startsWith('..')).toBe(true);
    const run = await cli(['openapi', '--out', rel]);
    expect(run.code).toBe(0);
    expect(existsSync(join(dir, 'rel.json'))).toBe(true);
    expect(existsSync(join(process.cwd(), 'src'))).toBe(true);
    for (const name of ['src', './src']) {
      const r = await cli(['openapi', '--out', name]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`--out: ${name} is a folder`);
    }
  });

  it('held: `--out ~/x.json` is not expanded (no shell): a usage mistake naming the folder ~ as typed', async () => {
    expect(existsSync(join(process.cwd(), '~'))).toBe(false);
    const run = await cli(['openapi', '--out', '~/x.json']);
    expect(run.code).toBe(2);
    expect(run.err).toContain('--out: the folder ~ does not exist');
  });

  it('held: a symlinked folder is followed (written); a dangling one is a usage mistake', async () => {
    const real = join(dir, 'real');
    mkdirSync(real);
    symlinkSync(real, join(dir, 'link'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    const ok = await cli(['openapi', '--out', join(dir, 'link', 'o.json')]);
    expect(ok.code).toBe(0);
    expect(existsSync(join(real, 'o.json'))).toBe(true);
    const bad = await cli(['openapi', '--out', join(dir, 'dangling', 'o.json')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--out: the folder .*dangling does not exist/);
  });

  it('noted: a folder without write permission: as root the write succeeds (permission checks do not bite here)', async () => {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const run = await cli(['openapi', '--out', join(ro, 'o.json')]);
    if (process.getuid?.() === 0) {
      expect(run.code).toBe(0);
      expect(existsSync(join(ro, 'o.json'))).toBe(true);
    } else {
      // Not a usage mistake: checkOutFile does not look at writability; the write fails after the work.
      expect(run.code).toBe(1);
      expect(existsSync(join(ro, 'o.json'))).toBe(false);
    }
    chmodSync(ro, 0o755);
  });
});

describe('c067bd6: backtest ">600 cutoffs" message', () => {
  it('held: with --from over data with a 9999 typo the message says "--from and the horizon before the last event" (exit 1)', async () => {
    const typo = join(dir, 'typo');
    mkdirSync(typo);
    for (const f of ['artists.csv', 'events.csv']) copyFileSync(join(EXAMPLE, f), join(typo, f));
    appendFileSync(join(typo, 'events.csv'), 'lycy-draka,,radio_play,9999-01-01T00:00:00Z,1,gb\n');
    const run = await cli(['backtest', '--data', typo, '--from', '2025-01-01']);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(
      /monthly cutoffs between 2025-01-01 and .* \(--from and the horizon before the last event; at most 600\)/,
    );
  });
});
