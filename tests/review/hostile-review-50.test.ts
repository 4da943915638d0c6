/**
 * Hostile review 50: the in-memory adapters (adapters/memory: createMemorySources,
 * createEagerDataset, createDemoWorld) held to the source contracts (docs/adapters.md, "Source
 * contracts"; src/contracts/sources.ts): a source "returns only what was known at asOf"
 * (sources.ts: "nothing dated after asOf is returned"), and the demo world and the eager dataset
 * serve only payloads the gateway accepts (schemas, and the sanity bounds of config.payloads, whose
 * floor is 1900-01-01).
 *
 * Every test here fails on the code as reviewed, because of the fault its name states; each
 * expectation is the contract's.
 */
import { describe, expect, it } from 'vitest';
import { ArtistRecordSchema } from '../../src/contracts/payloads.js';
import { isSceneRadarError } from '../../src/core/errors.js';
import { EARLIEST_MS } from '../../src/core/gateway/bounds.js';
import { createDemoWorld } from '../../adapters/memory/demo/index.js';
import { createEagerDataset } from '../../adapters/memory/eager-dataset.js';
import { createMemorySources } from '../../adapters/memory/sources.js';
import type { ArtistHistory } from '../../adapters/memory/dataset.js';

const signal = new AbortController().signal;

/** A minimal history; `extra` overrides any part. */
function history(slug: string, firstSeen: string, extra: Partial<ArtistHistory> = {}): ArtistHistory {
  return {
    record: { slug, name: slug, homeRegion: 'uk', homeCity: null, firstSeen },
    tastemakers: [],
    collaborators: [],
    releases: [],
    campaigns: [],
    engagement: { start: '2024-01-01', organic: [1, 2, 3], paid: [0, 0, 0] },
    articles: [],
    events: [],
    coherence: { start: '2024-01-01', values: [0.5, 0.5, 0.5] },
    memberships: [],
    ...extra,
  };
}

describe('hostile review 50: in-memory sources and the demo world', () => {
  it('getArtists / listArtists as of an instant before the debut day do not reveal that future debut (known at the end of its day)', async () => {
    // An artist the graph knows (signed, announced) before it debuts: first seen 2024-01-10,
    // debut 2024-03-01. As of 2024-02-15 the debut has not happened; as of the last millisecond
    // of 2024-02-29 neither. A debut dated D is known at the end of D (docs/adapters.md, rule 3;
    // talent/features.ts reads it so), and ArtistRecord.debut "absent or null means unknown".
    const dataset = createEagerDataset({
      histories: [
        {
          ...history('pre-debut', '2024-01-10T00:00:00Z'),
          record: {
            slug: 'pre-debut',
            name: 'Pre Debut',
            homeRegion: 'uk',
            homeCity: null,
            firstSeen: '2024-01-10T00:00:00Z',
            debut: '2024-03-01',
          },
        },
      ],
    });
    const { mig } = createMemorySources(dataset);
    const leaks: string[] = [];
    for (const iso of ['2024-02-15T12:00:00.000Z', '2024-02-29T23:59:59.999Z']) {
      const asOf = new Date(iso);
      const got = (await mig.getArtists(['pre-debut'], { asOf, signal })).get('pre-debut');
      expect(got).toBeDefined(); // the artist itself is known (first seen 2024-01-10)
      if (got?.debut) leaks.push(`getArtists as of ${iso}: debut ${got.debut}`);
      const page = await mig.listArtists({ limit: 10 }, { asOf, signal });
      const listed = page.items.find((r) => r.slug === 'pre-debut');
      if (listed?.debut) leaks.push(`listArtists as of ${iso}: debut ${listed.debut}`);
    }
    // Expected: no record carries a debut dated after asOf (debut null or left out until known).
    expect(leaks).toEqual([]);
  });

  // Known and left as an expected failure on 2026-12-05; fixed on 2026-12-06 (hostile review 101):
  // an instant with digits below the millisecond counts from the next whole millisecond.
  it('an observation stamped with sub-millisecond digits is not returned 1 ms (or less) before it happened', async () => {
    // '2024-02-29T23:59:59.9995Z' is a valid instant for the schemas (z.iso.datetime) and happens
    // half a millisecond after 23:59:59.999. observedAtMs (Date.parse) truncates it to .999, so
    // the source returns it as of 23:59:59.999, before it was known. Same for a link's `since`
    // and an artist's `firstSeen` (an artist first seen 0.1 ms after midnight listed at midnight).
    const dataset = createEagerDataset({
      histories: [
        history('sub-ms', '2024-01-01T00:00:00Z', {
          events: [{ id: 'e1', type: 'radio_play', at: '2024-02-29T23:59:59.9995Z', weight: 1, region: null }],
          articles: [
            { id: 'a1', publishedAt: '2024-02-29T23:59:59.9995Z', outlet: 'o', outletQuality: 0.5, title: null },
          ],
          tastemakers: [{ tastemaker: 'tm-a', kind: 'radio', weight: 0.5, since: '2024-02-29T23:59:59.9995Z' }],
        }),
        history('late-by-a-hair', '2024-03-01T00:00:00.0001Z'),
      ],
    });
    const s = createMemorySources(dataset);
    const asOf = new Date('2024-02-29T23:59:59.999Z');
    const from = new Date('2024-01-01T00:00:00Z');
    const events = (await s.rcf.getEvents(['sub-ms'], { asOf, from, signal })).get('sub-ms') ?? [];
    const articles = (await s.coverage.getArticles(['sub-ms'], { asOf, from, signal })).get('sub-ms') ?? [];
    const links = (await s.mig.getNetworks(['sub-ms'], { asOf, signal })).get('sub-ms')?.tastemakers ?? [];
    const midnight = new Date('2024-03-01T00:00:00.000Z');
    const early = await s.mig.getArtists(['late-by-a-hair'], { asOf: midnight, signal });
    // Expected: nothing that happened after asOf.
    expect({
      events: events.map((e) => e.id),
      articles: articles.map((a) => a.id),
      links: links.map((l) => l.tastemaker),
      artistBeforeFirstSeen: [...early.keys()],
    }).toEqual({ events: [], articles: [], links: [], artistBeforeFirstSeen: [] });
  });

  // Known and left (expected failure): the CLI documents --end in the years 1000-9999 and its
  // review tests run the demo there; refusing ends whose generated history starts before 1900
  // needs the CLI's range changed with it. Recorded in the session note of 2026-12-05.
  it.fails('createDemoWorld: an accepted `end` never yields artist records before 1900 or outside the ISO instant format', async () => {
    // The window check only looks at [end - days + 1, end], but histories reach ~2500 days before
    // the window (debuts), 720 (links), 540 (collaborations): with end 0004-06-30 records are
    // first seen in year -1 ('-000001-...', not an ISO instant the schemas take), with end
    // 1906-06-30 before 1900 (the gateway's floor: every such key is an invalid_payload).
    // Expected: such an `end` is refused with CONFIG_INVALID naming end, or the world serves only
    // records the schema and the bounds accept.
    const problems: string[] = [];
    for (const end of ['0004-06-30', '1906-06-30']) {
      let world: ReturnType<typeof createDemoWorld>;
      try {
        world = createDemoWorld({ artists: 60, end, days: 365 });
      } catch (error) {
        expect(isSceneRadarError(error) && error.code === 'CONFIG_INVALID').toBe(true);
        continue;
      }
      const asOf = new Date(`${end}T00:00:00Z`);
      const page = await world.sources.mig.listArtists({ limit: 10_000 }, { asOf, signal });
      for (const r of page.items) {
        if (!ArtistRecordSchema.safeParse(r).success)
          problems.push(`end ${end}: ${r.slug} firstSeen ${r.firstSeen} is malformed`);
        else if (Date.parse(r.firstSeen) < EARLIEST_MS)
          problems.push(`end ${end}: ${r.slug} firstSeen ${r.firstSeen} is before 1900`);
      }
    }
    expect(problems.slice(0, 3)).toEqual([]);
  });
});
