/**
 * Hostile review of `scene-radar/testing` and `scene-radar/adapters/memory`: broken adapters the
 * suites used to pass, a correct adapter a suite used to fail, and data the memory dataset used to
 * accept although its own sources then broke the contract with it.
 */
import { describe, expect, it } from 'vitest';
import { createEagerDataset, createMemorySources, type ArtistHistory } from 'scene-radar/adapters/memory';
import {
  cmgContractSuite,
  coverageContractSuite,
  fusionContractSuite,
  isContractViolation,
  migContractSuite,
  rcfContractSuite,
  scenesAdapterContractSuite,
  workspaceSourceContractSuite,
  type ContractCase,
} from 'scene-radar/testing';

const DAY = 86_400_000;
const from = new Date('2025-01-01T00:00:00Z');
const earlierAsOf = new Date('2025-03-01T00:00:00Z');
const asOf = new Date('2025-06-01T00:00:00Z');

function history(slug: string): ArtistHistory {
  return {
    record: { slug, name: slug, homeRegion: 'uk', homeCity: null, firstSeen: '2024-12-01T00:00:00Z' },
    tastemakers: [{ tastemaker: 'radio-x', kind: 'radio', weight: 0.5, since: '2025-02-01T00:00:00Z' }],
    collaborators: [],
    releases: [{ releaseId: `${slug}-1`, releasedAt: '2025-02-10', vector: [1, 2], microgenres: [] }],
    campaigns: [{ id: `${slug}-c1`, channel: 'social', start: '2025-02-01', end: '2025-02-20', spend: 100 }],
    engagement: { start: '2025-01-01', organic: [1, 2, 3], paid: [0, 0, 0] },
    articles: [{ id: `${slug}-a1`, publishedAt: '2025-01-20', outlet: 'nme', outletQuality: 0.8, title: null }],
    events: [{ id: `${slug}-e1`, type: 'radio_play', at: '2025-02-02T10:00:00Z', weight: 1, region: 'uk' }],
    coherence: { start: '2025-01-01', values: [0.9, 0.9] },
    memberships: [{ sceneSlug: 'indie-uk-leeds', confidence: 0.9, since: '2025-01-01', microgenres: [] }],
  };
}

const dataset = createEagerDataset({ histories: [history('artist-a'), history('artist-b')] });
const memory = () => createMemorySources(dataset);
const timing = { knownKeys: ['artist-a', 'artist-b'], asOf, earlierAsOf, from };

/** Runs every case; returns the messages of those that failed, by case name. */
async function failures(cases: readonly ContractCase[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const c of cases) {
    await c.run().catch((e: unknown) => {
      out[c.name] = isContractViolation(e) ? e.message : `NOT A VIOLATION: ${String(e)}`;
    });
  }
  return out;
}

/** The options of a call moved one day later: the adapter leaks a day past asOf. */
const leak = <O extends { asOf: Date }>(o: O): O => ({ ...o, asOf: new Date(o.asOf.getTime() + DAY) });

describe('source suites catch a lookahead of one day even when no observation sits in that day', () => {
  it('rcf, coverage, cmg, fusion campaigns, mig networks', async () => {
    const good = memory();
    const rcf = await failures(
      rcfContractSuite({ ...timing, create: () => ({ getEvents: (k, o) => good.rcf.getEvents(k, leak(o)) }) }),
    );
    expect(Object.values(rcf).join('\n')).toMatch(
      /rcf\.getEvents must return only what was known at asOf.*artist-a-e1/,
    );
    const coverage = await failures(
      coverageContractSuite({
        ...timing,
        create: () => ({ getArticles: (k, o) => good.coverage.getArticles(k, leak(o)) }),
      }),
    );
    expect(Object.values(coverage).join('\n')).toMatch(/coverage\.getArticles must return only what was known/);
    const cmg = await failures(
      cmgContractSuite({ ...timing, create: () => ({ getReleases: (k, o) => good.cmg.getReleases(k, leak(o)) }) }),
    );
    expect(Object.values(cmg).join('\n')).toMatch(/cmg\.getReleases must return only what was known/);
    const fusion = await failures(
      fusionContractSuite({
        ...timing,
        create: () => ({ ...good.fusion, getCampaigns: (k, o) => good.fusion.getCampaigns(k, leak(o)) }),
      }),
    );
    expect(Object.values(fusion).join('\n')).toMatch(/fusion\.getCampaigns must return only what was known/);
    const mig = await failures(
      migContractSuite({
        ...timing,
        create: () => ({ ...good.mig, getNetworks: (k, o) => good.mig.getNetworks(k, leak(o)) }),
      }),
    );
    expect(Object.values(mig).join('\n')).toMatch(/mig\.getNetworks must return only what was known/);
  });

  it('still passes the correct memory sources', async () => {
    const good = memory();
    expect(await failures(rcfContractSuite({ ...timing, create: () => good.rcf }))).toEqual({});
    expect(await failures(coverageContractSuite({ ...timing, create: () => good.coverage }))).toEqual({});
    expect(await failures(cmgContractSuite({ ...timing, create: () => good.cmg }))).toEqual({});
    expect(await failures(fusionContractSuite({ ...timing, create: () => good.fusion }))).toEqual({});
    expect(await failures(migContractSuite({ ...timing, create: () => good.mig }))).toEqual({});
  });
});

describe('source suites refuse what the gateway refuses', () => {
  it('values beyond the documented ceilings, dates before 1900, a campaign ending before it starts', async () => {
    const good = memory();
    const heavy = await failures(
      rcfContractSuite({
        ...timing,
        create: () => ({
          getEvents: async (k, o) =>
            new Map(
              [...(await good.rcf.getEvents(k, o))].map(([key, es]) => [key, es.map((e) => ({ ...e, weight: 1e12 }))]),
            ),
        }),
      }),
    );
    expect(heavy['getEvents: returns items that match the payload schema and item rules']).toMatch(
      /rcf\.getEvents must .*weight 1000000000000 is beyond the documented bound/,
    );
    const ancient = await failures(
      coverageContractSuite({
        ...timing,
        create: () => ({
          getArticles: async (k, o) =>
            new Map(
              [...(await good.coverage.getArticles(k, o))].map(([key, as]) => [
                key,
                as.map((a) => ({ ...a, publishedAt: '1850-01-01T00:00:00Z' })),
              ]),
            ),
        }),
      }),
    );
    expect(ancient['getArticles: returns items that match the payload schema and item rules']).toMatch(/before 1900/);
    const backwards = await failures(
      fusionContractSuite({
        ...timing,
        create: () => ({
          ...good.fusion,
          getCampaigns: async (k, o) =>
            new Map(
              [...(await good.fusion.getCampaigns(k, o))].map(([key, cs]) => [
                key,
                cs.map((c) => ({ ...c, end: '2025-01-15' })),
              ]),
            ),
        }),
      }),
    );
    expect(backwards['getCampaigns: returns items that match the payload schema and item rules']).toMatch(
      /is before its start/,
    );
  });
});

describe('workspace suite', () => {
  it('passes a source that stored its ids in upper case (an answer id may be in either case)', async () => {
    const id = '4B1C9A9E-0C57-4A39-9A52-6B0FD3F5F0A1';
    const ds = createEagerDataset({
      histories: [],
      workspaces: [{ id, name: 'Label', scenes: [], microgenres: [], regions: [], roster: [] }],
    });
    const sources = createMemorySources(ds);
    expect(
      await failures(
        workspaceSourceContractSuite({ ...timing, knownKeys: [id.toLowerCase()], create: () => sources.workspaces }),
      ),
    ).toEqual({});
  });
});

describe('memory dataset refuses what its own sources could not serve within the contract', () => {
  it('the same scene twice in one artist memberships', async () => {
    const h = history('artist-a');
    const input = {
      histories: [
        {
          ...h,
          memberships: [
            { sceneSlug: 'indie-uk-leeds', confidence: 0.3, since: '2025-01-01', microgenres: [] },
            { sceneSlug: 'indie-uk-leeds', confidence: 0.8, since: '2025-02-01', microgenres: [] },
          ],
        },
      ],
    };
    expect(() => createEagerDataset(input)).toThrow(
      /histories\[0\]\.memberships\[1\]\.sceneSlug: duplicate scene indie-uk-leeds/,
    );
  });

  it('a campaign that ends before it starts', () => {
    const h = history('artist-a');
    const input = {
      histories: [
        {
          ...h,
          campaigns: [{ id: 'c1', channel: 'social' as const, start: '2025-02-01', end: '2025-01-01', spend: null }],
        },
      ],
    };
    expect(() => createEagerDataset(input)).toThrow(/histories\[0\]\.campaigns\[0\]\.end/);
  });
});

describe('unusual but correct adapters pass', () => {
  it('empty answers, a single artist, a slug at the length limit', async () => {
    const slug = 'a'.repeat(128);
    const h = history('x');
    const ds = createEagerDataset({
      histories: [
        {
          ...h,
          record: { ...h.record, slug },
          tastemakers: [],
          releases: [],
          campaigns: [],
          articles: [],
          events: [],
          memberships: [],
          engagement: { start: '2025-01-01', organic: [], paid: [] },
          coherence: { start: '2025-01-01', values: [] },
        },
      ],
    });
    const s = createMemorySources(ds);
    const t = { ...timing, knownKeys: [slug] };
    for (const cases of [
      rcfContractSuite({ ...t, create: () => s.rcf }),
      coverageContractSuite({ ...t, create: () => s.coverage }),
      cmgContractSuite({ ...t, create: () => s.cmg }),
      fusionContractSuite({ ...t, create: () => s.fusion }),
      migContractSuite({ ...t, create: () => s.mig }),
      scenesAdapterContractSuite({ ...t, knownSceneSlugs: [], create: () => s.scenes }),
    ])
      expect(await failures(cases)).toEqual({});
  });
});
