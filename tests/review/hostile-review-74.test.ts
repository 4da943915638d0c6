/**
 * Hostile review 74: scene-radar/testing, the source conformance suites a host runs against its
 * own adapters. Method: mutation testing by hand. Each adapter below is the correct in-memory
 * source (adapters/memory) wrapped to break exactly one documented rule; each test asserts that
 * the suite case claiming to check that rule reports a ContractViolation. They fail today because
 * the suites let the broken adapter pass.
 */
import { describe, expect, it } from 'vitest';
import { createEagerDataset } from '../../adapters/memory/eager-dataset.js';
import { createMemorySources, type ArtistHistory } from '../../adapters/memory/index.js';
import {
  fusionContractSuite,
  isContractViolation,
  migContractSuite,
  rcfContractSuite,
  scenesAdapterContractSuite,
  type ContractCase,
} from '../../src/testing/index.js';

const DAY = 86_400_000;
const from = new Date('2025-01-01T00:00:00Z');
const earlierAsOf = new Date('2025-03-01T00:00:00Z');
const asOf = new Date('2025-06-01T00:00:00Z');

function history(slug: string, firstSeen: string, debut: string | null): ArtistHistory {
  return {
    record: { slug, name: slug, homeRegion: 'uk', homeCity: null, firstSeen, debut },
    tastemakers: [{ tastemaker: 'radio-x', kind: 'radio', weight: 0.5, since: '2025-02-01T00:00:00Z' }],
    collaborators: [],
    releases: [{ releaseId: `${slug}-1`, releasedAt: '2025-02-10', vector: [1, 2], microgenres: [] }],
    campaigns: [
      // Runs across asOf: at asOf its end is not known yet ("Last day, or null while it runs").
      { id: `${slug}-c1`, channel: 'social', start: '2025-05-01', end: '2025-07-15', spend: 100 },
    ],
    engagement: { start: '2025-01-01', organic: [1, 2, 3], paid: [0, 0, 0] },
    articles: [{ id: `${slug}-a1`, publishedAt: '2025-01-20', outlet: 'nme', outletQuality: 0.8, title: null }],
    events: [{ id: `${slug}-e1`, type: 'radio_play', at: '2025-02-02T10:00:00Z', weight: 1, region: 'uk' }],
    coherence: { start: '2025-01-01', values: [0.9, 0.9] },
    memberships: [{ sceneSlug: 'indie-uk-leeds', confidence: 0.9, since: '2025-01-01', microgenres: [] }],
  };
}

const dataset = createEagerDataset({
  histories: [
    // Debut on the as-of day itself: a day is known at its end, so not yet at asOf (midnight that starts it).
    history('artist-a', '2024-12-01T00:00:00Z', '2025-06-01'),
    history('artist-b', '2025-01-15T00:00:00Z', '2025-09-01'),
  ],
  scenePulses: [
    { sceneSlug: 'indie-uk-leeds', heat: 70, growth: 0.1, stage: 'growing', asOf: '2025-05-01T00:00:00Z' },
    { sceneSlug: 'indie-uk-leeds', heat: 90, growth: 0.3, stage: 'peaking', asOf: '2025-06-01T06:00:00Z' },
  ],
});
const memory = () => createMemorySources(dataset);
const timing = { knownKeys: ['artist-a', 'artist-b'], asOf, earlierAsOf, from };

/** Runs the one case whose name contains `name`; returns its error, or undefined if it passed. */
async function runCase(cases: readonly ContractCase[], name: string): Promise<unknown> {
  const matches = cases.filter((c) => c.name.includes(name));
  expect(matches.map((c) => c.name)).toHaveLength(1);
  return matches[0]!.run().then(
    () => undefined,
    (e: unknown) => e,
  );
}

async function expectViolation(cases: readonly ContractCase[], name: string): Promise<void> {
  const error = await runCase(cases, name);
  expect(isContractViolation(error), `case "${name}" should fail the broken adapter, got ${String(error)}`).toBe(true);
}

async function expectPass(cases: readonly ContractCase[], name: string): Promise<void> {
  expect(await runCase(cases, name)).toBeUndefined();
}

describe('hostile review 74: conformance suites against one-rule mutants of the memory sources', () => {
  // Fault: mig.getArtists' as-of check reads only firstSeen, never debut (src/testing/mig-suite.ts:104-111); a debut not yet over at asOf passes.
  it('mig getArtists: a debut day not over at asOf (the as-of day itself, and a later day) is caught', async () => {
    const good = memory().mig;
    const name = 'getArtists: returns nothing known only after asOf';
    await expectPass(migContractSuite({ ...timing, create: () => good }), name);
    const leaky = migContractSuite({
      ...timing,
      create: () => ({
        ...good,
        getArtists: async (keys, o) =>
          new Map(
            [...(await good.getArtists(keys, o))].map(([k, r]) => [k, { ...r, debut: dataset.artistRecord(k)?.debut }]),
          ),
      }),
    });
    await expectViolation(leaky, name);
  });

  // Fault: mig.listArtists' as-of case checks firstSeen only (src/testing/mig-suite.ts:182-197); a listed debut not yet over passes.
  it('mig listArtists: a debut day not over at asOf is caught', async () => {
    const good = memory().mig;
    const name = 'listArtists: lists only artists first seen by asOf';
    await expectPass(migContractSuite({ ...timing, create: () => good }), name);
    const leaky = migContractSuite({
      ...timing,
      create: () => ({
        ...good,
        listArtists: async (q, o) => {
          const page = await good.listArtists(q, o);
          return { ...page, items: page.items.map((r) => ({ ...r, debut: dataset.artistRecord(r.slug)?.debut })) };
        },
      }),
    });
    await expectViolation(leaky, name);
  });

  // Fault: fusion.getCampaigns' as-of check reads only `start` (src/testing/fusion-suite.ts:118-125); an `end` not yet reached at asOf (the schema: "null while it runs") passes.
  it('fusion getCampaigns: the end day of a campaign still running at asOf is caught', async () => {
    const good = memory().fusion;
    const name = 'getCampaigns: returns nothing known only after asOf';
    await expectPass(fusionContractSuite({ ...timing, create: () => good }), name);
    const leaky = fusionContractSuite({
      ...timing,
      create: () => ({
        ...good,
        getCampaigns: async (keys, o) =>
          new Map(
            [...(await good.getCampaigns(keys, o))].map(([k, cs]) => [
              k,
              cs.map((c) => ({ ...c, end: c.end ?? '2025-07-15' })),
            ]),
          ),
      }),
    });
    await expectViolation(leaky, name);
  });

  // Fault: listArtists is never asked again just before an observation became known (src/testing/mig-suite.ts:182-197), unlike the batch as-of case (src/testing/batch-cases.ts:227-234); docs/adapters.md promises a source reading "even a little past asOf fails whatever your test data looks like".
  it('mig listArtists: a source that reads one day past asOf is caught', async () => {
    const good = memory().mig;
    const name = 'listArtists: lists only artists first seen by asOf';
    const leaky = migContractSuite({
      ...timing,
      create: () => ({
        ...good,
        listArtists: (q, o) => good.listArtists(q, { ...o, asOf: new Date(o.asOf.getTime() + DAY) }),
      }),
    });
    // The same leak in getArtists is caught by the batch as-of case.
    const leakyGet = migContractSuite({
      ...timing,
      create: () => ({
        ...good,
        getArtists: (k, o) => good.getArtists(k, { ...o, asOf: new Date(o.asOf.getTime() + DAY) }),
      }),
    });
    await expectViolation(leakyGet, 'getArtists: returns nothing known only after asOf');
    await expectViolation(leaky, name);
  });

  // Fault: listHottestScenes is checked only against asOf itself (src/testing/scenes-suite.ts:64-70), never 1 ms before a pulse became known; a source reading a day past asOf passes when no pulse lies in that day.
  it('scenes listHottestScenes: a source that reads one day past asOf is caught', async () => {
    const good = memory().scenes;
    const plus = <O extends { asOf: Date }>(o: O): O => ({ ...o, asOf: new Date(o.asOf.getTime() + DAY) });
    const leakyHottest = scenesAdapterContractSuite({
      ...timing,
      knownSceneSlugs: ['indie-uk-leeds'],
      // The 2025-06-01T06:00 pulse lies within the leak: pick an asOf the leak cannot reach.
      asOf: new Date('2025-05-20T00:00:00Z'),
      create: () => ({ ...good, listHottestScenes: (q, o) => good.listHottestScenes(q, plus(o)) }),
    });
    const goodHottest = scenesAdapterContractSuite({
      ...timing,
      knownSceneSlugs: ['indie-uk-leeds'],
      asOf: new Date('2025-05-20T00:00:00Z'),
      create: () => good,
    });
    await expectPass(goodHottest, 'listHottestScenes: lists the hottest first');
    const cases = leakyHottest.filter((c) => c.name.startsWith('listHottestScenes:') && !c.name.includes('agrees'));
    const errors = await Promise.all(
      cases.map((c) =>
        c.run().then(
          () => undefined,
          (e: unknown) => e,
        ),
      ),
    );
    expect(errors.some(isContractViolation), 'no listHottestScenes case caught a source reading a day past asOf').toBe(
      true,
    );
  });

  // Fault: "does not mutate its inputs" copies and checks asOf but never checks `from` (src/testing/batch-cases.ts:183-199); an adapter that moves the caller's `from` passes (and the other cases hand it the host's own options.from, batch-cases.ts:29).
  it('rcf getEvents: an adapter that mutates the `from` Date it is given is caught', async () => {
    const good = memory().rcf;
    const name = 'getEvents: does not mutate its inputs';
    await expectPass(rcfContractSuite({ ...timing, from: new Date(from), create: () => good }), name);
    const mutating = rcfContractSuite({
      ...timing,
      from: new Date(from),
      create: () => ({
        getEvents: (keys, o) => {
          // "Normalise" the window start in place: one day earlier.
          o.from.setTime(o.from.getTime() - DAY);
          return good.getEvents(keys, o);
        },
      }),
    });
    await expectViolation(mutating, name);
  });

  // Fault: asBatch accepts any object with get() and entries() (src/testing/source-kit.ts:146-153), but the gateway requires `instanceof Map` and makes every key invalid_payload otherwise (src/core/gateway/gateway.ts:348).
  it('rcf getEvents: a plain object answer (not a Map) is caught', async () => {
    const good = memory().rcf;
    await expectPass(rcfContractSuite({ ...timing, create: () => good }), 'getEvents: returns every known key');
    const plain = rcfContractSuite({
      ...timing,
      create: () => ({
        getEvents: async (keys, o) => {
          const m = await good.getEvents(keys, o);
          const answer = {
            get: (k: string) => m.get(k),
            has: (k: string) => m.has(k),
            entries: () => m.entries(),
            size: m.size,
          };
          // biome-ignore lint/suspicious/noExplicitAny: the mutant deliberately answers a non-Map
          return answer as any;
        },
      }),
    });
    const errors = await Promise.all(
      plain.map((c) =>
        c.run().then(
          () => undefined,
          (e: unknown) => e,
        ),
      ),
    );
    expect(errors.some(isContractViolation), 'no rcf case caught an answer that is not a Map').toBe(true);
  });
});
