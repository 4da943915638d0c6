/**
 * Hostile review 108: conclusions drawn from reads that FAILED. After the anomaly fix (a failed
 * articles or network read no longer reads as "no press"), every other feature, risk component,
 * breakout input, opportunity and reason is tested the same way: one hand-made world, a profile with
 * every read ok and one with ONLY one read failing (the source method rejects, status `error`),
 * and the failing case must show no conclusion the unread evidence could contradict, and say the
 * read failed. Held to docs/scoring.md section 2 ("null means no evidence (the read failed, was
 * absent, or had too little data), never zero; a missing feature is left out of every score"),
 * section 1 (per-read outcomes), section 5 (risk) and section 8 (profile).
 *
 * Tests named "FAULT:" failed (before the fix in the same commit; one more fixed since: decline reads the feature `declineGrowth`, null after a failed engagement read) on the code as reviewed, for the reason their name states; the others
 * pin behaviour found correct.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadarSources } from '../../src/index.js';
import { createEagerDataset, createMemorySources, type ArtistHistory } from '../../adapters/memory/index.js';
import { createSourceGateway } from '../../src/core/gateway/gateway.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { ArtistSignalsEngine } from '../../src/talent/signals-engine.js';
import { extractFeatures } from '../../src/talent/features.js';

const DAY = 86_400_000;
const END = '2026-11-24'; // the last complete day before AS_OF
const AS_OF = new Date('2026-11-25T00:00:00.000Z');
const DAYS = 200;
const addDays = (d: string, n: number): string =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
/** A noon instant `n` days before END (n = 0 is END's noon, before AS_OF). */
const noon = (n: number): string => `${addDays(END, -n)}T12:00:00.000Z`;

type Ev = ArtistHistory['events'][number];
type Art = ArtistHistory['articles'][number];

interface Shape {
  organic?: (number | null)[];
  paid?: (number | null)[];
  events?: Ev[];
  articles?: Art[];
  tastemakers?: ArtistHistory['tastemakers'];
  collaborators?: ArtistHistory['collaborators'];
  releases?: ArtistHistory['releases'];
  campaigns?: ArtistHistory['campaigns'];
  coherence?: (number | null)[];
  memberships?: ArtistHistory['memberships'];
  debut?: string;
}

/** One artist's history over DAYS days ending at END. */
function history(slug: string, s: Shape = {}): ArtistHistory {
  const organic = s.organic ?? Array.from({ length: DAYS }, () => 400);
  const coherence = s.coherence ?? [];
  return {
    record: {
      slug,
      name: slug,
      homeRegion: 'us',
      homeCity: null,
      firstSeen: '2024-01-01T00:00:00.000Z',
      ...(s.debut ? { debut: s.debut } : {}),
    },
    tastemakers: s.tastemakers ?? [],
    collaborators: s.collaborators ?? [],
    releases: s.releases ?? [],
    campaigns: s.campaigns ?? [],
    articles: s.articles ?? [],
    events: s.events ?? [],
    memberships: s.memberships ?? [],
    engagement: {
      start: addDays(END, -(organic.length - 1)),
      organic,
      paid: s.paid ?? organic.map(() => 0),
    },
    coherence: { start: addDays(END, -(Math.max(coherence.length, 1) - 1)), values: coherence },
  } as unknown as ArtistHistory;
}

/** Weekly events of weight `w`, from `first` days back to `last` days back. */
function weeklyEvents(prefix: string, first: number, last: number, w = 10, region: string | null = 'us'): Ev[] {
  const out: Ev[] = [];
  for (let n = first; n >= last; n -= 7)
    out.push({ id: `${prefix}-${n}`, type: 'radio_play', at: noon(n), weight: w, region } as Ev);
  return out;
}

/** Four steady peers with both sources, so peer statistics exist. */
const PEERS = Array.from({ length: 4 }, (_, i) =>
  history(`peer-${i}`, {
    organic: Array.from({ length: DAYS }, (_, d) => 300 + 20 * i + (d % 5)),
    events: weeklyEvents(`p${i}`, 180, 0, 5 + i),
  }),
);

type Failing =
  | ['fusion', 'getEngagement' | 'getCampaigns']
  | ['rcf', 'getEvents']
  | ['coverage', 'getArticles']
  | ['mig', 'getNetworks' | 'getArtists']
  | ['cmg', 'getReleases']
  | ['identityKernel', 'getCoherence']
  | ['scenes', 'getMemberships' | 'getScenePulses'];

function sourcesOf(
  subject: ArtistHistory,
  failing?: Failing,
  extra: { scenePulses?: unknown } = {},
): SceneRadarSources {
  const sources = createMemorySources(
    createEagerDataset({
      histories: [subject, ...PEERS],
      ...(extra.scenePulses ? { scenePulses: extra.scenePulses as never } : {}),
    }),
  ) as unknown as Record<string, Record<string, unknown>>;
  if (!failing) return sources as unknown as SceneRadarSources;
  const [source, method] = failing;
  return {
    ...sources,
    [source]: { ...sources[source], [method]: () => Promise.reject(new Error(`${method} down`)) },
  } as unknown as SceneRadarSources;
}

/** The subject's profile and features with every read ok, and with only `failing` failing. */
async function compare(subject: ArtistHistory, failing: Failing, extra: { scenePulses?: unknown } = {}) {
  const run = async (f?: Failing) => {
    const radar = createSceneRadar({ sources: sourcesOf(subject, f, extra), clock: fixedClock(AS_OF) });
    try {
      const slug = subject.record.slug;
      const profile = await radar.talent.aggregator.buildArtistProfile(slug);
      const scored = await radar.talent.scoreArtists([slug], { asOf: AS_OF });
      return { profile, features: scored.features[0]!, score: scored.artists[0]! };
    } finally {
      await radar.close();
    }
  };
  return { ok: await run(), down: await run(failing) };
}

type Profile = Awaited<ReturnType<typeof compare>>['ok']['profile'];
const risk = (p: Profile, k: string) => p.explanation.risk.signals.find((s) => s.signal === k)!;
const breakoutInput = (p: Profile, k: string) => p.explanation.breakout.signals.find((s) => s.signal === k)!;
const momentumInput = (p: Profile, k: string) => p.explanation.momentum.signals.find((s) => s.signal === k);

describe('hostile review 108: staleness from a read that failed', () => {
  // Fusion's series stops 20 days before END (the last 20 days unknown); RCF has an event on END.
  const organic = Array.from({ length: DAYS }, (_, d) => (d >= DAYS - 20 ? null : 500));
  const subject = history('stale-fusion', { organic, events: weeklyEvents('s', 175, 0) });

  it('baseline: with RCF answering, its event on END makes the data fresh (staleDays 0, no stale_data)', async () => {
    const { ok } = await compare(subject, ['rcf', 'getEvents']);
    expect(ok.features.staleDays).toBe(0);
    expect(risk(ok.profile, 'stale_data').normalized).toBe(0);
    expect(ok.profile.risks.map((r) => r.type)).not.toContain('stale_data');
  });

  // features.ts, staleDays (`lastObserved` gets only the sources that were read): with the events
  // read failed, the latest observation is taken from Fusion alone, as if RCF had nothing newer.
  it('FAULT: with the RCF events read failed, the profile says "Data stopped arriving" (staleDays 20, stale_data 0.619) although the unread events may be newer', async () => {
    const { ok, down } = await compare(subject, ['rcf', 'getEvents']);
    expect(down.profile.explanation.sources.events.status).toBe('error');
    // staleDays is the later of the two sources' latest observations: an unread source can only
    // make it smaller, so a staleness above staleAfterDays computed without it is no evidence.
    expect({
      staleDays: down.features.staleDays,
      staleRiskItem: down.profile.risks.some((r) => r.type === 'stale_data'),
      staleAddsRisk: risk(down.profile, 'stale_data').contribution > 0,
    }).toEqual({ staleDays: null, staleRiskItem: false, staleAddsRisk: false });
    expect(ok.features.staleDays).toBe(0);
  });

  // The mirror: RCF's last event is 20 days back, Fusion is fresh to END.
  const subject2 = history('stale-rcf', {
    organic: Array.from({ length: DAYS }, () => 500),
    events: weeklyEvents('t', 174, 20),
  });

  it('FAULT: with the Fusion engagement read failed, the profile says "Data stopped arriving" (staleDays 20 from RCF alone) although the unread series may run to yesterday', async () => {
    const { ok, down } = await compare(subject2, ['fusion', 'getEngagement']);
    expect(ok.features.staleDays).toBe(0);
    expect(ok.profile.risks.map((r) => r.type)).not.toContain('stale_data');
    expect(down.profile.explanation.sources.engagement.status).toBe('error');
    expect({
      staleDays: down.features.staleDays,
      staleRiskItem: down.profile.risks.some((r) => r.type === 'stale_data'),
      staleAddsRisk: risk(down.profile, 'stale_data').contribution > 0,
    }).toEqual({ staleDays: null, staleRiskItem: false, staleAddsRisk: false });
  });

  it('a staleness that the unread source cannot contradict stays: fresh engagement gives staleDays 0 with RCF down', async () => {
    const fresh = history('fresh', { events: weeklyEvents('f', 175, 30) });
    const { down } = await compare(fresh, ['rcf', 'getEvents']);
    expect(down.profile.explanation.sources.events.status).toBe('error');
    expect(down.features.staleDays).toBe(0);
    expect(risk(down.profile, 'stale_data').normalized).toBe(0);
  });
});

describe('hostile review 108: decline from the fallback source when the primary one failed', () => {
  // Fusion: 500 a day, then 1,000 a day over the recent window (growing). RCF: weight 20 a week
  // over the previous window, 5 a week over the recent one (falling by far more than half).
  const organic = Array.from({ length: DAYS }, (_, d) => (d >= DAYS - 28 ? 1_000 : 500));
  const events = [...weeklyEvents('old', 174, 29, 20), ...weeklyEvents('new', 21, 0, 5)];
  const subject = history('declining-events', { organic, events });

  // scoring.ts riskComponent 'decline' (and riskOf): `Number.isNaN(eg) ? eventGrowth : eg` does
  // not ask why engagementGrowth is missing; a failed engagement read falls back to events.
  // Fixed since (2026-12-06, evening): the features decide where decline is read from
  // (`declineGrowth`), and a failed engagement read leaves it null.
  it('FAULT: with the Fusion engagement read failed, decline is read off RCF alone and the profile says "Organic activity is falling" while the unread (growing) organic series takes precedence', async () => {
    const { ok, down } = await compare(subject, ['fusion', 'getEngagement']);
    // Every read ok: decline is read off engagement growth (ln((1000+50)/(500+50)) > 0): no risk.
    expect(ok.features.engagementGrowth!).toBeGreaterThan(0);
    expect(risk(ok.profile, 'decline').normalized).toBe(0);
    expect(down.profile.explanation.sources.engagement.status).toBe('error');
    // docs/scoring.md section 5: decline's raw is `engagementGrowth`, else `eventGrowth`; section 2:
    // a feature whose read failed is no evidence. When the read that decides decline failed, the
    // fallback's fall is a conclusion the unread series overrides: no decline item, no risk from it.
    expect({
      declineRiskItem: down.profile.risks.some((r) => r.type === 'decline'),
      declineAddsRisk: risk(down.profile, 'decline').contribution > 0,
    }).toEqual({ declineRiskItem: false, declineAddsRisk: false });
  });

  it('with Fusion answering that it does not know the artist (no series), the same events decline is a fair reading (the fallback the doc describes)', async () => {
    const eventsOnly = history('events-only', {
      organic: Array.from({ length: DAYS }, () => null),
      events,
    });
    const { ok } = await compare(eventsOnly, ['fusion', 'getEngagement']);
    expect(ok.features.engagementGrowth).toBeNull();
    expect(ok.features.eventGrowth!).toBeLessThan(0);
    expect(risk(ok.profile, 'decline').normalized).toBe(1);
  });
});

describe('hostile review 108: the scene pulse outcome when the memberships read failed', () => {
  // createSceneRadar reads its own Scenes Engine, never the host's `sources.scenes`; the signals
  // engine is driven here over a gateway on the memory sources, whose Scenes read can be failed.
  const memberships = [{ sceneSlug: 'uk-garage', confidence: 0.9, microgenres: [], since: '2025-01-01' }];
  const subject = history('scener', { memberships } as Shape);
  const scenePulses = [{ sceneSlug: 'uk-garage', heat: 80, growth: 0.1, stage: 'growing', asOf: AS_OF.toISOString() }];
  async function signalsOf(failing?: Failing) {
    const gateway = createSourceGateway({
      sources: sourcesOf(subject, failing, { scenePulses }),
      config: DEFAULT_CONFIG,
    });
    const engine = new ArtistSignalsEngine({ gateway, config: DEFAULT_CONFIG, clock: fixedClock(AS_OF) });
    const signals = (await engine.batchAggregateSignals(['scener'], { asOf: AS_OF })).get('scener')!;
    return { signals, features: extractFeatures(signals, DEFAULT_CONFIG.talent.model) };
  }

  it('baseline: with the memberships read ok, the scene pulse is read (ok) and its heat is a feature', async () => {
    const { signals, features } = await signalsOf();
    expect(signals.reads.memberships.status).toBe('ok');
    expect(signals.reads.scenePulse.status).toBe('ok');
    expect(features.sceneHeat).toBe(80);
  });

  // signals-engine.ts gather(): `scene === undefined ? { status: memberships absent ? 'absent' :
  // 'missing' }`: a failed memberships read (error, timeout) is reported as "missing".
  it('FAULT: with the Scenes memberships read failed, reads.scenePulse (a profile\'s explanation.sources.scenePulse) says "missing" (answered: no scene) instead of saying the read could not be made', async () => {
    const { signals, features } = await signalsOf(['scenes', 'getMemberships']);
    expect(signals.reads.memberships.status).toBe('error');
    expect(features.sceneHeat).toBeNull();
    // docs/scoring.md section 1: `missing` = "the source answered and does not know the artist";
    // `scenePulse` is `missing` "when the artist has no main scene". With memberships unread, whether
    // it has one is unknown: the pulse's outcome must carry the failure, not claim "no scene".
    expect(signals.reads.scenePulse.status).not.toBe('missing');
    expect(['error', 'timeout']).toContain(signals.reads.scenePulse.status);
  });

  it('with the scene pulse read failed, reads.scenePulse is an error and sceneHeat is null', async () => {
    const { signals, features } = await signalsOf(['scenes', 'getScenePulses']);
    expect(signals.reads.memberships.status).toBe('ok');
    expect(signals.reads.scenePulse.status).toBe('error');
    expect(features.sceneHeat).toBeNull();
  });
});

describe('hostile review 108: features left out (null) when their read failed (correct)', () => {
  it('RCF events failed: regions and newRegions null, breadth and spread have no value, momentum has no event_growth', async () => {
    const subject = history('regional', {
      events: [...weeklyEvents('a', 175, 35, 10, 'us'), ...weeklyEvents('b', 21, 0, 10, 'uk')],
    });
    const { ok, down } = await compare(subject, ['rcf', 'getEvents']);
    expect(ok.features.regions).toBe(1);
    expect(ok.features.newRegions).toBe(1);
    expect(down.features.regions).toBeNull();
    expect(down.features.newRegions).toBeNull();
    expect(down.features.eventGrowth).toBeNull();
    expect(breakoutInput(down.profile, 'breadth')).toMatchObject({ raw: null, normalized: null, contribution: 0 });
    expect(breakoutInput(down.profile, 'spread')).toMatchObject({ raw: null, normalized: null, contribution: 0 });
    expect(momentumInput(down.profile, 'event_growth')?.normalized ?? null).toBeNull();
  });

  it('Coverage failed: pressVelocity and pressQuality null (not 0), press has no value, no press opportunity', async () => {
    const articles = [0, 3, 9].map((n, i) => ({
      id: `x${i}`,
      publishedAt: noon(n),
      outlet: 'wire',
      outletQuality: 0.9,
      title: null,
    })) as Art[];
    const { ok, down } = await compare(history('pressed', { articles }), ['coverage', 'getArticles']);
    expect(ok.profile.opportunities.map((o) => o.type)).toContain('press');
    expect(down.features.pressVelocity).toBeNull();
    expect(down.features.pressQuality).toBeNull();
    expect(breakoutInput(down.profile, 'press').normalized).toBeNull();
    expect(momentumInput(down.profile, 'press_velocity')?.normalized ?? null).toBeNull();
    expect(down.profile.opportunities.map((o) => o.type)).not.toContain('press');
  });

  it('MIG network failed: collaborators, newCollaborators, tastemakers, newTastemakers, connectivity null; no network input or item', async () => {
    const { ok, down } = await compare(history('loner'), ['mig', 'getNetworks']);
    // With the network read ok and empty, the counts are 0 (an answer), and new_collaborators is ln 1 = 0.
    expect(ok.features.newCollaborators).toBe(0);
    expect(breakoutInput(ok.profile, 'new_collaborators').normalized).toBe(0);
    for (const k of ['collaborators', 'newCollaborators', 'tastemakers', 'newTastemakers', 'connectivity'] as const)
      expect(down.features[k]).toBeNull();
    expect(breakoutInput(down.profile, 'new_collaborators')).toMatchObject({ normalized: null, contribution: 0 });
    expect(breakoutInput(down.profile, 'new_tastemakers').normalized).toBeNull();
    expect(down.profile.opportunities.map((o) => o.type)).not.toContain('network');
  });

  it('CMG releases failed: creativeShift and drift null, drift risk has no value', async () => {
    const releases = [
      { releaseId: 'r1', releasedAt: addDays(END, -150), vector: [1, 0, 0], microgenres: [] },
      { releaseId: 'r2', releasedAt: addDays(END, -60), vector: [0, 1, 0], microgenres: [] },
    ];
    const { ok, down } = await compare(history('shifter', { releases } as Shape), ['cmg', 'getReleases']);
    expect(ok.features.drift).toBe(1);
    expect(down.features.creativeShift).toBeNull();
    expect(down.features.drift).toBeNull();
    expect(risk(down.profile, 'drift')).toMatchObject({ raw: null, normalized: null, contribution: 0 });
  });

  it('IdentityKernel failed: coherence null, incoherence has no value', async () => {
    const coherence = Array.from({ length: 60 }, () => 0.4);
    const { ok, down } = await compare(history('blurred', { coherence }), ['identityKernel', 'getCoherence']);
    expect(risk(ok.profile, 'incoherence').normalized).toBe(1);
    expect(down.features.coherence).toBeNull();
    expect(risk(down.profile, 'incoherence')).toMatchObject({ raw: null, normalized: null, contribution: 0 });
    expect(down.profile.risks.map((r) => r.type)).not.toContain('incoherence');
  });

  it('Fusion campaigns failed: paidShare (from the engagement series) is unchanged; campaignCount null, not 0', async () => {
    const organic = Array.from({ length: DAYS }, () => 400);
    const paid = Array.from({ length: DAYS }, () => 600);
    const campaigns = [{ id: 'c1', channel: 'social', start: addDays(END, -40), end: null, spend: 1000 }];
    const subject = history('paid', { organic, paid, campaigns } as Shape);
    const { ok, down } = await compare(subject, ['fusion', 'getCampaigns']);
    expect(ok.features.campaignCount).toBe(1);
    expect(down.features.campaignCount).toBeNull();
    expect(down.features.paidShare).toBeCloseTo(0.6, 12);
    expect(risk(down.profile, 'paid_dependence').normalized).toBe(risk(ok.profile, 'paid_dependence').normalized);
  });

  it('Fusion engagement failed: paidShare and anomaly null (not 0), paid_dependence has no value', async () => {
    const organic = Array.from({ length: DAYS }, () => 400);
    const paid = Array.from({ length: DAYS }, () => 600);
    const subject = history('paid-2', { organic, paid, events: weeklyEvents('q', 175, 0) });
    const { down } = await compare(subject, ['fusion', 'getEngagement']);
    expect(down.features.paidShare).toBeNull();
    expect(down.features.anomaly).toBeNull();
    expect(risk(down.profile, 'paid_dependence')).toMatchObject({ raw: null, normalized: null, contribution: 0 });
    // The basis falls back to events; the explanation names the failed read.
    expect(down.features.activityBasis).toBe('events');
    expect(down.profile.explanation.sources.engagement.status).toBe('error');
    expect(down.profile.explanation.sources.engagement.reason).toMatch(/getEngagement down/);
  });

  it('MIG record failed: careerAgeDays null, career_age has no value', async () => {
    const { ok, down } = await compare(history('veteran', { debut: '2020-03-01' }), ['mig', 'getArtists']);
    expect(ok.features.careerAgeDays!).toBeGreaterThan(2000);
    expect(down.profile.explanation.sources.record.status).toBe('error');
    expect(down.features.careerAgeDays).toBeNull();
    expect(breakoutInput(down.profile, 'career_age')).toMatchObject({ raw: null, normalized: null, contribution: 0 });
  });
});

describe('hostile review 108: insufficient vs failed', () => {
  it('engagement failed and RCF empty: scoreArtists says "failed" (a read failed), not "insufficient"; with the empty series it is "insufficient"', async () => {
    const quiet = history('quiet', { organic: Array.from({ length: DAYS }, () => null) });
    const loud = history('quiet', {});
    const run = async (subject: ArtistHistory, f?: Failing) => {
      const radar = createSceneRadar({ sources: sourcesOf(subject, f), clock: fixedClock(AS_OF) });
      try {
        return (await radar.talent.scoreArtists(['quiet'], { asOf: AS_OF })).artists[0]!;
      } finally {
        await radar.close();
      }
    };
    const insufficient = await run(quiet);
    expect(insufficient.status).toBe('insufficient');
    const failed = await run(loud, ['fusion', 'getEngagement']);
    expect(failed.status).toBe('failed');
    expect(failed.reason).toMatch(/failed/);
    expect(failed.reason).toMatch(/engagement: error/);
    expect(failed.momentum).toBeNull();
    expect(failed.risk).toBeNull();
  });
});
