/**
 * Hostile review 173: reads in flight while the Talent Radar's breakout model changes. A host's
 * admin action calls `radar.talent.setBreakoutModel(model)` / `resetBreakoutModel()` while users
 * read: `aggregator.buildArtistProfile`, `getArtistScores`, `getTopArtists` (category `breakout`),
 * `buildGlobalPulse`, `talent.scoreArtists`, `radar.readOnly`, and the HTTP routes of
 * `createFetchHandler` (`/talent/pulse`, `/talent/top?category=breakout`, `/talent/artists/<slug>`);
 * a `refresh()` held in flight across the change, and one after it; a second radar over the SAME
 * in-memory stores that has not seen the change. Reads are held at a gate inside a source call
 * (Coverage `getArticles`, read by profiles, `scoreArtists` and refreshes) or inside the artist
 * table's `scan` (read by the pulse and the top lists), so the model changes mid-read.
 *
 * The standard: every answer is consistent with ONE model (its `model_version` is the version of
 * the model whose intercept and weights its explanation shows; intercept + contributions =
 * logit(breakout_score)); a cached answer is never served under another model's version; after the
 * change completes no read returns the old model's numbers beyond what docs/scoring.md ("Model
 * version": records keep theirs until the next refresh; `meta.model_version` is the policy in use;
 * other instances converge at their next refresh) allows; nothing rejects with an undocumented
 * error, hangs (every await bounded) or leaks an unhandled rejection.
 *
 * FAULTS: none found. Every check below passed on the code as reviewed (a profile snapshots the
 * model before its reads; the cache drops computations in flight when the model changes; the
 * pulse and top lists take the state with the rows; scoreArtists computes after its reads with
 * one model; a refresh whose model was superseded mid-commit is computed again).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createFetchHandler } from '../../src/api/index.js';
import {
  type BreakoutModel,
  type CoverageAdapter,
  createSceneRadar,
  fixedClock,
  type SceneRadar,
} from '../../src/index.js';
import { memoryScenesStores, memoryTalentStores, type SceneRadarStores } from '../../src/stores.js';
import type { ArtistProfile } from '../../src/talent/types.js';

const T = new Date('2026-11-29T00:00:00.000Z');
const world = createDemoWorld({ artists: 40, seed: 173, end: '2026-11-28' });
const SLUGS = world.dataset.artistSlugs();
const logit = (p: number): number => Math.log(p / (1 - p));

/** A door a source call waits at while it is armed: `reached` once a call waits, `open()` lets all through. */
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

/** `p`, or a rejection naming `what` after `ms`: nothing in this file may hang. */
function within<T>(p: Promise<T>, what: string, ms = 15_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: ${what}`)), ms);
  });
  return Promise.race([p, hang]).finally(() => clearTimeout(timer));
}

const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => {
  rejections.push(reason);
};
beforeEach(() => {
  rejections.length = 0;
  process.on('unhandledRejection', onRejection);
});
afterEach(async () => {
  // A rejection left unhandled surfaces within a few turns of the event loop.
  await new Promise((r) => setTimeout(r, 20));
  process.off('unhandledRejection', onRejection);
  expect(rejections.map(String)).toEqual([]);
});

interface Ctx {
  readonly radar: SceneRadar;
  readonly stores: SceneRadarStores;
  /** Holds Coverage `getArticles` (profiles, scoreArtists and refreshes read it). */
  readonly press: Gate;
  /** Holds `talent_radar_artists.scan` (the pulse and the top lists read it). */
  readonly scan: Gate;
  readonly get: (path: string) => Promise<{ status: number; body: Envelope }>;
}

interface Envelope {
  readonly ok: boolean;
  readonly data?: {
    readonly artist?: { readonly breakout_score: number; readonly model_version: string };
    readonly explanation?: ArtistProfile['explanation'];
    readonly meta?: { readonly model_version: string };
    readonly artists?: readonly { readonly artist_slug: string; readonly breakout_score: number }[];
  };
  readonly error?: { readonly code: string };
}

const radars: SceneRadar[] = [];
const gates: Gate[] = [];
afterEach(async () => {
  for (const g of gates.splice(0)) g.open();
  for (const r of radars.splice(0)) await within(r.close(), 'close');
});

/** A radar over `stores` (fresh ones by default), its gates armed only when a test arms them. */
function radarOver(stores: SceneRadarStores): Ctx {
  const press = new Gate();
  const scan = new Gate();
  gates.push(press, scan);
  const coverage = world.sources.coverage!;
  const gatedCoverage: CoverageAdapter = {
    ...coverage,
    getArticles: async (...args: Parameters<CoverageAdapter['getArticles']>) => {
      await press.pass();
      return coverage.getArticles(...args);
    },
  };
  const radar = createSceneRadar({
    sources: { ...world.sources, coverage: gatedCoverage },
    clock: fixedClock(T),
    stores,
  });
  radars.push(radar);
  const handler = createFetchHandler(radar);
  const get = async (path: string) => {
    const response = await within(handler(new Request(`http://radar.test/api${path}`)), `GET ${path}`);
    return { status: response.status, body: JSON.parse(await response.text()) as Envelope };
  };
  return { radar, stores, press, scan, get };
}

/** Shared stores whose artist table's `scan` waits at `gate` while it is armed. */
function gatedStores(gate: Gate): SceneRadarStores {
  const talent = memoryTalentStores();
  const table = talent.talent_radar_artists;
  const scan = table.scan.bind(table);
  Object.defineProperty(table, 'scan', {
    configurable: true,
    value: async (...args: Parameters<typeof scan>) => {
      await gate.pass();
      return scan(...args);
    },
  });
  return { scenes: memoryScenesStores(), talent };
}

/** A radar with its catalog imported and one refresh done. */
async function setup(): Promise<Ctx> {
  const scanGate = new Gate();
  gates.push(scanGate);
  const stores = gatedStores(scanGate);
  const c = radarOver(stores);
  await within(c.radar.scenes.importCatalog(world.catalog), 'importCatalog');
  await within(c.radar.refresh(), 'refresh');
  return { ...c, scan: scanGate };
}

/** The model in use, with its intercept and one weight visibly changed. */
function changed(radar: SceneRadar): BreakoutModel {
  const m = radar.talent.breakoutModel();
  return {
    ...m,
    intercept: m.intercept + 1.5,
    inputs: { ...m.inputs, level_now: { ...m.inputs.level_now, weight: m.inputs.level_now.weight + 0.75 } },
  };
}

/** Every way `explanation` is not the explanation of `model` under `version` (empty: consistent). */
function inconsistency(
  profile: Pick<ArtistProfile, 'artist' | 'explanation'>,
  model: BreakoutModel,
  version: string,
): string[] {
  const out: string[] = [];
  const e = profile.explanation;
  if (profile.artist.model_version !== version) out.push(`artist.model_version ${profile.artist.model_version}`);
  if (e.model_version !== version) out.push(`explanation.model_version ${e.model_version}`);
  if (e.breakout.intercept !== model.intercept) out.push(`intercept ${e.breakout.intercept} != ${model.intercept}`);
  if (e.breakout.score !== profile.artist.breakout_score) out.push('explanation score != artist.breakout_score');
  const weights = new Map<string, number>(Object.entries(model.inputs).map(([k, v]) => [k, v.weight]));
  for (const s of e.breakout.signals) {
    const w = weights.get(s.signal);
    if (w !== undefined && s.weight !== w) out.push(`${s.signal} weight ${s.weight} != ${w}`);
  }
  const sum = e.breakout.signals.reduce((a, s) => a + s.contribution, e.breakout.intercept);
  if (Math.abs(sum - logit(e.breakout.score)) > 1e-9) out.push(`intercept+contributions ${sum} != logit(score)`);
  return out;
}

/** Which of the two models `profile` is consistent with: 'old', 'new', or its problems against both. */
function whichModel(
  profile: Pick<ArtistProfile, 'artist' | 'explanation'>,
  old: { model: BreakoutModel; version: string },
  next: { model: BreakoutModel; version: string },
): string {
  const a = inconsistency(profile, old.model, old.version);
  if (a.length === 0) return 'old';
  const b = inconsistency(profile, next.model, next.version);
  if (b.length === 0) return 'new';
  return `neither: vs old [${a.join('; ')}], vs new [${b.join('; ')}]`;
}

/** A scored artist of the radar's records (the top of the breakout list). */
async function someArtist(radar: SceneRadar, n = 0): Promise<string> {
  const { artists } = await radar.talent.aggregator.getArtistScores(SLUGS);
  const sorted = [...artists].sort((a, b) => b.breakout_score - a.breakout_score);
  return sorted[n]!.artist_slug;
}

describe('a profile in flight across the change', () => {
  it('answers with one model, caches nothing of the old one, and every read after the change is the new model', async () => {
    const c = await setup();
    const oldModel = c.radar.talent.breakoutModel();
    const old = { model: oldModel, version: c.radar.talent.modelVersion };
    const slug = await someArtist(c.radar);
    c.press.arm();
    const held = within(c.radar.talent.aggregator.buildArtistProfile(slug), 'held profile');
    held.catch(() => undefined);
    await within(c.press.reached, 'profile reached the gate');
    const applied = await within(c.radar.talent.setBreakoutModel(changed(c.radar)), 'setBreakoutModel');
    const next = { model: applied.model, version: applied.modelVersion };
    expect(next.version).not.toBe(old.version);
    c.press.open();
    const inFlight = await held;
    expect(['old', 'new']).toContain(whichModel(inFlight, old, next));
    // After the change: the profile (cache, read-only facade, HTTP) is the new model's, never the held one.
    const after = await within(c.radar.talent.aggregator.buildArtistProfile(slug), 'profile after');
    expect(whichModel(after, old, next)).toBe('new');
    const facade = await within(c.radar.readOnly.getArtistProfile(slug), 'readOnly profile');
    expect(whichModel(facade, old, next)).toBe('new');
    const http = await c.get(`/talent/artists/${slug}`);
    expect(http.status).toBe(200);
    const body = http.body.data!;
    expect(
      whichModel({ artist: body.artist as ArtistProfile['artist'], explanation: body.explanation! }, old, next),
    ).toBe('new');
  });

  it('a profile cached before the change is not served after it (cache cleared), nor one held across a reset', async () => {
    const c = await setup();
    const old = { model: c.radar.talent.breakoutModel(), version: c.radar.talent.modelVersion };
    const [a, b] = [await someArtist(c.radar, 0), await someArtist(c.radar, 1)];
    const cachedOld = await within(c.radar.readOnly.getArtistProfile(a), 'cache a');
    expect(whichModel(cachedOld, old, old)).toBe('old');
    const applied = await within(c.radar.talent.setBreakoutModel(changed(c.radar)), 'set');
    const next = { model: applied.model, version: applied.modelVersion };
    const cachedNew = await within(c.radar.readOnly.getArtistProfile(a), 'a after set');
    expect(whichModel(cachedNew, old, next)).toBe('new');
    // Held across a reset: one model; and after it, both profiles are the configured model again.
    c.press.arm();
    const held = within(c.radar.readOnly.getArtistProfile(b), 'held b');
    held.catch(() => undefined);
    await within(c.press.reached, 'b reached the gate');
    await within(c.radar.talent.resetBreakoutModel(), 'reset');
    expect(c.radar.talent.modelVersion).toBe(old.version);
    c.press.open();
    expect(['old', 'new']).toContain(whichModel(await held, old, next));
    expect(whichModel(await within(c.radar.readOnly.getArtistProfile(a), 'a after reset'), old, next)).toBe('old');
    expect(whichModel(await within(c.radar.readOnly.getArtistProfile(b), 'b after reset'), old, next)).toBe('old');
  });

  it('joined callers of one held computation all get the same one-model answer; a caller after the change gets the new model', async () => {
    const c = await setup();
    const old = { model: c.radar.talent.breakoutModel(), version: c.radar.talent.modelVersion };
    const slug = await someArtist(c.radar, 2);
    c.press.arm();
    const first = within(c.radar.talent.aggregator.buildArtistProfile(slug), 'first');
    first.catch(() => undefined);
    await within(c.press.reached, 'reached');
    const joined = within(c.radar.readOnly.getArtistProfile(slug), 'joined');
    joined.catch(() => undefined);
    const applied = await within(c.radar.talent.setBreakoutModel(changed(c.radar)), 'set');
    const next = { model: applied.model, version: applied.modelVersion };
    // Started after the change completed: it must not join the old computation.
    const late = within(c.radar.readOnly.getArtistProfile(slug), 'late');
    late.catch(() => undefined);
    c.press.open();
    const [p1, p2, p3] = await Promise.all([first, joined, late]);
    expect(['old', 'new']).toContain(whichModel(p1, old, next));
    expect(['old', 'new']).toContain(whichModel(p2, old, next));
    expect(whichModel(p3, old, next)).toBe('new');
    expect(whichModel(await within(c.radar.readOnly.getArtistProfile(slug), 'again'), old, next)).toBe('new');
  });
});

describe('lists and scores in flight across the change', () => {
  it('a breakout top list held in its scan is labelled with one model; after the change, meta says the new one (records keep theirs until a refresh)', async () => {
    const c = await setup();
    const vOld = c.radar.talent.modelVersion;
    // Cached before the change.
    const before = await within(c.radar.talent.aggregator.getTopArtists({ category: 'breakout' }), 'top before');
    expect(before.meta.model_version).toBe(vOld);
    c.scan.arm();
    const held = within(c.radar.talent.aggregator.getTopArtists({ category: 'breakout', skipCache: true }), 'held top');
    held.catch(() => undefined);
    await within(c.scan.reached, 'top reached the scan');
    const applied = await within(c.radar.talent.setBreakoutModel(changed(c.radar)), 'set');
    c.scan.open();
    const got = await held;
    expect([vOld, applied.modelVersion]).toContain(got.meta.model_version);
    // The held list's entries are the records' (old) scores either way: the same as before.
    expect(got.artists.map((a) => a.breakout_score)).toEqual(before.artists.map((a) => a.breakout_score));
    const after = await within(c.radar.talent.aggregator.getTopArtists({ category: 'breakout' }), 'top after');
    expect(after.meta.model_version).toBe(applied.modelVersion);
    const http = await c.get('/talent/top?category=breakout');
    expect(http.status).toBe(200);
    expect(http.body.data!.meta!.model_version).toBe(applied.modelVersion);
    const ro = await within(c.radar.readOnly.getTopArtists({ category: 'breakout' }), 'readOnly top');
    expect(ro.meta.model_version).toBe(applied.modelVersion);
  });

  it('the pulse over HTTP held in its scan answers 200 with one version; after the change the pulse says the new version', async () => {
    const c = await setup();
    const vOld = c.radar.talent.modelVersion;
    const first = await c.get('/talent/pulse');
    expect(first.body.data!.meta!.model_version).toBe(vOld);
    c.scan.arm();
    // Another limit: a cache miss (the API refuses skipCache unless the host allows it).
    const held = c.get('/talent/pulse?limit=7');
    held.catch(() => undefined);
    await within(c.scan.reached, 'pulse reached the scan');
    const applied = await within(c.radar.talent.setBreakoutModel(changed(c.radar)), 'set');
    c.scan.open();
    const got = await held;
    expect(got.status).toBe(200);
    expect([vOld, applied.modelVersion]).toContain(got.body.data!.meta!.model_version);
    const after = await c.get('/talent/pulse');
    expect(after.status).toBe(200);
    const after7 = await c.get('/talent/pulse?limit=7');
    expect(after7.body.data!.meta!.model_version).toBe(applied.modelVersion);
    expect(after.body.data!.meta!.model_version).toBe(applied.modelVersion);
    const ro = await within(c.radar.readOnly.getGlobalPulse(), 'readOnly pulse');
    expect(ro.meta.model_version).toBe(applied.modelVersion);
  });

  it('scoreArtists held at a source read scores every artist with one model, the one in use when it computes', async () => {
    const c = await setup();
    const slugs = SLUGS.slice(0, 12);
    const s0 = await within(c.radar.talent.scoreArtists(slugs), 'scores before');
    c.press.arm();
    const held = within(c.radar.talent.scoreArtists(slugs), 'held scores');
    held.catch(() => undefined);
    await within(c.press.reached, 'scores reached the gate');
    await within(c.radar.talent.setBreakoutModel(changed(c.radar)), 'set');
    c.press.open();
    const got = await held;
    const s1 = await within(c.radar.talent.scoreArtists(slugs), 'scores after');
    const b = (s: typeof got): (number | null)[] => s.artists.map((a) => a.breakout);
    expect(b(s0)).not.toEqual(b(s1));
    // One model for all: all old or all new (computed after its reads: the new one).
    expect(b(got)).toEqual(b(s1));
    // Momentum and risk do not depend on the breakout model.
    expect(got.artists.map((a) => a.momentum)).toEqual(s0.artists.map((a) => a.momentum));
    // Each result says which model scored it (added after this review: `modelVersion`).
    expect(s0.modelVersion).not.toBe(s1.modelVersion);
    expect([got.modelVersion, s1.modelVersion]).toEqual([c.radar.talent.modelVersion, c.radar.talent.modelVersion]);
  });

  it('getArtistScores after the change: records keep their version until the next refresh, meta says the policy in use', async () => {
    const c = await setup();
    const vOld = c.radar.talent.modelVersion;
    const applied = await within(c.radar.talent.setBreakoutModel(changed(c.radar)), 'set');
    const got = await within(c.radar.readOnly.getArtistScores(SLUGS), 'scores');
    expect(got.meta.model_version).toBe(applied.modelVersion);
    expect(new Set(got.artists.map((a) => a.model_version))).toEqual(new Set([vOld]));
  });
});

describe('refresh across and after the change', () => {
  it('a refresh held at a source read while the model changes writes the new model; its records equal the profiles', async () => {
    const c = await setup();
    const old = { model: c.radar.talent.breakoutModel(), version: c.radar.talent.modelVersion };
    c.press.arm();
    const refreshing = within(c.radar.refresh(new Date(T.getTime() + 60_000)), 'held refresh', 30_000);
    refreshing.catch(() => undefined);
    await within(c.press.reached, 'refresh reached the gate');
    const applied = await within(c.radar.talent.setBreakoutModel(changed(c.radar)), 'set');
    const next = { model: applied.model, version: applied.modelVersion };
    c.press.open();
    await refreshing;
    const { artists } = await within(c.radar.readOnly.getArtistScores(SLUGS), 'scores');
    expect(new Set(artists.map((a) => a.model_version))).toEqual(new Set([next.version]));
    for (const slug of [artists[0]!.artist_slug, artists[1]!.artist_slug]) {
      const p = await within(c.radar.talent.aggregator.buildArtistProfile(slug), 'profile');
      expect(whichModel(p, old, next)).toBe('new');
    }
    const top = await within(c.radar.talent.aggregator.getTopArtists({ category: 'breakout' }), 'top');
    expect(top.meta.model_version).toBe(next.version);
    const stored = new Map(artists.map((a) => [a.artist_slug, a.breakout_score]));
    for (const a of top.artists) expect(a.breakout_score).toBeCloseTo(stored.get(a.artist_slug)!, 3);
  });

  it('refresh() after the change: every record, list and profile is the new model, records equal profiles', async () => {
    const c = await setup();
    const old = { model: c.radar.talent.breakoutModel(), version: c.radar.talent.modelVersion };
    const applied = await within(c.radar.talent.setBreakoutModel(changed(c.radar)), 'set');
    const next = { model: applied.model, version: applied.modelVersion };
    await within(c.radar.refresh(new Date(T.getTime() + 60_000)), 'refresh');
    const { artists, meta } = await within(c.radar.readOnly.getArtistScores(SLUGS), 'scores');
    expect(meta.model_version).toBe(next.version);
    expect(new Set(artists.map((a) => a.model_version))).toEqual(new Set([next.version]));
    for (const row of artists.slice(0, 3)) {
      const p = await within(c.radar.readOnly.getArtistProfile(row.artist_slug), 'profile');
      expect(whichModel(p, old, next)).toBe('new');
      expect(p.artist.breakout_score).toBe(row.breakout_score);
    }
    const http = await c.get('/talent/top?category=breakout');
    expect(http.body.data!.meta!.model_version).toBe(next.version);
  });
});

describe('a second radar over the same stores', () => {
  it('B, which has not seen the change, answers with one model (its own) until it reads the stored state; after A refreshes, B catches up', async () => {
    const shared: SceneRadarStores = { scenes: memoryScenesStores(), talent: memoryTalentStores() };
    const a = radarOver(shared);
    const b = radarOver(shared);
    await within(a.radar.scenes.importCatalog(world.catalog), 'import');
    await within(a.radar.refresh(), 'refresh A');
    const old = { model: a.radar.talent.breakoutModel(), version: a.radar.talent.modelVersion };
    const slug = await someArtist(a.radar);
    const bBefore = await within(b.radar.readOnly.getArtistProfile(slug), 'B profile before');
    expect(whichModel(bBefore, old, old)).toBe('old');
    // B's profile held at its source read while A applies a model and refreshes.
    b.press.arm();
    const held = within(b.radar.talent.aggregator.buildArtistProfile(SLUGS[5]!), 'B held profile');
    held.catch(() => undefined);
    await within(b.press.reached, 'B reached the gate');
    b.press.armed = false;
    const applied = await within(a.radar.talent.setBreakoutModel(changed(a.radar)), 'A set');
    const next = { model: applied.model, version: applied.modelVersion };
    b.press.open();
    const heldProfile = await held.catch((e: unknown) => e);
    if (heldProfile instanceof Error) expect((heldProfile as { code?: string }).code).toBe('TALENT_INSUFFICIENT_DATA');
    else expect(['old', 'new']).toContain(whichModel(heldProfile as ArtistProfile, old, next));
    // B has not read the state: its profile is still consistent with the model it holds.
    const bStill = await within(b.radar.readOnly.getArtistProfile(slug), 'B profile still');
    expect(whichModel(bStill, old, next)).not.toMatch(/^neither/);
    await within(a.radar.refresh(new Date(T.getTime() + 60_000)), 'refresh A again');
    // B reads records of the new model: it reads the stored state, and its meta says the new version.
    const scores = await within(b.radar.readOnly.getArtistScores(SLUGS), 'B scores');
    expect(new Set(scores.artists.map((r) => r.model_version))).toEqual(new Set([next.version]));
    expect(scores.meta.model_version).toBe(next.version);
    expect(b.radar.talent.modelVersion).toBe(next.version);
    // And B's profile after that is the new model's (its cached old one dropped).
    const bAfter = await within(b.radar.readOnly.getArtistProfile(slug), 'B profile after');
    expect(whichModel(bAfter, old, next)).toBe('new');
    const bHttp = await b.get('/talent/top?category=breakout');
    expect(bHttp.body.data!.meta!.model_version).toBe(next.version);
  });

  it('B scoreArtists reads the stored model: it scores as A does right after A applies one', async () => {
    const shared: SceneRadarStores = { scenes: memoryScenesStores(), talent: memoryTalentStores() };
    const a = radarOver(shared);
    const b = radarOver(shared);
    await within(a.radar.scenes.importCatalog(world.catalog), 'import');
    await within(a.radar.refresh(), 'refresh A');
    await within(b.radar.readOnly.getArtistScores(SLUGS), 'B reads once');
    await within(a.radar.talent.setBreakoutModel(changed(a.radar)), 'A set');
    const slugs = SLUGS.slice(0, 8);
    const fromA = await within(a.radar.talent.scoreArtists(slugs), 'A scores');
    const fromB = await within(b.radar.talent.scoreArtists(slugs), 'B scores');
    expect(fromB.artists.map((x) => x.breakout)).toEqual(fromA.artists.map((x) => x.breakout));
    expect(b.radar.talent.modelVersion).toBe(a.radar.talent.modelVersion);
  });
});
