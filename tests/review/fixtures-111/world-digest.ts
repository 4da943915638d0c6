/**
 * Hostile review 111, child process: builds a small fixed demo world, refreshes a radar on a fixed
 * clock, backfills trends across the 2026 DST changes, asks the HTTP API a set of questions and
 * prints, as one JSON line, a SHA-256 per table and per answer, plus the health report, some text
 * probes and the host it ran on (time zone offset, ICU locale, wall clock). The parent compares
 * the lines printed under different TZ / LANG / LC_ALL / wall clocks.
 */
import { createHash } from 'node:crypto';
import { createDemoWorld, memoryScenesStores, memoryTalentStores } from '../../../adapters/memory/index.js';
import { createTabularSources, parseCsv } from '../../../adapters/tabular/index.js';
import { createFetchHandler } from '../../../src/api/index.js';
import { regionKey } from '../../../src/core/region.js';
import { createSceneRadar, fixedClock, slugify, uniqueSlugs } from '../../../src/index.js';
import { OWNED_TABLE_NAMES } from '../../../src/testing/index.js';

const NOW = '2026-11-25T00:00:00.000Z';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function sortedKeys(value: unknown): Json {
  const sort = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(sort);
    if (v === null || typeof v !== 'object') return v;
    const out: { [key: string]: Json } = {};
    for (const k of Object.keys(v).sort()) out[k] = sort(v[k] ?? null);
    return out;
  };
  return sort(JSON.parse(JSON.stringify(value)) as Json);
}

const sha = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

/** What a fixedClock built from `text` says, or the error it throws. */
function clockReading(text: string): string {
  try {
    return new Date(fixedClock(text).now()).toISOString();
  } catch (error) {
    return `throws ${error instanceof Error ? error.name : 'error'}`;
  }
}

async function main(): Promise<void> {
  const world = createDemoWorld({ seed: 11, artists: 90, scenes: 6, end: '2026-11-24' });
  const scenes = memoryScenesStores();
  const talent = memoryTalentStores();
  const radar = createSceneRadar({ sources: world.sources, stores: { scenes, talent }, clock: fixedClock(NOW) });
  const sections: Record<string, string> = {};
  try {
    await radar.scenes.importCatalog(world.catalog);
    const refresh = await radar.refresh();
    const { durationMs: _wall, ...talentReport } = refresh.talent;
    sections['report refresh'] = sha(sortedKeys({ ...refresh, talent: talentReport }));
    // Across the end of European (10-25) and US (11-01) summer time.
    const backfill = await radar.scenes.backfillTrends({
      from: '2026-10-24',
      to: '2026-11-03',
      membershipEveryDays: 7,
    });
    sections['report backfill'] = sha(sortedKeys(backfill));

    const slugsOfScenes = world.catalog.scenes.map((s) => s.slug);
    const region = world.catalog.scenes[0]?.region ?? 'uk';
    const artists = world.dataset.artistSlugs();
    const paths = [
      '/api/scenes?limit=100',
      `/api/scenes?region=${region.toUpperCase()}&limit=100`,
      ...slugsOfScenes.map((s) => `/api/scenes/${s}/pulse`),
      `/api/scenes/${slugsOfScenes[0]}/trends?days=30`,
      `/api/scenes/${slugsOfScenes[0]}/related?limit=50`,
      '/api/scene-pulse?limit=100',
      `/api/scene-pulse/${region}?limit=100`,
      `/api/scene-pulse/${region.toUpperCase()}?limit=100`,
      '/api/scene-recommendations?limit=50',
      '/api/microgenres?limit=100',
      '/api/talent/pulse?limit=100',
      ...['rising', 'breakout', 'risk'].map((c) => `/api/talent/top?category=${c}&limit=100`),
      ...[0, 17, artists.length - 1].map((i) => `/api/talent/artists/${artists[i]}`),
      ...world.workspaces.map((w) => `/api/talent/recommendations?workspaceId=${w.id}&limit=100`),
      '/api/talent/artists/no-such-artist',
      '/api/scenes/invalid-slug-!!!',
    ];
    const handler = createFetchHandler(radar);
    for (const path of paths) {
      const res = await handler(new Request(`http://localhost${path}`));
      sections[`api GET ${path}`] = sha({ status: res.status, body: await res.text() });
    }
    const tables = { ...scenes, ...talent } as unknown as Record<string, { scan(): Promise<readonly unknown[]> }>;
    for (const name of OWNED_TABLE_NAMES) {
      const rows = (await (tables[name] as { scan(): Promise<readonly unknown[]> }).scan()).map(sortedKeys);
      if (name === 'talent_radar_state')
        for (const row of rows as { name: string; value: { id?: Json } }[])
          if (row.name === 'last-refresh' && typeof row.value.id === 'string') row.value.id = '<random id>';
      sections[`table ${name}`] = sha(rows);
    }
    const health = (await (await handler(new Request('http://localhost/api/health'))).json()) as {
      data: { checkedAt: string; refreshedAsOf: string | null; status: string };
    };

    // A tiny export written "the local way": a decimal comma, a date-time without an offset.
    let tabularOutcome: string;
    try {
      const made = createTabularSources({
        artists: parseCsv(
          'slug,name,home_region,home_city,first_seen\nnova-static,Nova Static,tr,istanbul,2025-01-01T00:00:00Z\n',
        ),
        engagement: parseCsv('artist,day,organic,paid\nnova-static,2025-06-01,"1,5",0\nnova-static,2025-06-02,2.5,0\n'),
        events: parseCsv(
          'artist,id,type,at,weight,region\nnova-static,e1,radio_play,2025-06-01T12:00:00,10,tr\nnova-static,e2,radio_play,2025-06-01T12:00:00Z,10,tr\n',
        ),
      });
      tabularOutcome = `accepted ${JSON.stringify(made.report.tables)}`;
    } catch (error) {
      tabularOutcome = `error ${error instanceof Error ? error.message : String(error)}`;
    }
    const rejections = tabularOutcome;

    const names = ['İstanbul', 'ISTANBUL', 'Işık Mavi', 'IŞIK MAVİ', 'Iğdır Sound', 'Straße', 'ÖZGÜR', 'Ärzte'];
    const unique = uniqueSlugs(names);
    const text = {
      slugify: names.map((n) => slugify(n)),
      uniqueSlugs: [...unique.slugs],
      regionKey: ['TR', ' Tr ', 'DE', 'İT', 'IT'].map((r) => regionKey(r) ?? null),
    };

    const out = {
      host: {
        offsetMinutesAtNow: new Date(NOW).getTimezoneOffset(),
        icuLocale: new Intl.DateTimeFormat().resolvedOptions().locale,
        wallClockYear: new Date().getUTCFullYear(),
      },
      sections,
      health: {
        checkedAt: health.data.checkedAt,
        refreshedAsOf: health.data.refreshedAsOf,
        status: health.data.status,
      },
      text,
      textDigest: sha(text),
      tabular: rejections,
      tabularDigest: sha(rejections),
      clock: {
        zoneless: clockReading('2026-11-25T00:00:00'),
        zonelessSpace: clockReading('2026-11-25 00:00'),
        day: clockReading('2026-11-25'),
        utc: clockReading('2026-11-25T00:00:00Z'),
      },
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await radar.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
