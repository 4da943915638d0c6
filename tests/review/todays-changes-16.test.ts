/**
 * Today's changes 16: `scenes.importCatalog()` now runs in the Scenes Engine's one-at-a-time queue
 * shared with its refreshes (commit bab8088). One radar (in-memory stores, a 100-artist demo
 * world, a fixed clock) with MIG `getNetworks` (read by the Scenes refresh) held at a gate: an
 * import while a refresh runs, a refresh with a hung source (bounded by the source timeout), an
 * invalid catalog while a refresh runs, `close()` with an import queued, an import started from a
 * refresh's `onProgress` or from a source read during a refresh, `refresh -> import -> refresh`
 * chains, two imports queued, and `backfillTrends()` (outside the queue) overlapping an import.
 * Every await is bounded.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit), for the reason their name states; the others pin behaviour found correct.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createSceneRadar, fixedClock, type MIGAdapter, type SceneRadar } from '../../src/index.js';

const NOW = new Date('2026-06-12T06:00:00.000Z');

/** A door a source call waits at while it is armed. */
class Gate {
  armed = false;
  #open: () => void = () => undefined;
  #reach: () => void = () => undefined;
  opened: Promise<void> = Promise.resolve();
  reached: Promise<void> = Promise.resolve();
  arm(): void {
    this.armed = true;
    this.opened = new Promise((r) => {
      this.#open = r;
    });
    this.reached = new Promise((r) => {
      this.#reach = r;
    });
  }
  async pass(): Promise<void> {
    if (!this.armed) return;
    this.#reach();
    await this.opened;
  }
  open(): void {
    this.armed = false;
    this.#open();
  }
}

/** `p`, or a rejection naming `what` after `ms`. */
function within<T>(p: Promise<T>, what: string, ms = 8_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: ${what}`)), ms);
  });
  return Promise.race([p, hang]).finally(() => clearTimeout(timer));
}

/** The code a call settled with: `ok` when it resolved. */
const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'ok',
    (e: unknown) => String((e as { code?: unknown }).code ?? e),
  );

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const world = createDemoWorld({ artists: 100, seed: 16, end: '2026-06-30' });
const scene0 = world.catalog.scenes[0]!;
const withClone = {
  ...world.catalog,
  scenes: [...world.catalog.scenes, { ...scene0, slug: 'x-clone', name: 'X Clone' }],
};
const renamed = (name: string) => ({
  ...world.catalog,
  scenes: [{ ...scene0, name }, ...world.catalog.scenes.slice(1)],
});

interface Ctx {
  readonly radar: SceneRadar;
  readonly nets: Gate;
  /** Called (once per read) before a gated `getNetworks` read. */
  onRead?: () => Promise<void>;
}

const open: Ctx[] = [];

function setup(migTimeoutMs?: number): Ctx {
  const nets = new Gate();
  const mig = world.sources.mig;
  const ctx: { radar?: SceneRadar; nets: Gate; onRead?: () => Promise<void> } = { nets };
  const gatedMig: MIGAdapter = {
    ...mig,
    getNetworks: async (slugs, options) => {
      if (ctx.onRead) await ctx.onRead();
      await nets.pass();
      return mig.getNetworks(slugs, options);
    },
  };
  ctx.radar = createSceneRadar({
    sources: { ...world.sources, mig: gatedMig },
    clock: fixedClock(NOW),
    ...(migTimeoutMs === undefined ? {} : { config: { sources: { mig: { timeoutMs: migTimeoutMs } } } }),
  });
  const c = ctx as Ctx;
  open.push(c);
  return c;
}

afterEach(async () => {
  for (const c of open.splice(0)) {
    c.nets.open();
    await within(c.radar.close(), 'close').catch(() => undefined);
  }
});

/** A refresh started and held at the gate; `done` is its outcome (wrapped: an async function would flatten it). */
async function heldRefresh(c: Ctx): Promise<{ readonly done: Promise<string> }> {
  c.nets.arm();
  const done = within(outcome(c.radar.scenes.refresh()), 'held refresh');
  done.catch(() => undefined);
  await within(c.nets.reached, 'gate reached');
  return { done };
}

const sceneName = async (r: SceneRadar, slug: string): Promise<string> => (await r.scenes.getScene(slug)).name;

describe('importCatalog in the Scenes refresh queue', () => {
  it('an import called during a refresh waits for it, then lands', async () => {
    const c = setup();
    await within(c.radar.scenes.importCatalog(world.catalog), 'prep import');
    const { done: refresh } = await heldRefresh(c);
    let landed = false;
    const imp = within(c.radar.scenes.importCatalog(withClone), 'queued import').then((r) => {
      landed = true;
      return r;
    });
    imp.catch(() => undefined);
    await pause(50);
    expect(landed).toBe(false);
    await expect(c.radar.scenes.getScene('x-clone')).rejects.toMatchObject({ code: 'SCENES_NOT_FOUND' });
    c.nets.open();
    expect(await refresh).toBe('ok');
    await imp;
    expect(await sceneName(c.radar, 'x-clone')).toBe('X Clone');
  });

  it('FAULT: an invalid catalog called during a refresh is refused only once the refresh ends (validation queued)', async () => {
    const c = setup();
    await within(c.radar.scenes.importCatalog(world.catalog), 'prep import');
    const { done: refresh } = await heldRefresh(c);
    const bad = outcome(c.radar.scenes.importCatalog({ scenes: 'nope', microgenres: [] } as never));
    bad.catch(() => undefined);
    // Before bab8088 this rejected at once: validation reads no store and needs no queue.
    const early = await within(bad, 'validation error while a refresh runs', 500).catch((e: unknown) => String(e));
    c.nets.open();
    await refresh;
    expect(early).toBe('SCENES_VALIDATION_ERROR');
  });

  it('a refresh hung on a source ends at the source timeout, and the queued import then lands', async () => {
    const c = setup(300);
    await within(c.radar.scenes.importCatalog(world.catalog), 'prep import');
    const { done: refresh } = await heldRefresh(c); // never opened: the source hangs
    const t0 = Date.now();
    await within(c.radar.scenes.importCatalog(withClone), 'import behind hung refresh', 6_000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(await sceneName(c.radar, 'x-clone')).toBe('X Clone');
    expect(await refresh).toBe('ok'); // degraded, not failed
  });

  it('close() with an import queued behind a held refresh: the import rejects RADAR_CLOSED at once, the gate still shut', async () => {
    const c = setup();
    await within(c.radar.scenes.importCatalog(world.catalog), 'prep import');
    const { done: refresh } = await heldRefresh(c);
    const imp = outcome(c.radar.scenes.importCatalog(withClone));
    imp.catch(() => undefined);
    await pause(20);
    await within(c.radar.close(), 'close');
    const early = await within(imp, 'queued import after close', 500).catch((e: unknown) => String(e));
    const refreshEarly = await within(refresh, 'held refresh after close', 500).catch((e: unknown) => String(e));
    c.nets.open();
    expect(early).toBe('RADAR_CLOSED');
    expect(refreshEarly).toBe('RADAR_CLOSED');
  });

  it('close() with an import queued: once the refresh ends, the import rejects RADAR_CLOSED and writes nothing', async () => {
    const c = setup();
    await within(c.radar.scenes.importCatalog(world.catalog), 'prep import');
    const { done: refresh } = await heldRefresh(c);
    const imp = within(outcome(c.radar.scenes.importCatalog(withClone)), 'queued import');
    imp.catch(() => undefined);
    await pause(20);
    await within(c.radar.close(), 'close');
    c.nets.open();
    expect(await refresh).toBe('RADAR_CLOSED');
    expect(await imp).toBe('RADAR_CLOSED');
  });

  it('an import started (not awaited by the SDK) from a refresh onProgress runs after the refresh: no deadlock', async () => {
    const c = setup();
    await within(c.radar.scenes.importCatalog(world.catalog), 'prep import');
    let imp: Promise<string> | undefined;
    const report = await within(
      c.radar.scenes.refresh(undefined, {
        onProgress: () => {
          if (!imp) {
            imp = outcome(c.radar.scenes.importCatalog(withClone));
            imp.catch(() => undefined);
          }
        },
      }),
      'refresh with import in onProgress',
    );
    expect(report.memberships.memberships).toBeGreaterThan(0);
    expect(imp).toBeDefined();
    expect(await within(imp!, 'import from onProgress')).toBe('ok');
    expect(await sceneName(c.radar, 'x-clone')).toBe('X Clone');
  });

  it('a source read that awaits importCatalog during a refresh is ended by the source timeout, then both finish', async () => {
    const c = setup(300);
    await within(c.radar.scenes.importCatalog(world.catalog), 'prep import');
    let imp: Promise<string> | undefined;
    c.onRead = async () => {
      if (imp) return;
      imp = outcome(c.radar.scenes.importCatalog(withClone));
      await imp; // waits for the refresh that waits for this read
    };
    expect(await within(outcome(c.radar.scenes.refresh()), 'refresh with import in a read', 6_000)).toBe('ok');
    c.onRead = undefined;
    expect(await within(imp!, 'import from a read', 6_000)).toBe('ok');
    expect(await sceneName(c.radar, 'x-clone')).toBe('X Clone');
  });

  it('radar.refresh -> importCatalog -> radar.refresh fired together: the import runs first (radar.refresh checks both engines before it queues), all finish, the new scene is scored', async () => {
    const c = setup();
    await within(c.radar.scenes.importCatalog(world.catalog), 'prep import');
    const order: string[] = [];
    const r1 = c.radar.refresh().then(() => order.push('r1'));
    const imp = c.radar.scenes.importCatalog(withClone).then(() => order.push('imp'));
    const r2 = c.radar.refresh().then(() => order.push('r2'));
    for (const p of [r1, imp, r2]) p.catch(() => undefined);
    await within(Promise.all([r1, imp, r2]), 'chain');
    expect(order).toEqual(['imp', 'r1', 'r2']);
    const m = await c.radar.scenes.listMemberships({ sceneSlug: 'x-clone' });
    const orig = await c.radar.scenes.listMemberships({ sceneSlug: scene0.slug });
    expect(orig.items.length).toBeGreaterThan(0);
    expect(m.items.length).toBe(orig.items.length);
  });

  it('two imports queued behind a refresh land in call order (the last one wins)', async () => {
    const c = setup();
    await within(c.radar.scenes.importCatalog(world.catalog), 'prep import');
    const { done: refresh } = await heldRefresh(c);
    const a = within(outcome(c.radar.scenes.importCatalog(renamed('Renamed A'))), 'import A');
    const b = within(outcome(c.radar.scenes.importCatalog(renamed('Renamed B'))), 'import B');
    a.catch(() => undefined);
    b.catch(() => undefined);
    c.nets.open();
    expect([await refresh, await a, await b]).toEqual(['ok', 'ok', 'ok']);
    expect(await sceneName(c.radar, scene0.slug)).toBe('Renamed B');
  });

  it('a failed import in the queue does not block the next refresh or import', async () => {
    const c = setup();
    await within(c.radar.scenes.importCatalog(world.catalog), 'prep import');
    const { done: refresh } = await heldRefresh(c);
    const bad = within(
      outcome(
        c.radar.scenes.importCatalog({
          ...world.catalog,
          scenes: [{ ...scene0, slug: 'x-bad', microgenres: ['no-such-genre'] }],
        }),
      ),
      'bad import',
    );
    bad.catch(() => undefined);
    const good = within(outcome(c.radar.scenes.importCatalog(withClone)), 'good import');
    good.catch(() => undefined);
    c.nets.open();
    expect([await refresh, await bad, await good]).toEqual(['ok', 'SCENES_INVALID_PARAMS', 'ok']);
    expect(await within(outcome(c.radar.scenes.refresh()), 'refresh after')).toBe('ok');
  });

  it('backfillTrends (outside the queue) overlapping an import: neither hangs nor fails, and the import lands', async () => {
    const c = setup();
    await within(c.radar.scenes.importCatalog(world.catalog), 'prep import');
    c.nets.arm();
    const back = within(
      outcome(c.radar.scenes.backfillTrends({ from: '2026-06-08', to: '2026-06-10', membershipEveryDays: 1 })),
      'backfill',
    );
    back.catch(() => undefined);
    const reached = await within(c.nets.reached, 'backfill reads networks', 2_000).then(
      () => true,
      () => false,
    );
    const imp = within(outcome(c.radar.scenes.importCatalog(withClone)), 'import during backfill');
    imp.catch(() => undefined);
    expect(reached).toBe(true);
    expect(await imp).toBe('ok'); // not queued behind the backfill, which still waits at the gate
    c.nets.open();
    expect(await back).toBe('ok');
    expect(await imp).toBe('ok');
    expect(await sceneName(c.radar, 'x-clone')).toBe('X Clone');
  });
});
