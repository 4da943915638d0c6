/**
 * Proves the conformance suites can fail: deliberately broken adapters and tables must make the
 * matching case throw a ContractViolation (and the unbroken ones must pass the same case).
 */
import { describe, expect, it } from 'vitest';
import { SCENES_TABLES, type RowKey, type SceneTrendRow, type Table } from 'scene-radar/stores';
import { createMemorySources, memoryTable, type ArtistHistory } from 'scene-radar/adapters/memory';
import {
  cmgContractSuite,
  ContractViolation,
  coverageContractSuite,
  fusionContractSuite,
  isContractViolation,
  migContractSuite,
  rcfContractSuite,
  registerContractSuite,
  sampleRowsFor,
  scenesAdapterContractSuite,
  tableContractSuite,
  type ContractCase,
} from 'scene-radar/testing';
import { createEagerDataset } from '../../adapters/memory/eager-dataset.js';
import { hottestScenesOf } from '../../src/contracts/sources.js';

const from = new Date('2025-01-01T00:00:00Z');
const earlierAsOf = new Date('2025-03-01T00:00:00Z');
const asOf = new Date('2025-06-01T00:00:00Z');

function history(slug: string, firstSeen: string): ArtistHistory {
  const days = 200;
  return {
    record: { slug, name: slug, homeRegion: 'uk', homeCity: null, firstSeen },
    tastemakers: [{ tastemaker: 'radio-x', kind: 'radio', weight: 0.5, since: '2025-02-01T00:00:00Z' }],
    collaborators: [],
    releases: [
      { releaseId: `${slug}-1`, releasedAt: '2025-02-10', vector: [1, 2], microgenres: [] },
      { releaseId: `${slug}-2`, releasedAt: '2025-07-01', vector: [2, 1], microgenres: [] },
    ],
    campaigns: [],
    engagement: {
      start: '2025-01-01',
      organic: Array.from({ length: days }, (_, i) => i),
      paid: Array.from({ length: days }, () => 0),
    },
    articles: [
      { id: `${slug}-a1`, publishedAt: '2025-01-20T00:00:00Z', outlet: 'nme', outletQuality: 0.8, title: null },
      { id: `${slug}-a2`, publishedAt: '2025-05-20T00:00:00Z', outlet: 'nme', outletQuality: 0.8, title: null },
    ],
    events: [
      { id: `${slug}-e1`, type: 'radio_play', at: '2025-02-02T00:00:00Z', weight: 1, region: 'uk' },
      { id: `${slug}-e2`, type: 'chart_entry', at: '2025-08-02T00:00:00Z', weight: 5, region: null },
    ],
    coherence: { start: '2025-01-01', values: Array.from({ length: days }, () => 0.9) },
    memberships: [
      { sceneSlug: 'indie-uk-leeds', confidence: 0.9, since: '2025-01-01', microgenres: [] },
      { sceneSlug: 'post-punk-uk', confidence: 0.4, since: '2025-01-01', microgenres: [] },
    ],
  };
}

const dataset = createEagerDataset({
  histories: [
    history('artist-a', '2024-12-01T00:00:00Z'),
    history('artist-b', '2025-01-15T00:00:00Z'),
    history('artist-later', '2025-09-01T00:00:00Z'),
  ],
  scenePulses: [
    { sceneSlug: 'indie-uk-leeds', heat: 70, growth: 0.1, stage: 'growing', asOf: '2025-05-01T00:00:00Z' },
    { sceneSlug: 'post-punk-uk', heat: 40, growth: 0, stage: 'peaking', asOf: '2025-05-01T00:00:00Z' },
  ],
});
const memory = () => createMemorySources(dataset);
const timing = { knownKeys: ['artist-a', 'artist-b'], unknownKey: 'artist-later', asOf, earlierAsOf, from };
const FUTURE = new Date('2030-01-01T00:00:00Z');

/** Runs the one case whose name contains `name`; returns its error (or undefined if it passed). */
async function runCase(cases: readonly ContractCase[], name: string): Promise<unknown> {
  const matches = cases.filter((c) => c.name.includes(name));
  expect(matches.map((c) => c.name)).toHaveLength(1);
  return matches[0]!.run().then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** The case fails on the broken adapter with a ContractViolation whose message matches. */
async function expectViolation(cases: readonly ContractCase[], name: string, message: RegExp): Promise<void> {
  const error = await runCase(cases, name);
  expect(isContractViolation(error), `case "${name}" should throw a ContractViolation, got ${String(error)}`).toBe(
    true,
  );
  expect(error).toBeInstanceOf(ContractViolation);
  expect((error as ContractViolation).message).toMatch(message);
}

describe('source suites catch broken adapters', () => {
  it('data dated after asOf (rcf events, fusion series, mig artists)', async () => {
    const good = memory();
    const rcf = rcfContractSuite({
      ...timing,
      create: () => ({ getEvents: (keys, o) => good.rcf.getEvents(keys, { ...o, asOf: FUTURE }) }),
    });
    await expectViolation(
      rcf,
      'getEvents: returns nothing known only after asOf',
      /rcf\.getEvents must return only what was known at asOf, but .*artist-a-e2.*2025-08-02/,
    );
    const fusion = fusionContractSuite({
      ...timing,
      create: () => ({
        ...good.fusion,
        getEngagement: (keys, o) => good.fusion.getEngagement(keys, { ...o, asOf: FUTURE }),
      }),
    });
    await expectViolation(
      fusion,
      'getEngagement: returns nothing known only after asOf',
      /past the last complete day 2025-05-31/,
    );
    const mig = migContractSuite({
      ...timing,
      create: () => ({ ...good.mig, listArtists: (q, o) => good.mig.listArtists(q, { ...o, asOf: FUTURE }) }),
    });
    await expectViolation(
      mig,
      'listArtists: lists only artists first seen by asOf',
      /list only artists first seen by asOf/,
    );
    expect(
      await runCase(
        rcfContractSuite({ ...timing, create: () => good.rcf }),
        'getEvents: returns nothing known only after asOf',
      ),
    ).toBeUndefined();
  });

  it('unknown or unrequested keys in the answer', async () => {
    const good = memory();
    const echo = coverageContractSuite({
      ...timing,
      create: () => ({ getArticles: async (keys) => new Map(keys.map((k) => [k, []])) }),
    });
    await expectViolation(
      echo,
      'getArticles: leaves unknown keys out',
      /leave unknown keys out of its answer, but it returned an entry for artist-later/,
    );
    const extra = coverageContractSuite({
      ...timing,
      create: () => ({
        getArticles: async (keys, o) =>
          new Map([
            ...(await good.coverage.getArticles(['artist-a', 'artist-b'], o)),
            ...(await good.coverage.getArticles(keys, o)),
          ]),
      }),
    });
    await expectViolation(extra, 'getArticles: returns only requested keys', /return only keys that were requested/);
  });

  it('an invalid payload', async () => {
    const good = memory();
    const mig = migContractSuite({
      ...timing,
      create: () => ({
        ...good.mig,
        getNetworks: async (keys, o) =>
          new Map([...(await good.mig.getNetworks(keys, o))].map(([k, n]) => [k, { ...n, centrality: 7 }])),
      }),
    });
    await expectViolation(
      mig,
      'getNetworks: returns items that match the payload schema',
      /match the payload schema, but the item at artist-a\.centrality is invalid/,
    );
  });

  it('a write method, a stray property, a bad maxBatchSize', async () => {
    const good = memory().mig;
    const surface = (adapter: object) => migContractSuite({ ...timing, create: () => adapter as typeof good });
    await expectViolation(
      surface({ ...good, setArtist: async () => undefined }),
      'exposes only read methods',
      /contain read methods only .*setArtist/,
    );
    await expectViolation(surface({ ...good, db: {} }), 'exposes only read methods', /property named db/);
    await expectViolation(surface({ ...good, maxBatchSize: 0 }), 'exposes only read methods', /positive integer/);
    class WithWrites {
      getArtists = good.getArtists;
      getNetworks = good.getNetworks;
      listArtists = good.listArtists;
      deleteArtist(): void {}
    }
    await expectViolation(surface(new WithWrites()), 'exposes only read methods', /deleteArtist/);
  });

  it('a source that ignores an aborted signal', async () => {
    const good = memory();
    const cmg = cmgContractSuite({
      ...timing,
      create: () => ({
        getReleases: (keys, o) => good.cmg.getReleases(keys, { ...o, signal: new AbortController().signal }),
      }),
    });
    await expectViolation(
      cmg,
      'getReleases: rejects when the signal is already aborted',
      /reject when its signal is already aborted, but the call resolved/,
    );
  });

  it('batch inconsistency, non-idempotence, lost history, mutated input', async () => {
    const good = memory();
    const byBatch = rcfContractSuite({
      ...timing,
      create: () => ({
        getEvents: async (keys, o) =>
          new Map([...(await good.rcf.getEvents(keys, o))].map(([k, es]) => [k, keys.length > 1 ? es.slice(1) : es])),
      }),
    });
    await expectViolation(byBatch, 'answers a batch as it answers each key alone', /differ at \[artist-a\]/);
    let calls = 0;
    const flaky = rcfContractSuite({
      ...timing,
      create: () => ({
        getEvents: async (keys, o) => {
          const odd = calls++ % 2 === 1;
          return new Map([...(await good.rcf.getEvents(keys, o))].map(([k, es]) => [k, odd ? [] : es]));
        },
      }),
    });
    await expectViolation(flaky, 'getEvents: is idempotent', /same answer/);
    const forgetful = coverageContractSuite({
      ...timing,
      create: () => ({
        getArticles: (keys, o) =>
          good.coverage.getArticles(keys, { ...o, from: new Date(o.asOf.getTime() - 100 * 86_400_000) }),
      }),
    });
    await expectViolation(
      forgetful,
      'still knows at asOf what it knew at earlierAsOf',
      /article artist-a-a1 was known at earlierAsOf/,
    );
    const sorter = coverageContractSuite({
      ...timing,
      create: () => ({ getArticles: (keys, o) => good.coverage.getArticles((keys as string[]).sort(), o) }),
    });
    await expectViolation(sorter, 'getArticles: does not mutate its inputs', /never mutate its inputs/);
  });

  it('scenes out of order', async () => {
    const good = memory().scenes;
    const scenes = scenesAdapterContractSuite({
      ...timing,
      create: () => ({
        ...good,
        getMemberships: async (keys, o) =>
          new Map([...(await good.getMemberships(keys, o))].map(([k, ms]) => [k, [...ms].reverse()])),
        listHottestScenes: async (q, o) => [...hottestScenesOf(await good.listHottestScenes(q, o))].reverse(),
      }),
    });
    await expectViolation(scenes, 'getMemberships: returns items that match', /list memberships strongest first/);
    await expectViolation(scenes, 'listHottestScenes: lists the hottest first', /list the hottest scenes first/);
  });
});

type TrendKey = RowKey<SceneTrendRow, 'scene_slug' | 'day'>;
const spec = SCENES_TABLES.scene_trends;

/** A table that hands out (and keeps) the very objects it was given: no copy, no freeze. */
function leakyTable(): Table<SceneTrendRow, 'scene_slug' | 'day'> {
  const inner = memoryTable(spec);
  const rows = new Map<string, SceneTrendRow>();
  const id = (k: TrendKey): string => `${k.scene_slug}|${k.day}`;
  return {
    ...inner,
    async get(k) {
      return rows.get(id(k));
    },
    async getMany(keys) {
      return keys.flatMap((k) => rows.get(id(k)) ?? []);
    },
    async upsert(input) {
      await inner.upsert(input);
      for (const r of input) rows.set(id(r), r);
    },
    async scan() {
      return [...rows.values()];
    },
  };
}

describe('table suite catches broken tables', () => {
  const suite = (create: () => Table<SceneTrendRow, 'scene_slug' | 'day'>) =>
    tableContractSuite(spec, { create, sampleRows: (n) => sampleRowsFor('scene_trends', n) });

  it('returned rows that can be mutated, and inputs kept by reference', async () => {
    await expectViolation(suite(leakyTable), 'returned rows cannot be mutated', /keep stored rows safe from readers/);
    await expectViolation(suite(leakyTable), 'mutating an upserted object afterwards', /copy rows on upsert/);
    expect(
      await runCase(
        suite(() => memoryTable(spec)),
        'returned rows cannot be mutated',
      ),
    ).toBeUndefined();
  });

  it('a batch written half-way, and paging that accepts nonsense', async () => {
    const halfway = (): Table<SceneTrendRow, 'scene_slug' | 'day'> => {
      const inner = memoryTable(spec);
      return {
        ...inner,
        upsert: async (rows) => {
          for (const r of rows) await inner.upsert([r]);
        },
      };
    };
    await expectViolation(suite(halfway), 'rejects a batch with an invalid row', /write nothing from a rejected batch/);
    const lax = (): Table<SceneTrendRow, 'scene_slug' | 'day'> => {
      const inner = memoryTable(spec);
      return {
        ...inner,
        scan: (q) =>
          inner.scan(
            q && {
              ...q,
              offset: q.offset === undefined ? undefined : Math.max(0, Math.floor(q.offset)),
              limit: q.limit === undefined ? undefined : Math.max(1, Math.floor(q.limit)),
            },
          ),
      };
    };
    await expectViolation(suite(lax), 'scan rejects bad paging', /reject paging/);
  });
});

describe('registerContractSuite', () => {
  it('registers one describe and one it per case with any runner', async () => {
    const seen: string[] = [];
    const bodies: Array<() => Promise<void>> = [];
    const cases = rcfContractSuite({ ...timing, create: () => memory().rcf });
    registerContractSuite('rcf', cases, {
      describe: (name, body) => {
        seen.push(`describe ${name}`);
        body();
      },
      it: (name, body) => {
        seen.push(name);
        bodies.push(body);
      },
    });
    expect(seen).toEqual(['describe rcf', ...cases.map((c) => c.name)]);
    await Promise.all(bodies.map((b) => b()));
  });

  it('rejects impossible suite options up front', () => {
    expect(() => rcfContractSuite({ ...timing, earlierAsOf: asOf, create: () => memory().rcf })).toThrow(
      /from <= earlierAsOf < asOf/,
    );
    expect(() => rcfContractSuite({ ...timing, knownKeys: [], create: () => memory().rcf })).toThrow(/knownKeys/);
  });
});
