/**
 * Single-flight through the HTTP handler: 1,000 simultaneous requests for one cold resource
 * (a scene pulse, an artist profile, the Talent pulse) call each source method exactly as often as
 * one cold request does, and all get the same 200. The baseline is measured on a second radar
 * prepared the same way (demo world imported and refreshed, then both engines' caches cleared).
 * A second round holds every source call until the last of 10 waves of requests (1 ms apart) has
 * arrived, so late arrivals must join the computation in flight rather than start their own.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createFetchHandler, type FetchHandler } from 'scene-radar/api';
import { countingSources, type CountingSources } from '../helpers/counting-sources.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const CROWD = 1_000;
const world = createDemoWorld({ artists: 150, end: '2026-11-24' });
const SCENE = world.catalog.scenes[0]!.slug;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Cold {
  readonly handler: FetchHandler;
  readonly counter: CountingSources<typeof world.sources>;
  /** The top rising artist (the same on every radar: same world, same clock). */
  readonly artist: string;
  /** Lets source calls through (when the radar was made with `hold`). */
  release(): void;
  close(): Promise<void>;
}

/**
 * A radar over counted sources, refreshed, then with both engines' caches cleared, its clock
 * moved on by `laterMs`, and counts reset. With `hold`, source calls from then on wait for `release()`.
 */
async function coldRadar(hold: boolean, laterMs = 0): Promise<Cold> {
  let gate: Promise<void> | undefined;
  let release = (): void => undefined;
  const counter = countingSources(world.sources, { beforeCall: () => gate });
  const clock = fixedClock(NOW);
  const radar = createSceneRadar({ sources: counter.sources, clock });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh(NOW);
  const artist = (await radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 1 })).artists[0]!
    .artist_slug;
  await radar.scenes.pulse.clearCache();
  await radar.talent.aggregator.clearCache();
  clock.advance(laterMs);
  counter.reset();
  if (hold) {
    gate = new Promise((r) => (release = r));
    gate.then(() => (gate = undefined));
  }
  return { handler: createFetchHandler(radar), counter, artist, release: () => release(), close: () => radar.close() };
}

const RESOURCES = [
  { name: 'GET /api/scenes/{slug}/pulse', path: () => `/api/scenes/${SCENE}/pulse` },
  { name: 'GET /api/talent/artists/{slug}', path: (c: Cold) => `/api/talent/artists/${c.artist}` },
  // A minute after the refresh: as of its own instant, the hottest scenes (the Talent pulse's only
  // reads) are the pulses the refresh has just computed, served without a read.
  { name: 'GET /api/talent/pulse', path: () => '/api/talent/pulse', laterMs: 60_000 },
] as const;

/**
 * What one cold request reads: each source method once, except the profile, which reads CMG
 * releases twice (the artist's own for its signals, then its similar-artist candidates' for sound
 * similarity: two different sets of keys, in sequence).
 */
const SINGLE_REQUEST_EXCEPTIONS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'GET /api/talent/artists/{slug}': { 'cmg.getReleases': 2 },
};

async function run(resource: (typeof RESOURCES)[number], waves: number): Promise<void> {
  const later = 'laterMs' in resource ? resource.laterMs : 0;
  const [alone, crowd] = [await coldRadar(false, later), await coldRadar(waves > 1, later)];
  try {
    expect(crowd.artist).toBe(alone.artist);
    const url = `http://localhost${resource.path(alone)}`;

    const single = await alone.handler(new Request(url));
    const singleText = await single.text();
    expect(single.status, singleText.slice(0, 300)).toBe(200);
    const baseline = alone.counter.counts();
    expect(Object.keys(baseline).length, 'a cold request reads sources').toBeGreaterThan(0);
    const exceptions = SINGLE_REQUEST_EXCEPTIONS[resource.name] ?? {};
    for (const [method, calls] of Object.entries(baseline))
      expect(calls, `${method} calls for one cold request`).toBe(exceptions[method] ?? 1);

    const pending: Promise<Response>[] = [];
    let firstAnswerAt = Infinity;
    let lastWaveAt = 0;
    for (let w = 0; w < waves; w++) {
      if (w > 0) await sleep(1);
      lastWaveAt = performance.now();
      for (let i = 0; i < CROWD / waves; i++)
        pending.push(
          crowd.handler(new Request(url)).finally(() => (firstAnswerAt = Math.min(firstAnswerAt, performance.now()))),
        );
    }
    await sleep(1);
    crowd.release();
    const responses = await Promise.all(pending);
    // The last wave came while the first computation was still waiting (it joined, not hit a cache).
    expect(lastWaveAt, 'the last wave arrived before any answer').toBeLessThan(firstAnswerAt);
    const texts = await Promise.all(responses.map((r) => r.text()));
    expect(responses.length).toBe(CROWD);
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([200]));
    expect(new Set(texts).size, 'every answer is the same').toBe(1);
    expect(texts[0]).toBe(singleText);
    expect(crowd.counter.counts(), `${CROWD} concurrent requests read what one does`).toEqual(baseline);
  } finally {
    await alone.close();
    await crowd.close();
  }
}

describe(`${CROWD} concurrent cold requests through the handler call each source as often as one`, () => {
  it.each(RESOURCES.map((r) => [r.name, r] as const))(
    '%s, all at once',
    async (_name, resource) => {
      await run(resource, 1);
    },
    30_000,
  );

  it.each(RESOURCES.map((r) => [r.name, r] as const))(
    '%s, in 10 waves 1 ms apart while the first source call waits',
    async (_name, resource) => {
      await run(resource, 10);
    },
    30_000,
  );
});
