/**
 * One full `radar.refresh()` of a very large universe in one process, the SDK alone: the answers
 * of a demo world of `--base` artists (zero-cost sources, bench/fixtures/zero-cost-sources.ts)
 * replicated `--copies` times under new slugs (`<slug>-x<k>`), so a million artists need the
 * demo world's answers for 100,000 only (answering a million directly would hold about 25 GB).
 * Each copy is a full artist: its own record and network (collaborators mapped into the same
 * copy), its releases, campaigns, engagement, articles, events and coherence shared with the
 * original by reference (read-only). Copies tie with their originals on every feature, which
 * does not change the work a refresh does.
 *
 * Not part of `npm run bench` (a million artists take many minutes and about 10 GB of heap):
 *
 *   npm run bench:scale -- --base 100000 --copies 10
 *
 * Prints one JSON line: wall and CPU time of the refresh, artists per second, its two engines'
 * parts, the heap held after it per tracked artist, and the process's peak RSS.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  type ArtistNetwork,
  type ArtistRecord,
  createSceneRadar,
  fixedClock,
  type SceneRadarSources,
  type SourceCallOptions,
} from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { memoryScenesStores, memoryTalentStores } from 'scene-radar/stores';
import { buildZeroCostSources, discoverReadWindows } from './fixtures/zero-cost-sources.js';

const END = '2026-11-24';
const NOW = '2026-11-25T00:00:00.000Z';

const gc = (): void => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run node with --expose-gc');
  for (let i = 0; i < 3; i++) g();
};

/** Peak resident set of this process so far, MB (Linux), else the current RSS. */
function peakRssMb(): number {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Math.round(Number(hwm[1]) / 1024);
  } catch {
    // not Linux
  }
  return Math.round(process.memoryUsage().rss / 1_048_576);
}

type Batch = (keys: readonly string[], o: SourceCallOptions) => Promise<ReadonlyMap<string, unknown>>;

/** `base` answering for `copies` copies of every artist (copy 0 is the original). */
function replicate(base: SceneRadarSources, copies: number): SceneRadarSources {
  const suffix = /-x(\d+)$/;
  const split = (key: string): [string, number] => {
    const m = suffix.exec(key);
    return m ? [key.slice(0, m.index), Number(m[1])] : [key, 0];
  };
  const named = (slug: string, copy: number): string => (copy === 0 ? slug : `${slug}-x${copy}`);
  /** A batch method over the originals, its answers renamed (and rewritten by `map`) per copy. */
  const wrap =
    (fn: Batch, self: unknown, map?: (value: unknown, copy: number) => unknown): Batch =>
    async (keys, o) => {
      const wanted = keys.map(split);
      const got = await fn.call(self, [...new Set(wanted.map(([k]) => k))], o);
      const out = new Map<string, unknown>();
      for (const [i, [k, copy]] of wanted.entries()) {
        const v = got.get(k);
        if (v !== undefined) out.set(keys[i]!, map ? map(v, copy) : v);
      }
      return out;
    };
  const renameArtist = (v: unknown, copy: number): unknown => {
    if (copy === 0) return v;
    const a = v as ArtistRecord;
    return { ...a, slug: named(a.slug, copy), name: `${a.name} ${copy}` };
  };
  const renameNetwork = (v: unknown, copy: number): unknown => {
    if (copy === 0) return v;
    const n = v as ArtistNetwork;
    return { ...n, collaborators: n.collaborators.map((c) => ({ ...c, artist: named(c.artist, copy) })) };
  };
  const out: Record<string, unknown> = {};
  for (const [source, adapter] of Object.entries(base)) {
    if (!adapter) continue;
    const own: Record<string, unknown> = { ...(adapter as object) };
    for (const [method, fn] of Object.entries(adapter as Record<string, unknown>)) {
      if (typeof fn !== 'function' || method === 'listArtists') continue;
      const map =
        source === 'mig' && method === 'getArtists'
          ? renameArtist
          : source === 'mig' && method === 'getNetworks'
            ? renameNetwork
            : undefined;
      own[method] = wrap(fn as Batch, adapter, map);
    }
    out[source] = own;
  }
  const mig = base.mig!;
  const universes = new Map<number, Promise<ArtistRecord[]>>();
  const universe = (o: SourceCallOptions): Promise<ArtistRecord[]> => {
    const at = o.asOf.getTime();
    let all = universes.get(at);
    if (!all) {
      all = (async () => {
        const items: ArtistRecord[] = [];
        for (let cursor: string | null | undefined; cursor !== null; ) {
          const page = await mig.listArtists({ cursor, limit: 10_000 }, o);
          items.push(...page.items);
          cursor = page.nextCursor;
        }
        const copied: ArtistRecord[] = [];
        for (let copy = 0; copy < copies; copy++)
          for (const a of items) copied.push(renameArtist(a, copy) as ArtistRecord);
        return copied;
      })();
      universes.set(at, all);
    }
    return all;
  };
  (out.mig as Record<string, unknown>).listArtists = async (
    q: { cursor?: string | null; limit: number },
    o: SourceCallOptions,
  ) => {
    const all = await universe(o);
    const at = q.cursor ? Number(q.cursor) : 0;
    const end = Math.min(all.length, at + q.limit);
    return { items: all.slice(at, end), nextCursor: end < all.length ? String(end) : null };
  };
  return out as SceneRadarSources;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { base: { type: 'string', default: '100000' }, copies: { type: 'string', default: '10' } },
  });
  const baseN = Number(values.base);
  const copies = Number(values.copies);
  if (!Number.isInteger(baseN) || baseN < 100 || !Number.isInteger(copies) || copies < 1)
    throw new Error('--base must be an integer >= 100 and --copies an integer >= 1');

  const small = createDemoWorld({ artists: 200, end: END });
  const plan = await discoverReadWindows(small.sources, async (sources) => {
    const radar = createSceneRadar({ sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(small.catalog);
    await radar.refresh(new Date(NOW));
    await radar.close();
  });
  const world = createDemoWorld({ artists: baseN, end: END });
  const fixture = await buildZeroCostSources(world.sources, { slugs: world.dataset.artistSlugs(), ...plan });
  const sources = replicate(fixture.sources, copies);
  const scenes = memoryScenesStores();
  const talent = memoryTalentStores();
  const radar = createSceneRadar({ sources, stores: { scenes, talent }, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  // Fill the replicated universe before timing (the fixture's maps are filled beforehand too).
  await sources.mig!.listArtists({ limit: 1 }, { asOf: new Date(NOW), signal: new AbortController().signal });

  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const talentRefresh = radar.talent.refresh.bind(radar.talent);
  let talentStart = 0;
  radar.talent.refresh = (...args: Parameters<typeof talentRefresh>) => {
    talentStart = performance.now();
    return talentRefresh(...args);
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const report = await radar.refresh(new Date(NOW));
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  gc();
  const held = process.memoryUsage().heapUsed - heap0;
  const t = report.talent;
  if (t.universe !== 'ok' || t.reads.error + t.reads.timeout > 0 || t.scored < 0.8 * t.artists)
    throw new Error(`refresh: ${JSON.stringify({ ...t, unscored: t.unscored.length })}`);
  const memberships = await scenes.scene_memberships.count();
  console.log(
    JSON.stringify({
      artists: t.artists,
      scored: t.scored,
      memberships,
      refresh_s: Math.round(t1 - t0) / 1000,
      cpu_s: Math.round((cpu.user + cpu.system) / 1000) / 1000,
      artists_per_s: Math.round(t.artists / ((t1 - t0) / 1000)),
      scenes_engine_s: Math.round(talentStart - t0) / 1000,
      talent_radar_s: Math.round(t1 - talentStart) / 1000,
      heap_held_per_artist_bytes: Math.round(held / t.artists),
      peak_rss_mb: peakRssMb(),
      load_average_1m: Math.round((await import('node:os')).loadavg()[0]! * 10) / 10,
    }),
  );
  await radar.close();
}

await main();
