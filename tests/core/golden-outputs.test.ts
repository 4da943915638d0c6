/**
 * Behaviour lock (issue 15): the engines' outputs on a fixed demo world, byte for byte, so the hot
 * paths can be optimised without changing a single answer.
 *
 * What runs: `createDemoWorld({ seed: 7, artists: 200, scenes: 8, end: '2026-11-24' })`, a radar on
 * fresh in-memory stores with `fixedClock('2026-11-25T00:00:00.000Z')`, `importCatalog`, one full
 * `radar.refresh()`, `backfillTrends` over 14 days, then every route of `ROUTES` through
 * `createFetchHandler` with its default options (each route at least once: the pulse of every
 * scene, five artists' profiles, every top list and workspace, and a 404 per engine).
 *
 * What is compared, one section (and one test) each:
 * - `table <name>`: a scan of each of `OWNED_TABLE_NAMES` after the refresh and the backfill, rows
 *   in scan order (primary-key order), each row's keys sorted (a row object's key order is not an
 *   output: a store may build its rows differently);
 * - `tables changed by the API`: the tables the API calls wrote to, as they are afterwards;
 * - `report refresh`, `report backfill`: what `refresh()` and `backfillTrends()` returned;
 * - `api GET <path>`: the status, the content type and the response body exactly as sent (key
 *   order included: the section's JSON embeds the body's own bytes, which is checked).
 * A section is JSON text; its SHA-256 must equal the one in tests/fixtures/golden/golden-outputs.json
 * (the readable summary: digest, size, rows or status and an excerpt per section). On a mismatch
 * the test names the section, the first differing path (`[17].confidence`, with the row's primary
 * key; `body.data.topRisingArtists[3].momentum`) and both values there, read from the expected
 * outputs in full in golden-outputs.snapshot.json.gz (gzip of `{ section: value }`, one section a
 * line: `zcat tests/fixtures/golden/golden-outputs.snapshot.json.gz | grep '^"table scenes"'`).
 * The digests decide; the snapshot only explains.
 *
 * Normalised, because they are random or wall-clock time by design (nothing else is; every instant
 * in the outputs comes from the fixed clock or the demo world):
 * - `talent_radar_state`, row `last-refresh`: `value.id`, a random UUID per refresh -> `<random id>`;
 * - the Talent refresh report's `durationMs`, wall time -> left out;
 * - the `x-request-id` response header, a random UUID per request -> not recorded (no header but
 *   `content-type` is, and no answer is a 500, the only body that carries the id).
 *
 * Updating: the golden files never change unless asked. After a change that is MEANT to change the
 * outputs (and only then), regenerate them and commit them with the change:
 *
 *   UPDATE_GOLDEN=1 npx vitest run tests/core/golden-outputs.test.ts
 *
 * Without `UPDATE_GOLDEN=1`, a missing or different golden file fails the test.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createFetchHandler, ROUTES, type RouteId } from 'scene-radar/api';
import {
  memoryScenesStores,
  memoryTalentStores,
  SCENES_TABLES,
  TALENT_TABLES,
  type ScenesStores,
  type TalentStores,
} from 'scene-radar/stores';
import { OWNED_TABLE_NAMES, type OwnedTableName } from 'scene-radar/testing';

const WORLD = { seed: 7, artists: 200, scenes: 8, end: '2026-11-24' } as const;
const NOW = '2026-11-25T00:00:00.000Z';
const BACKFILL = { from: '2026-11-10', to: '2026-11-23', membershipEveryDays: 7 } as const;

const GOLDEN_DIR = fileURLToPath(new URL('../fixtures/golden/', import.meta.url));
const SUMMARY_FILE = `${GOLDEN_DIR}golden-outputs.json`;
const SNAPSHOT_FILE = `${GOLDEN_DIR}golden-outputs.snapshot.json.gz`;
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const EXCERPT = 240;

const world = createDemoWorld(WORLD);
const SCENES = world.catalog.scenes.map((s) => s.slug);
const SCENE = SCENES[0]!;
const REGION = world.catalog.scenes[0]!.region;
const MICROGENRE = world.catalog.microgenres[0]!.slug;
const ALL_ARTISTS = world.dataset.artistSlugs();
const ARTISTS = [0, 1, 57, 123, ALL_ARTISTS.length - 1].map((i) => ALL_ARTISTS[i]!);
const WORKSPACES = world.workspaces.map((w) => w.id);

/** The requests, by route: every route of `ROUTES` has at least one (a test checks it). */
const REQUESTS: Readonly<Record<RouteId, readonly string[]>> = {
  listScenes: ['/api/scenes?limit=100', `/api/scenes?region=${REGION}&limit=3&offset=2`],
  getScene: [`/api/scenes/${SCENE}`, '/api/scenes/no-such-scene'],
  getScenePulse: SCENES.map((s) => `/api/scenes/${s}/pulse`),
  getSceneTrends: [`/api/scenes/${SCENE}/trends?days=30`],
  getRelatedScenes: [`/api/scenes/${SCENE}/related?limit=50`],
  listSceneMemberships: [`/api/scenes/${SCENE}/memberships?limit=10000`],
  getGlobalScenePulse: ['/api/scene-pulse?limit=100'],
  getRegionalScenePulse: [`/api/scene-pulse/${REGION}?limit=100`],
  getSceneRecommendations: [
    '/api/scene-recommendations?limit=50',
    `/api/scene-recommendations?artistSlug=${ARTISTS[0]}&limit=50`,
  ],
  listMicrogenres: ['/api/microgenres?limit=100'],
  getMicrogenre: [`/api/microgenres/${MICROGENRE}`],
  getTalentPulse: ['/api/talent/pulse?limit=100'],
  getArtistProfile: [...ARTISTS.map((a) => `/api/talent/artists/${a}`), '/api/talent/artists/no-such-artist'],
  getTopArtists: ['rising', 'breakout', 'risk'].map((c) => `/api/talent/top?category=${c}&limit=100`),
  getWorkspaceRecommendations: WORKSPACES.map((w) => `/api/talent/recommendations?workspaceId=${w}&limit=100`),
};
const PATHS = Object.values(REQUESTS).flat();
const TABLE_SECTIONS = OWNED_TABLE_NAMES.map((t) => `table ${t}`);
const OTHER_SECTIONS = ['report refresh', 'report backfill', 'tables changed by the API'];
const API_SECTIONS = PATHS.map((p) => `api GET ${p}`);
const SECTIONS = [...TABLE_SECTIONS, ...OTHER_SECTIONS, ...API_SECTIONS];
const TABLE_KEYS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.values({ ...SCENES_TABLES, ...TALENT_TABLES }).map((spec) => [spec.name, spec.key]),
);

// ---- JSON and the first difference ---------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `value` as JSON data with every object's keys sorted (recursively); `undefined` members dropped. */
function sortedKeys(value: unknown): Json {
  const sort = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(sort);
    if (v === null || typeof v !== 'object') return v;
    const out: { [key: string]: Json } = {};
    for (const k of Object.keys(v).sort()) out[k] = sort(v[k]!);
    return out;
  };
  return sort(JSON.parse(JSON.stringify(value)) as Json);
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const clipped = (text: string): string => (text.length > EXCERPT ? `${text.slice(0, EXCERPT)}...` : text);
const shown = (value: Json | undefined): string => (value === undefined ? '(absent)' : clipped(JSON.stringify(value)));
const pathOf = (path: string, key: string | number): string =>
  typeof key === 'number'
    ? `${path}[${key}]`
    : /^[A-Za-z_$][\w$]*$/.test(key)
      ? `${path}${path ? '.' : ''}${key}`
      : `${path}[${JSON.stringify(key)}]`;

/**
 * The first place where `actual` differs from `expected` (JSON text compared byte for byte, so key
 * order counts), as `path: what`; `null` when they are the same text.
 */
function firstDifference(expected: Json, actual: Json, path = ''): string | null {
  if (JSON.stringify(expected) === JSON.stringify(actual)) return null;
  const at = path || '(root)';
  const bothArrays = Array.isArray(expected) && Array.isArray(actual);
  const bothObjects =
    expected !== null &&
    actual !== null &&
    typeof expected === 'object' &&
    typeof actual === 'object' &&
    !Array.isArray(expected) &&
    !Array.isArray(actual);
  if (bothArrays) {
    const n = Math.min(expected.length, actual.length);
    for (let i = 0; i < n; i++) {
      const found = firstDifference(expected[i]!, actual[i]!, pathOf(path, i));
      if (found) return found;
    }
    return `${at}: expected ${expected.length} items, actual ${actual.length} (the first ${n} are the same); next expected ${shown(expected[n])}, next actual ${shown(actual[n])}`;
  }
  if (bothObjects) {
    const keys = Object.keys(expected);
    const mine = Object.keys(actual);
    const missing = keys.filter((k) => !Object.hasOwn(actual, k));
    const extra = mine.filter((k) => !Object.hasOwn(expected, k));
    if (missing.length || extra.length)
      return `${at}: keys differ: missing ${JSON.stringify(missing)}, unexpected ${JSON.stringify(extra)}`;
    for (const k of keys) {
      const found = firstDifference(expected[k]!, actual[k]!, pathOf(path, k));
      if (found) return found;
    }
    return `${at}: the same members in another key order: expected ${JSON.stringify(keys)}, actual ${JSON.stringify(mine)}`;
  }
  return `${at}: expected ${shown(expected)}, actual ${shown(actual)}`;
}

/** For a table section: the differing row's primary key and how many rows differ, in words. */
function rowsNote(table: string, expected: Json, actual: Json): string {
  const key = TABLE_KEYS[table];
  if (!key || !Array.isArray(expected) || !Array.isArray(actual)) return '';
  const text = (row: Json | undefined): string => JSON.stringify(row);
  let differing = 0;
  let first: Json | undefined;
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    if (text(expected[i]) === text(actual[i])) continue;
    differing++;
    first ??= actual[i] ?? expected[i];
  }
  const keyOf = (row: Json | undefined): string =>
    row !== null && typeof row === 'object' && !Array.isArray(row)
      ? key.map((k) => String(row[k] ?? '?')).join(' / ')
      : '?';
  return `\nRows that differ (by position): ${differing} of ${expected.length} expected (${actual.length} now); the first is ${key.join(' / ')} = ${keyOf(first)}.`;
}

// ---- the run ---------------------------------------------------------------------------------

interface Section {
  /** The JSON text compared byte for byte. */
  readonly text: string;
  /** The same, parsed. */
  readonly value: Json;
  /** Rows of a table or an answer's status: for the summary and the messages. */
  readonly note: string;
}

const sectionOf = (value: Json, note: string): Section => ({ text: JSON.stringify(value), value, note });

type Scannable = Record<OwnedTableName, { scan(): Promise<readonly unknown[]> }>;

async function scanAll(tables: Scannable): Promise<Map<OwnedTableName, Json[]>> {
  const out = new Map<OwnedTableName, Json[]>();
  for (const name of OWNED_TABLE_NAMES) {
    const rows = (await tables[name].scan()).map(sortedKeys);
    if (name === 'talent_radar_state') {
      for (const row of rows as { name: string; value: { id?: Json } }[])
        if (row.name === 'last-refresh' && typeof row.value.id === 'string') row.value.id = '<random id>';
    }
    out.set(name, rows);
  }
  return out;
}

let radar: SceneRadar | undefined;
const actual = new Map<string, Section>();

beforeAll(async () => {
  const scenes: ScenesStores = memoryScenesStores();
  const talent: TalentStores = memoryTalentStores();
  const tables = { ...scenes, ...talent } as unknown as Scannable;
  radar = createSceneRadar({ sources: world.sources, stores: { scenes, talent }, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  const refresh = await radar.refresh();
  const { durationMs: _wallTime, ...talentReport } = refresh.talent;
  actual.set('report refresh', sectionOf(sortedKeys({ ...refresh, talent: talentReport }), 'refresh() report'));
  const backfill = await radar.scenes.backfillTrends(BACKFILL);
  actual.set('report backfill', sectionOf(sortedKeys(backfill), 'backfillTrends() report'));

  const before = await scanAll(tables);
  for (const [name, rows] of before) actual.set(`table ${name}`, sectionOf(rows, `${rows.length} rows`));

  const handler = createFetchHandler(radar);
  for (const path of PATHS) {
    const res = await handler(new Request(`http://localhost${path}`));
    const raw = await res.text();
    const body = JSON.parse(raw) as Json;
    // The section embeds the body's own bytes: writing the parsed body back must give them again.
    if (JSON.stringify(body) !== raw) throw new Error(`GET ${path}: the body does not round-trip through JSON`);
    const value: Json = { status: res.status, contentType: res.headers.get('content-type'), body };
    actual.set(`api GET ${path}`, sectionOf(value, `HTTP ${res.status}`));
  }

  const after = await scanAll(tables);
  const changed: { [table: string]: Json } = {};
  for (const [name, rows] of after) if (JSON.stringify(rows) !== JSON.stringify(before.get(name))) changed[name] = rows;
  actual.set('tables changed by the API', sectionOf(changed, Object.keys(changed).join(', ') || 'none'));

  if (UPDATE) writeGolden();
}, 60_000);

afterAll(async () => {
  await radar?.close();
});

interface Summary {
  readonly about: string;
  readonly world: typeof WORLD & { readonly now: string; readonly backfill: typeof BACKFILL };
  readonly sections: { [name: string]: { sha256: string; bytes: number; note: string; excerpt: string } };
}

function writeGolden(): void {
  mkdirSync(GOLDEN_DIR, { recursive: true });
  const summary: Summary = {
    about:
      'Behaviour lock of tests/core/golden-outputs.test.ts: the SHA-256 of each section (an owned table, a report or an API answer) of a fixed demo world; the outputs in full are in golden-outputs.snapshot.json.gz. Regenerate both only for an intended change of output: UPDATE_GOLDEN=1 npx vitest run tests/core/golden-outputs.test.ts',
    world: { ...WORLD, now: NOW, backfill: BACKFILL },
    sections: {},
  };
  const lines: string[] = [];
  for (const name of SECTIONS) {
    const s = actual.get(name)!;
    summary.sections[name] = {
      sha256: sha256(s.text),
      bytes: Buffer.byteLength(s.text),
      note: s.note,
      excerpt: clipped(s.text),
    };
    lines.push(`${JSON.stringify(name)}:${s.text}`);
  }
  writeFileSync(SUMMARY_FILE, `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(SNAPSHOT_FILE, gzipSync(`{\n${lines.join(',\n')}\n}\n`, { level: 9 }));
}

let golden: { summary: Summary; snapshot: { [name: string]: Json } | null } | undefined;
function loadGolden(): NonNullable<typeof golden> {
  if (!existsSync(SUMMARY_FILE))
    throw new Error(
      `No golden file at ${SUMMARY_FILE}: generate it with UPDATE_GOLDEN=1 npx vitest run tests/core/golden-outputs.test.ts`,
    );
  golden ??= {
    summary: JSON.parse(readFileSync(SUMMARY_FILE, 'utf8')) as Summary,
    snapshot: existsSync(SNAPSHOT_FILE)
      ? (JSON.parse(gunzipSync(readFileSync(SNAPSHOT_FILE)).toString('utf8')) as { [name: string]: Json })
      : null,
  };
  return golden;
}

/** Checks one section against the golden digest; on a mismatch, names the first differing path. */
function check(name: string): void {
  const mine = actual.get(name);
  if (!mine) throw new Error(`${name}: not captured`);
  const { summary, snapshot } = loadGolden();
  const expected = summary.sections[name];
  if (!expected) throw new Error(`${name}: not in the golden file (regenerate it if this section is new on purpose)`);
  if (sha256(mine.text) === expected.sha256) return;
  const old = snapshot?.[name];
  let where: string;
  if (old === undefined) where = 'unknown (golden-outputs.snapshot.json.gz is missing or lacks this section)';
  else if (sha256(JSON.stringify(old)) !== expected.sha256)
    where = 'unknown (golden-outputs.snapshot.json.gz is out of step with golden-outputs.json: regenerate both)';
  else
    where =
      (firstDifference(old, mine.value) ?? '(none)') +
      (name.startsWith('table ') ? rowsNote(name.slice('table '.length), old, mine.value) : '');
  throw new Error(
    `${name} differs from the golden output (now ${mine.note}, ${Buffer.byteLength(mine.text)} bytes; golden ${expected.note}, ${expected.bytes} bytes).\n` +
      `First difference: ${where}\n` +
      'If this change of output is intended, regenerate with UPDATE_GOLDEN=1 and commit the golden files.',
  );
}

describe('golden outputs of a fixed demo world (behaviour lock)', () => {
  it('requests every route of the API and has exactly the sections of the golden file', () => {
    for (const route of ROUTES) expect(REQUESTS[route.id]?.length ?? 0, route.id).toBeGreaterThan(0);
    expect([...actual.keys()].sort()).toEqual([...SECTIONS].sort());
    const { summary } = loadGolden();
    expect(summary.world).toEqual({ ...WORLD, now: NOW, backfill: BACKFILL });
    expect(Object.keys(summary.sections)).toEqual(SECTIONS);
  });

  it('read every source without a timeout or an error (else the outputs are not comparable)', () => {
    const report = actual.get('report refresh')!.value as {
      scenes: { memberships: { sources: Record<string, { timeout: number; error: number }> } };
      talent: { reads: { timeout: number; error: number } };
    };
    expect(report.talent.reads).toMatchObject({ timeout: 0, error: 0 });
    for (const counts of Object.values(report.scenes.memberships.sources))
      expect(counts).toMatchObject({ timeout: 0, error: 0 });
  });

  it('names the first differing path and both values (the diagnosis itself)', () => {
    type Doc = { ok: boolean; data: { items: { [k: string]: Json }[] } };
    const base: Doc = {
      ok: true,
      data: { items: Array.from({ length: 40 }, (_, i) => ({ slug: `artist-${i}`, score: i / 8, tags: ['a'] })) },
    };
    const edited = (edit: (d: Doc) => void): Json => {
      const d = structuredClone(base);
      edit(d);
      return d as unknown as Json;
    };
    const expected = base as unknown as Json;
    expect(
      firstDifference(
        expected,
        edited(() => {}),
      ),
    ).toBeNull();
    const score = edited((d) => {
      d.data.items[17]!.score = 1;
    });
    expect(firstDifference(expected, score)).toBe('data.items[17].score: expected 2.125, actual 1');
    const shorter = edited((d) => {
      d.data.items.pop();
    });
    expect(firstDifference(expected, shorter)).toMatch(/^data\.items: expected 40 items, actual 39 /);
    const extra = edited((d) => {
      d.data.items[3]!.extra = 1;
    });
    expect(firstDifference(expected, extra)).toBe('data.items[3]: keys differ: missing [], unexpected ["extra"]');
    expect(firstDifference({ a: 1, b: 2 }, { b: 2, a: 1 })).toMatch(/^\(root\): the same members in another key order/);
    expect(rowsNote('scenes', [{ slug: 'a' }, { slug: 'b' }], [{ slug: 'a' }, { slug: 'c' }])).toMatch(
      /1 of 2 expected \(2 now\); the first is slug = c\.$/,
    );
  });

  it.each(TABLE_SECTIONS)('%s', (name) => check(name));
  it.each(OTHER_SECTIONS)('%s', (name) => check(name));
  it.each(API_SECTIONS)('%s', (name) => check(name));
});
