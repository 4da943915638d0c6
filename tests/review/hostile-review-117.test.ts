/**
 * Hostile review 117: do the documentation changes of today's last commits (ce05686..HEAD: docs/,
 * src/contracts/, CHANGELOG.md and the new TSDoc) say what the code does? Checked here where the
 * review files 109-116 and todays-changes-14/15 do not already pin it: which of two copies of one
 * event or article at one instant counts (payloads.ts TSDoc, docs/reliability.md), an artist listed
 * twice across `listArtists` pages (docs/reliability.md), what the tabular import trims
 * (docs/adapters.md), `/api/health`'s `checkedAt` when the radar's clock fails (health.ts TSDoc),
 * and `SceneRadar.clock` without a clock given (CHANGELOG).
 *
 * Tests named "FAULT:" failed on the code as reviewed, for the reason their name states; the others
 * pin behaviour found correct.
 */
import { describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createTabularSources, parseCsv } from '../../adapters/tabular/index.js';
import type { HealthReport } from '../../src/api/health.js';
import type { ApiResult } from '../../src/api/envelope.js';
import { checkHealth } from '../../src/api/index.js';
import type { MIGAdapter } from '../../src/contracts/sources.js';
import type { Article, ArtistRecord, RcfEvent } from '../../src/contracts/payloads.js';
import { canonicalObservations } from '../../src/core/gateway/bounds.js';
import { createDeadline } from '../../src/core/gateway/deadline.js';
import { createSourceGateway } from '../../src/core/gateway/gateway.js';
import { listUniverse } from '../../src/core/gateway/universe.js';
import { createSceneRadar, fixedClock, systemClock } from '../../src/index.js';

const FROM_MS = Date.UTC(2026, 0, 1);
const signal = new AbortController().signal;

interface DatasetLike {
  readonly dataset: {
    artistRecord(slug: string): ArtistRecord | undefined;
    artistHistory(
      slug: string,
    ): { readonly articles: readonly Article[]; readonly events: readonly RcfEvent[] } | undefined;
  };
}

describe('two copies of one observation: the same copy counts whatever the order of delivery (payloads.ts TSDoc)', () => {
  it('an event id twice at one instant (written in Z and with an offset), with other content: the same copy kept in either order', () => {
    const a: RcfEvent = { id: 'e1', type: 'chart_entry', at: '2026-03-01T12:00:00Z', weight: 5, region: 'uk' };
    const b: RcfEvent = { id: 'e1', type: 'radio_play', at: '2026-03-01T14:00:00+02:00', weight: 9, region: null };
    const other: RcfEvent = { id: 'e0', type: 'playlist_add', at: '2026-03-01T12:00:00Z', weight: 1, region: null };
    const one = canonicalObservations('rcf.getEvents', [a, other, b], FROM_MS) as readonly RcfEvent[];
    const two = canonicalObservations('rcf.getEvents', [b, a, other], FROM_MS) as readonly RcfEvent[];
    expect(one).toHaveLength(2);
    expect(two).toEqual(one);
    // Ties at one instant by id first: e0 before e1.
    expect(one.map((e) => e.id)).toEqual(['e0', 'e1']);
    // The earliest copy wins over a later one whatever the order.
    const later: RcfEvent = { ...b, at: '2026-03-02T00:00:00Z' };
    expect(canonicalObservations('rcf.getEvents', [later, a], FROM_MS)).toEqual([a]);
    expect(canonicalObservations('rcf.getEvents', [a, later], FROM_MS)).toEqual([a]);
  });

  it('an article id twice at one instant with another title or outlet: the same copy kept in either order; a copy before the window does not take the in-window one away', () => {
    const a: Article = {
      id: 'a1',
      publishedAt: '2026-03-01T09:00:00Z',
      outlet: 'wire',
      outletQuality: 0.4,
      title: 'First',
    };
    const b: Article = { ...a, outlet: 'daily', outletQuality: 0.9, title: 'Second' };
    const one = canonicalObservations('coverage.getArticles', [a, b], FROM_MS) as readonly Article[];
    const two = canonicalObservations('coverage.getArticles', [b, a], FROM_MS) as readonly Article[];
    expect(one).toHaveLength(1);
    expect(two).toEqual(one);
    const old: Article = { ...a, publishedAt: '2025-06-01T00:00:00Z', title: 'Old' };
    expect(canonicalObservations('coverage.getArticles', [old, b], FROM_MS)).toEqual([b]);
  });
});

describe('an artist listed twice by listArtists (docs/reliability.md)', () => {
  const world = createDemoWorld({ seed: 3, artists: 4, scenes: 2, end: '2026-11-24' });
  const asOf = new Date('2026-11-25T00:00:00.000Z');

  async function walk(pages: readonly (readonly ArtistRecord[])[]): Promise<readonly ArtistRecord[]> {
    const mig: MIGAdapter = {
      ...world.sources.mig,
      listArtists: async (query) => {
        const i = query.cursor === null || query.cursor === undefined ? 0 : Number(query.cursor);
        return { items: [...pages[i]!], nextCursor: i + 1 < pages.length ? String(i + 1) : null };
      },
    };
    const gateway = createSourceGateway({ sources: { mig } });
    try {
      const result = await listUniverse(gateway, asOf, createDeadline(5_000));
      expect(result.status).toBe('ok');
      return result.artists;
    } finally {
      gateway.close();
    }
  }

  it('across pages, two records that differ: walked once, with the same record whatever the order of the pages', async () => {
    const first = await world.sources.mig.listArtists({ cursor: null, limit: 100 }, { asOf, signal });
    const base = first.items[0]!;
    const x: ArtistRecord = { ...base, name: 'Zed Version' };
    const y: ArtistRecord = { ...base, name: 'Alpha Version' };
    const rest = first.items.slice(1);
    const one = await walk([[x, ...rest], [y]]);
    const two = await walk([[y, ...rest], [x]]);
    expect(one.filter((r) => r.slug === base.slug)).toHaveLength(1);
    expect(two).toHaveLength(one.length);
    const kept = (rs: readonly ArtistRecord[]) => rs.find((r) => r.slug === base.slug)!.name;
    expect(kept(one)).toBe(kept(two));
  });
});

describe('the tabular import trims text cells, not titles (docs/adapters.md)', () => {
  it("ids, outlets, regions and cities are trimmed at both ends; an article's title is kept as written", () => {
    const tab = createTabularSources({
      artists: parseCsv(
        'slug,name,home_region,home_city,first_seen,debut\na,Nova,"  uk ","  bristol ",2025-06-01T00:00:00.000Z,\n',
      ),
      articles: parseCsv(
        'artist,id,published_at,outlet,outlet_quality,title\na,"  art-1 ",2026-03-01T00:00:00Z,"  The Wire  ",0.5,"  Padded title  "\n',
      ),
      events: parseCsv('artist,id,type,at,weight,region\na," ev-1 ",chart_entry,2026-03-01T00:00:00Z,3," uk "\n'),
    }) as unknown as DatasetLike;
    const record = tab.dataset.artistRecord('a')!;
    expect(record.homeRegion).toBe('uk');
    expect(record.homeCity).toBe('bristol');
    const history = tab.dataset.artistHistory('a')!;
    expect(history.articles.map((x) => [x.id, x.outlet, x.title])).toEqual([['art-1', 'The Wire', '  Padded title  ']]);
    expect(history.events.map((e) => [e.id, e.region])).toEqual([['ev-1', 'uk']]);
  });
});

/** The report of a health answer: the data of a 200, the details of a 503. */
function reportOf(result: ApiResult<HealthReport>): HealthReport {
  const body = result.body;
  return body.ok ? body.data : (body.error.details as HealthReport);
}

describe("the radar's clock (CHANGELOG: SceneRadar.clock; health.ts: checkedAt)", () => {
  const world = createDemoWorld({ seed: 5, artists: 3, scenes: 1, end: '2026-11-24' });

  it('SceneRadar.clock is the system clock when none is given', async () => {
    const radar = createSceneRadar({ sources: world.sources });
    try {
      expect(radar.clock).toBe(systemClock);
    } finally {
      await radar.close();
    }
  });

  it("checkedAt is the radar's clock; when that clock throws later, the health check still answers, on the wall clock", async () => {
    const fixed = fixedClock('2026-11-25T00:00:00Z');
    let broken = false;
    const clock = {
      now: (): number => {
        if (broken) throw new Error('clock down');
        return fixed.now();
      },
    };
    const radar = createSceneRadar({ sources: world.sources, clock });
    try {
      const ok = await checkHealth(radar);
      expect(reportOf(ok).checkedAt).toBe('2026-11-25T00:00:00.000Z');
      broken = true;
      const before = Date.now();
      const result = await checkHealth(radar);
      const after = Date.now();
      const at = Date.parse(reportOf(result).checkedAt);
      expect(at).toBeGreaterThanOrEqual(before);
      expect(at).toBeLessThanOrEqual(after);
    } finally {
      broken = false;
      await radar.close();
    }
  });
});
