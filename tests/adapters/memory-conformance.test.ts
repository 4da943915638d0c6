/**
 * Runs every conformance suite of `scene-radar/testing` over the shipped in-memory adapters: the
 * sources over an eager dataset of a small, hand-written year (2025), and the stores.
 */
import { describe, expect, it } from 'vitest';
import { isSceneRadarError, type ScenePulseSummary, type Workspace } from 'scene-radar';
import { addDays } from '../../src/core/time.js';
import { SCENES_TABLES, TALENT_TABLES, type TableSpec } from 'scene-radar/stores';
import { createMemorySources, createMemoryStores, memoryTable, type ArtistHistory } from 'scene-radar/adapters/memory';
import {
  cmgContractSuite,
  coverageContractSuite,
  fusionContractSuite,
  identityKernelContractSuite,
  migContractSuite,
  OWNED_TABLE_NAMES,
  rcfContractSuite,
  type OwnedTableRows,
  registerContractSuite,
  sampleRowsFor,
  scenesAdapterContractSuite,
  storesContractSuite,
  tableContractSuite,
  workspaceSourceContractSuite,
} from 'scene-radar/testing';
import { createEagerDataset } from '../../adapters/memory/eager-dataset.js';

const from = new Date('2025-01-01T00:00:00Z');
const earlierAsOf = new Date('2025-06-15T12:00:00Z');
const asOf = new Date('2025-10-01T12:00:00Z');

interface Sketch {
  slug: string;
  region: string;
  city: string | null;
  firstSeen: string;
  /** One date per observation; some fall after asOf on purpose, so as-of filtering is exercised. */
  tastemakers: string[];
  releases: string[];
  campaigns: Array<[start: string, end: string | null]>;
  articles: string[];
  events: string[];
  memberships: Array<[scene: string, confidence: number, since: string]>;
}

const SKETCHES: Sketch[] = [
  {
    slug: 'nova-static',
    region: 'uk',
    city: 'brighton',
    firstSeen: '2024-11-01T00:00:00Z',
    tastemakers: ['2025-01-20T00:00:00Z', '2025-07-02T00:00:00Z', '2025-12-01T00:00:00Z'],
    releases: ['2025-02-14', '2025-09-05', '2025-11-20'],
    campaigns: [
      ['2025-03-01', '2025-03-31'],
      ['2025-09-20', '2025-10-20'],
      ['2025-12-01', null],
    ],
    articles: ['2025-02-03T10:00:00Z', '2025-05-20T08:30:00Z', '2025-09-12T19:00:00Z', '2025-11-02T09:00:00Z'],
    events: ['2025-01-15T12:00:00Z', '2025-04-01T18:00:00Z', '2025-06-15T11:59:59Z', '2025-10-01T12:00:01Z'],
    memberships: [
      ['indie-uk-brighton', 0.82, '2025-01-01'],
      ['dream-pop-berlin', 0.35, '2025-08-01'],
    ],
  },
  {
    slug: 'pale-harbour',
    region: 'us',
    city: null,
    firstSeen: '2025-02-10T09:00:00Z',
    tastemakers: ['2025-03-15T00:00:00Z'],
    releases: ['2025-04-04'],
    campaigns: [['2025-05-01', null]],
    articles: ['2025-03-01T07:00:00Z', '2025-10-15T07:00:00Z'],
    events: ['2025-02-20T00:00:00Z', '2025-08-08T08:08:08Z'],
    memberships: [['shoegaze-us-east', 0.6, '2025-03-01']],
  },
  {
    slug: 'glass-orchard',
    region: 'de',
    city: 'berlin',
    firstSeen: '2025-08-01T00:00:00Z',
    tastemakers: ['2025-08-10T00:00:00Z', '2025-10-02T00:00:00Z'],
    releases: ['2025-08-15'],
    campaigns: [],
    articles: ['2025-09-30T23:59:59Z'],
    events: ['2025-08-20T20:00:00Z', '2025-09-01T21:00:00Z'],
    memberships: [
      ['dream-pop-berlin', 0.71, '2025-08-01'],
      ['indie-uk-brighton', 0.2, '2025-09-01'],
    ],
  },
  {
    slug: 'late-bloom',
    region: 'uk',
    city: 'leeds',
    firstSeen: '2025-11-15T00:00:00Z',
    tastemakers: [],
    releases: ['2025-11-20'],
    campaigns: [],
    articles: [],
    events: ['2025-11-16T00:00:00Z'],
    memberships: [],
  },
];

const daily = (n: number, f: (i: number) => number | null): Array<number | null> =>
  Array.from({ length: n }, (_, i) => f(i));

function history(s: Sketch, k: number): ArtistHistory {
  const days = 365;
  return {
    record: {
      slug: s.slug,
      name: s.slug.replace('-', ' '),
      homeRegion: s.region,
      homeCity: s.city,
      firstSeen: s.firstSeen,
    },
    tastemakers: s.tastemakers.map((since, i) => ({
      tastemaker: `curator-${i}`,
      kind: i % 2 ? 'radio' : 'playlist',
      weight: 0.3 + 0.2 * i,
      since,
    })),
    collaborators: s.tastemakers
      .slice(0, 1)
      .map((since) => ({ artist: 'nova-static' === s.slug ? 'pale-harbour' : 'nova-static', weight: 2, since })),
    releases: s.releases.map((releasedAt, i) => ({
      releaseId: `${s.slug}-r${i}`,
      releasedAt,
      vector: [k, i, 0.5],
      microgenres: ['dream-pop'],
    })),
    campaigns: s.campaigns.map(([start, end], i) => ({
      id: `${s.slug}-c${i}`,
      channel: 'social',
      start,
      end,
      spend: 1000 * (i + 1),
    })),
    engagement: {
      start: '2025-01-01',
      organic: daily(days, (i) => (i % 50 === 7 ? null : 100 * k + i * k)),
      paid: daily(days, (i) => (i % 30 < 5 ? 40 : 0)),
    },
    articles: s.articles.map((publishedAt, i) => ({
      id: `${s.slug}-a${i}`,
      publishedAt,
      outlet: 'the-quietus',
      outletQuality: 0.7,
      title: i ? null : `On ${s.slug}`,
    })),
    events: s.events.map((at, i) => ({
      id: `${s.slug}-e${i}`,
      type: 'playlist_add',
      at,
      weight: 10 * (i + 1),
      region: s.region,
    })),
    coherence: {
      start: '2025-01-01',
      values: daily(days, (i) =>
        i % 40 === 3 ? null : Math.round((0.6 + 0.3 * Math.sin((i + k) / 30)) * 1000) / 1000,
      ),
    },
    memberships: s.memberships.map(([sceneSlug, confidence, since]) => ({
      sceneSlug,
      confidence,
      since,
      microgenres: ['dream-pop'],
    })),
  };
}

/** One snapshot a day per scene; `shoegaze-us-east` only becomes active in September. */
const PULSES: ScenePulseSummary[] = (['indie-uk-brighton', 'dream-pop-berlin', 'shoegaze-us-east'] as const).flatMap(
  (sceneSlug, j) =>
    Array.from({ length: 365 }, (_, i) => i)
      .filter((i) => j < 2 || i >= 243)
      .map((i) => ({
        sceneSlug,
        heat: Math.round(30 + 20 * j + 25 * Math.sin(i / (20 + j))),
        growth: 0.01 * j,
        stage: 'growing' as const,
        asOf: `${addDays('2025-01-01', i)}T00:00:00.000Z`,
      })),
);

const WORKSPACES: Workspace[] = [
  {
    id: '3f2b8c1e-5a7d-4e9f-8b6a-1c2d3e4f5a6b',
    name: 'Brighton A&R',
    scenes: ['indie-uk-brighton'],
    microgenres: ['dream-pop'],
    regions: ['uk'],
    roster: ['nova-static'],
  },
  {
    id: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
    name: 'Berlin label',
    scenes: ['dream-pop-berlin'],
    microgenres: [],
    regions: ['de'],
    roster: [],
  },
];

const dataset = createEagerDataset({
  histories: SKETCHES.map((s, k) => history(s, k + 1)),
  scenePulses: PULSES,
  workspaces: WORKSPACES,
});
const sources = () => createMemorySources(dataset);
const timing = {
  knownKeys: ['nova-static', 'pale-harbour', 'glass-orchard'],
  unknownKey: 'late-bloom',
  asOf,
  earlierAsOf,
  from,
};
const runner = { describe, it };

registerContractSuite('memory mig', migContractSuite({ ...timing, create: () => sources().mig }), runner);
registerContractSuite('memory cmg', cmgContractSuite({ ...timing, create: () => sources().cmg }), runner);
registerContractSuite('memory fusion', fusionContractSuite({ ...timing, create: () => sources().fusion }), runner);
registerContractSuite(
  'memory coverage',
  coverageContractSuite({ ...timing, create: () => sources().coverage }),
  runner,
);
registerContractSuite('memory rcf', rcfContractSuite({ ...timing, create: () => sources().rcf }), runner);
registerContractSuite(
  'memory identityKernel',
  identityKernelContractSuite({ ...timing, create: () => sources().identityKernel }),
  runner,
);
registerContractSuite(
  'memory scenes',
  scenesAdapterContractSuite({ ...timing, create: () => sources().scenes }),
  runner,
);
registerContractSuite(
  'memory scenes (explicit scene slugs)',
  scenesAdapterContractSuite({
    ...timing,
    create: () => sources().scenes,
    knownSceneSlugs: ['indie-uk-brighton', 'shoegaze-us-east'],
    unknownSceneSlug: 'not-a-scene',
  }),
  runner,
);
registerContractSuite(
  'memory workspaces',
  workspaceSourceContractSuite({
    ...timing,
    knownKeys: WORKSPACES.map((w) => w.id),
    unknownKey: undefined,
    create: () => sources().workspaces,
  }),
  runner,
);
registerContractSuite(
  'memory per-item sources (maxBatchSize 1)',
  migContractSuite({ ...timing, create: () => createMemorySources(dataset, { maxBatchSize: 1 }).mig }),
  runner,
);

registerContractSuite('memory stores', storesContractSuite({ create: createMemoryStores }), runner);
describe('the memory stores offer transactions', () => {
  it('on both store sets, so the transaction cases of the stores suite run', () => {
    const stores = createMemoryStores();
    expect(typeof stores.scenes.transaction).toBe('function');
    expect(typeof stores.talent.transaction).toBe('function');
    // Not enumerable: a store set's keys are its tables.
    expect(Object.keys(stores.scenes)).toEqual(Object.keys(SCENES_TABLES));
  });
});
const SPECS = { ...SCENES_TABLES, ...TALENT_TABLES };
type AnyOwnedRow = OwnedTableRows[keyof OwnedTableRows];
for (const name of OWNED_TABLE_NAMES) {
  // Iterating ten differently typed tables: widen each spec to the union of owned rows.
  const spec = SPECS[name] as unknown as TableSpec<AnyOwnedRow>;
  registerContractSuite(
    `memoryTable ${name}`,
    tableContractSuite(spec, { create: () => memoryTable(spec), sampleRows: (n) => sampleRowsFor(name, n, 7) }),
    runner,
  );
}

describe('createEagerDataset', () => {
  it('names the bad field of an invalid history', () => {
    const bad = history(SKETCHES[0]!, 1);
    const histories = [history(SKETCHES[1]!, 2), { ...bad, events: [{ ...bad.events[0]!, at: 'yesterday' }] }];
    const attempt = (): unknown => createEagerDataset({ histories });
    expect(attempt).toThrow(/histories\[1\]\.events\[0\]\.at/);
    try {
      attempt();
    } catch (e) {
      expect(isSceneRadarError(e) && e.code).toBe('CONFIG_INVALID');
    }
  });

  it('rejects duplicate artist slugs and workspace ids', () => {
    const h = history(SKETCHES[0]!, 1);
    expect(() => createEagerDataset({ histories: [h, h] })).toThrow(
      /histories\[1\]\.record\.slug: duplicate artist slug nova-static/,
    );
    expect(() => createEagerDataset({ histories: [], workspaces: [WORKSPACES[0]!, WORKSPACES[0]!] })).toThrow(
      /workspaces\[1\]\.id/,
    );
  });

  it('serves the latest pulse snapshot at or before asOf, and accepts a lookup function', () => {
    expect(dataset.scenePulse('shoegaze-us-east', new Date('2025-08-01T00:00:00Z'))).toBeUndefined();
    expect(dataset.scenePulse('indie-uk-brighton', new Date('2025-03-05T18:00:00Z'))?.asOf).toBe(
      '2025-03-05T00:00:00.000Z',
    );
    const lookup = createEagerDataset({
      histories: [],
      scenePulses: (slug, at) => ({ sceneSlug: slug, heat: 50, growth: 0, stage: 'peaking', asOf: at.toISOString() }),
      sceneSlugs: ['x-scene'],
    });
    expect(lookup.sceneSlugs()).toEqual(['x-scene']);
    expect(lookup.scenePulse('x-scene', asOf)?.heat).toBe(50);
  });

  it('puts lists in time order and freezes what it serves', () => {
    const h = history(SKETCHES[0]!, 1);
    const d = createEagerDataset({ histories: [{ ...h, articles: [...h.articles].reverse() }] });
    const served = d.artistHistory('nova-static')!;
    expect(served.articles.map((a) => a.id)).toEqual(h.articles.map((a) => a.id));
    expect(Object.isFrozen(served.record)).toBe(true);
  });
});
