/**
 * A small hand-written export (2025) as canonical CSV text, one string per table, shared by the
 * tabular tests. Some observations fall after `ASOF` on purpose, so as-of filtering is exercised;
 * `late-bloom` only appears after it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { isSceneRadarError, type SceneRadarError } from 'scene-radar';
import { addDays } from '../../src/core/time.js';
import type { TabularTableName } from 'scene-radar/adapters/tabular';

export const FROM = new Date('2025-01-01T00:00:00Z');
export const EARLIER_ASOF = new Date('2025-06-15T12:00:00Z');
export const ASOF = new Date('2025-10-01T12:00:00Z');
export const KNOWN = ['nova-static', 'pale-harbour', 'glass-orchard'];
export const LATE = 'late-bloom';
/** The SceneRadarError `f` throws (anything else it throws is rethrown; no throw fails the test). */
export function failure(f: () => unknown): SceneRadarError {
  try {
    f();
  } catch (e) {
    if (isSceneRadarError(e)) return e;
    throw e;
  }
  throw new Error('expected a SceneRadarError');
}

export const WORKSPACE_IDS = ['3f2b8c1e-5a7d-4e9f-8b6a-1c2d3e4f5a6b', '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d'];

const csv = (header: string, rows: readonly string[]): string => `${[header, ...rows].join('\r\n')}\r\n`;

/** Daily rows for each artist over 2025, with gaps (missing days) and blank cells. */
function dailyRows(f: (artist: string, k: number, i: number) => string | null): string[] {
  const out: string[] = [];
  ['nova-static', 'pale-harbour', 'glass-orchard', 'late-bloom'].forEach((artist, k) => {
    // Each artist's series starts when it appears; late-bloom only after ASOF.
    const first = [0, 40, 212, 318][k]!;
    for (let i = first; i < 365; i++) {
      const cells = f(artist, k + 1, i);
      if (cells !== null) out.push(`${artist},${addDays('2025-01-01', i)},${cells}`);
    }
  });
  return out;
}

export const CSV: { readonly [T in TabularTableName]: string } = {
  artists: csv('slug,name,home_region,home_city,first_seen', [
    'nova-static,Nova Static,uk,brighton,2024-11-01T00:00:00Z',
    'pale-harbour,"Pale Harbour",us,,2025-02-10T09:00:00Z',
    'glass-orchard,Glass Orchard,de,berlin,2025-08-01',
    'late-bloom,Late Bloom,uk,leeds,2025-11-15T00:00:00Z',
  ]),
  events: csv('artist,id,type,at,weight,region', [
    'nova-static,,playlist_add,2025-01-15T12:00:00Z,10,uk',
    'nova-static,ev-2,radio_play,2025-04-01T18:00:00Z,20,uk',
    'pale-harbour,,chart_entry,2025-02-20T00:00:00Z,5,',
    'nova-static,,playlist_add,2025-06-15T11:59:59Z,30,uk',
    'nova-static,,live_show,2025-10-01T12:00:01Z,40,uk',
    'pale-harbour,,social_spike,2025-08-08T08:08:08+02:00,5.5,us',
    'glass-orchard,,playlist_add,2025-08-20T20:00:00Z,7,de',
    'late-bloom,,playlist_add,2025-11-16T00:00:00Z,1,uk',
  ]),
  engagement: csv(
    'artist,day,organic,paid',
    dailyRows((_a, k, i) =>
      i % 50 === 7 ? null : i % 45 === 3 ? `,${i % 30 < 5 ? 40 : 0}` : `${100 * k + i * k},${i % 30 < 5 ? 40 : 0}`,
    ),
  ),
  coherence: csv(
    'artist,day,value',
    dailyRows((_a, k, i) =>
      i % 40 === 3 ? null : i % 33 === 1 ? '' : String(Math.round((0.6 + 0.3 * Math.sin((i + k) / 30)) * 1000) / 1000),
    ),
  ),
  tastemakers: csv('artist,tastemaker,kind,weight,since', [
    'nova-static,curator-0,playlist,0.3,2025-01-20T00:00:00Z',
    'nova-static,curator-1,radio,0.5,2025-07-02T00:00:00Z',
    'nova-static,curator-2,playlist,0.7,2025-12-01T00:00:00Z',
    'pale-harbour,curator-0,playlist,0.3,2025-03-15T00:00:00Z',
    'glass-orchard,curator-0,blog,0.3,2025-08-10T00:00:00Z',
    'glass-orchard,curator-1,dj,0.5,2025-10-02T00:00:00Z',
  ]),
  collaborators: csv('artist_a,artist_b,weight,since', [
    'nova-static,pale-harbour,2,2025-01-20T00:00:00Z',
    'glass-orchard,nova-static,1,2025-08-10T00:00:00Z',
    'late-bloom,nova-static,1,2025-11-20T00:00:00Z',
  ]),
  articles: csv('artist,id,published_at,outlet,outlet_quality,title', [
    'nova-static,,2025-02-03T10:00:00Z,the-quietus,0.7,"On nova-static, at last"',
    'nova-static,,2025-05-20T08:30:00Z,the-quietus,0.7,',
    'nova-static,,2025-09-12T19:00:00Z,pitchfork,0.9,',
    'nova-static,,2025-11-02T09:00:00Z,pitchfork,0.9,Later',
    'pale-harbour,pa-1,2025-03-01T07:00:00Z,stereogum,0.6,',
    'pale-harbour,pa-2,2025-10-15T07:00:00Z,stereogum,0.6,',
    'glass-orchard,,2025-09-30T23:59:59Z,the-wire,0.8,',
  ]),
  releases: csv('artist,release_id,released_at,vector,microgenres', [
    'nova-static,,2025-02-14,1;0;0.5,dream-pop;shoegaze',
    'nova-static,,2025-09-05,1 1 0.5,dream-pop',
    'nova-static,,2025-11-20,1;2;0.5,',
    'pale-harbour,ph-debut,2025-04-04,2;0;0.5,shoegaze',
    'glass-orchard,,2025-08-15,3;0;0.5,dream-pop',
    'late-bloom,,2025-11-20,4;0;0.5,',
  ]),
  campaigns: csv('artist,id,channel,start,end,spend', [
    'nova-static,,social,2025-03-01,2025-03-31,1000',
    'nova-static,,streaming,2025-09-20,2025-10-20,2000',
    'nova-static,,social,2025-12-01,,',
    'pale-harbour,,display,2025-05-01,,500',
  ]),
  memberships: csv('artist,scene,confidence,microgenres,since', [
    'nova-static,indie-uk-brighton,0.82,dream-pop,2025-01-01',
    'nova-static,dream-pop-berlin,0.35,,2025-08-01',
    'pale-harbour,shoegaze-us-east,0.6,shoegaze,2025-03-01',
    'glass-orchard,dream-pop-berlin,0.71,dream-pop,2025-08-01',
    'glass-orchard,indie-uk-brighton,0.2,,2025-09-01',
  ]),
  scenePulses: csv(
    'scene,heat,growth,stage,as_of',
    (['indie-uk-brighton', 'dream-pop-berlin', 'shoegaze-us-east'] as const).flatMap((scene, j) =>
      Array.from({ length: 365 }, (_, i) => i)
        .filter((i) => j < 2 || i >= 243)
        .map(
          (i) =>
            `${scene},${Math.round(30 + 20 * j + 25 * Math.sin(i / (20 + j)))},${0.01 * j},growing,${addDays('2025-01-01', i)}T00:00:00Z`,
        ),
    ),
  ),
  workspaces: csv('id,name,scenes,microgenres,regions,roster', [
    `${WORKSPACE_IDS[0]},Brighton A&R,indie-uk-brighton,dream-pop,uk,nova-static`,
    `${WORKSPACE_IDS[1]},Berlin label,dream-pop-berlin,,de;at,`,
  ]),
};

/**
 * A temporary folder for one test file's table files, removed after the file: `file(name, content)`
 * writes one and returns its path.
 */
export function tempTableFolder(prefix: string): {
  readonly dir: string;
  file(name: string, content: string | Uint8Array): string;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    file(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
  };
}
