/**
 * Gateway figures: 100 keys through a source with per-item latency L at concurrency 10, against a
 * batch-capable source and against sequential calls; the gateway's own overhead per item; and the
 * cost of the sanity bounds on each kind of payload, measured side by side with parsing alone.
 */
import { resolveConfig, type ArtistRecord, type MIGAdapter } from 'scene-radar';
import { createDeadline } from '../../src/core/gateway/deadline.js';
import { createSourceGateway } from '../../src/core/gateway/gateway.js';
import type { z } from 'zod';
// Internal modules (not package exports): the bounds are measured piece by piece, as the gateway
// calls them, so "without the checks" is the same parse with nothing else, in the same process.
import { DEFAULT_CONFIG } from '../../src/config.js';
import { BATCH_METHODS } from '../../src/contracts/registry.js';
import { distinctObservations, oversize, outOfBounds } from '../../src/core/gateway/bounds.js';
import { parsePayload } from '../../src/core/gateway/fast-parse.js';
import { readItem } from '../../src/core/gateway/read-item.js';
import { parseInstant } from '../../src/core/time.js';
import { medianNs, nowMs, rng, round, type Figure } from '../harness.js';

const L = 20; // ms: stand-in latency of one call to a remote source
const asOf = new Date('2026-06-01T00:00:00Z');

function slowMig(latencyMs: number, maxBatchSize: number): MIGAdapter {
  const record = (slug: string): ArtistRecord => ({
    slug,
    name: slug,
    homeRegion: 'uk',
    homeCity: null,
    firstSeen: '2025-01-01T00:00:00.000Z',
  });
  return {
    maxBatchSize,
    listArtists: async () => ({ items: [], nextCursor: null }),
    getArtists: async (keys) => {
      if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
      return new Map(keys.map((k) => [k, record(k)]));
    },
    getNetworks: async () => new Map(),
  };
}

export async function gatewaySuite(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const keys = Array.from({ length: 100 }, (_, i) => `artist-${i}`);
  const config = resolveConfig({ sources: { mig: { concurrency: 10 } } });

  const time = async (mig: MIGAdapter, batchSize: number): Promise<number> => {
    const gateway = createSourceGateway({ sources: { mig }, config });
    const deadline = createDeadline(120_000);
    const t0 = nowMs();
    const out = await gateway.batch('mig', 'getArtists', keys, { asOf, deadline, batchSize });
    const elapsed = nowMs() - t0;
    deadline.dispose();
    if ([...out.values()].some((o) => o.status !== 'ok')) throw new Error('benchmark source failed');
    return elapsed;
  };

  // Warm up, then take medians of several runs of each shape, measured side by side.
  await time(slowMig(L, 1), 1);
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const runs = { perItem: [] as number[], batched: [] as number[], sequential: [] as number[] };
  for (let r = 0; r < 5; r++) {
    runs.perItem.push(await time(slowMig(L, 1), 1));
    runs.batched.push(await time(slowMig(L, 100), 100));
    const mig = slowMig(L, 1);
    const t0 = nowMs();
    for (const k of keys) await mig.getArtists([k], { asOf, signal: new AbortController().signal });
    runs.sequential.push(nowMs() - t0);
  }
  const perItem = median(runs.perItem);
  const batched = median(runs.batched);
  const sequential = median(runs.sequential);
  // The source's real latency per call (a nominal 20 ms timer fires a little late): L in the
  // figures is this measured value, so the ratios speak of the gateway, not of timer drift.
  const measuredL = sequential / keys.length;
  figures.push({ name: 'gateway.source_latency_L_measured_ms', value: round(measuredL, 2) });
  figures.push({
    name: 'gateway.100_keys_per_item_source_c10_in_L',
    value: round(perItem / measuredL, 2),
    target: '<= 10.5 L',
    pass: perItem / measuredL <= 10.5,
  });
  figures.push({
    name: 'gateway.100_keys_batch_source_in_L',
    value: round(batched / measuredL, 2),
    target: '<= 2 L',
    pass: batched / measuredL <= 2,
  });
  figures.push({ name: 'gateway.100_keys_sequential_in_L', value: round(sequential / measuredL, 2) });
  figures.push({ name: 'gateway.speedup_per_item_c10_vs_sequential_x', value: round(sequential / perItem, 2) });

  // Overhead: zero-latency source, 1,000 keys in batches of 20, validated.
  const fast = createSourceGateway({ sources: { mig: slowMig(0, 20) } });
  const many = Array.from({ length: 1000 }, (_, i) => `artist-${i}`);
  for (let i = 0; i < 5; i++) await fast.batch('mig', 'getArtists', many, { asOf });
  const samples: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t0 = nowMs();
    await fast.batch('mig', 'getArtists', many, { asOf });
    samples.push(((nowMs() - t0) * 1000) / many.length);
  }
  samples.sort((a, b) => a - b);
  figures.push({
    name: 'gateway.overhead_per_item_validated_median_us',
    value: round(samples[samples.length >> 1]!, 2),
  });

  figures.push(...boundsChecksFigures());
  // Diagnostic: the date checks read each instant with Date.parse; src/core/time.ts has a
  // hand-written reader for the same strings, used elsewhere.
  const stamps = Array.from({ length: 1024 }, (_, i) => new Date(asOf.getTime() - i * 30_817_000).toISOString());
  let t = 0;
  figures.push({
    name: 'gateway.date_parse_iso_instant_median_ns',
    value: round(
      await medianNs(
        'Date.parse',
        () => {
          for (const s of stamps) t += Date.parse(s);
        },
        { inner: stamps.length },
      ),
      1,
    ),
  });
  figures.push({
    name: 'gateway.parse_instant_iso_instant_median_ns',
    value: round(
      await medianNs(
        'parseInstant',
        () => {
          for (const s of stamps) t += parseInstant(s);
        },
        { inner: stamps.length },
      ),
      1,
    ),
  });
  if (!Number.isFinite(t)) throw new Error('benchmark instants did not parse');
  return figures;
}

// ---------------------------------------------------------------- the sanity bounds, side by side

const DAY_MS = 86_400_000;
const POOL = 256; // distinct payloads per kind, cycled, so no single object stays hot in cache
const ROUNDS = 31;
const SAMPLE_MS = 2; // each sample runs whole passes over the pool for at least this long

/** One payload kind as a source answers it for one key: realistic sizes, valid, no repeats, in bounds. */
interface PayloadKind {
  readonly label: string;
  readonly source: string;
  readonly method: string;
  readonly make: (rand: () => number, n: number) => unknown;
}

const instant = (rand: () => number, daysBack: number): string =>
  new Date(asOf.getTime() - Math.floor(rand() * daysBack * DAY_MS)).toISOString();
const day = (rand: () => number, daysBack: number): string => instant(rand, daysBack).slice(0, 10);
const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
/** Oldest first, as sources deliver them. */
const sortedBy = <T>(xs: T[], key: (x: T) => string): T[] => xs.sort((a, b) => (key(a) < key(b) ? -1 : 1));

const KINDS: readonly PayloadKind[] = [
  {
    label: 'artist_record',
    source: 'mig',
    method: 'getArtists',
    make: (rand, n) => ({
      slug: `artist-${n}`,
      name: `Artist ${n}`,
      homeRegion: 'uk',
      homeCity: 'brighton',
      firstSeen: instant(rand, 2000),
    }),
  },
  {
    label: 'engagement_365d',
    source: 'fusion',
    method: 'getEngagement',
    make: (rand) => {
      // A year ending the day before as-of; organic around a few thousand with gaps, paid mostly 0.
      const organic = Array.from({ length: 365 }, () => (rand() < 0.02 ? null : Math.round(2000 + rand() * 3000)));
      const paid = Array.from({ length: 365 }, () => (rand() < 0.1 ? Math.round(rand() * 800) : 0));
      return { start: new Date(asOf.getTime() - 365 * DAY_MS).toISOString().slice(0, 10), organic, paid };
    },
  },
  {
    label: 'events_50',
    source: 'rcf',
    method: 'getEvents',
    make: (rand, n) =>
      sortedBy(
        Array.from({ length: 50 }, (_, i) => ({
          id: `artist-${n}-e${i}`,
          type: pick(rand, [
            'playlist_add',
            'radio_play',
            'chart_entry',
            'social_spike',
            'sync_placement',
            'live_show',
          ] as const),
          at: instant(rand, 365),
          weight: Math.round(rand() * 500) / 100,
          region: rand() < 0.2 ? null : pick(rand, ['uk', 'us', 'de', 'nz']),
        })),
        (e) => e.at,
      ),
  },
  {
    label: 'articles_20',
    source: 'coverage',
    method: 'getArticles',
    make: (rand, n) =>
      sortedBy(
        Array.from({ length: 20 }, (_, i) => ({
          id: `artist-${n}-a${i}`,
          publishedAt: instant(rand, 365),
          outlet: pick(rand, ['gig-junkies', 'the-quietus', 'loud-and-quiet', 'crack']),
          outletQuality: Math.round(rand() * 1000) / 1000,
          title: rand() < 0.5 ? null : `A headline about artist ${n}, number ${i}`,
        })),
        (a) => a.publishedAt,
      ),
  },
  {
    label: 'network_10_links',
    source: 'mig',
    method: 'getNetworks',
    make: (rand, n) => ({
      tastemakers: Array.from({ length: 6 }, (_, i) => ({
        tastemaker: `indie-uk-brighton-${pick(rand, ['label', 'blog', 'curator', 'dj'])}-${n % 50}-${i}`,
        kind: pick(rand, ['playlist', 'radio', 'blog', 'dj', 'promoter', 'label', 'curator'] as const),
        weight: Math.round(rand() * 1000) / 1000,
        since: instant(rand, 1500),
      })),
      collaborators: Array.from({ length: 4 }, (_, i) => ({
        artist: `artist-${(n + i + 1) % POOL}`,
        weight: 1 + Math.floor(rand() * 4),
        since: instant(rand, 1500),
      })),
      centrality: Math.round(rand() * 1000) / 1000,
    }),
  },
  {
    label: 'releases_5',
    source: 'cmg',
    method: 'getReleases',
    make: (rand, n) =>
      sortedBy(
        Array.from({ length: 5 }, (_, i) => ({
          releaseId: `artist-${n}-r${i}`,
          releasedAt: day(rand, 1500),
          vector: Array.from({ length: 8 }, () => Math.round((rand() * 3 - 1.5) * 1e4) / 1e4),
          microgenres: ['indie-dream-pop', 'dub-metal'],
        })),
        (r) => r.releasedAt,
      ),
  },
  {
    label: 'campaigns_3',
    source: 'fusion',
    method: 'getCampaigns',
    make: (rand, n) =>
      sortedBy(
        Array.from({ length: 3 }, (_, i) => ({
          id: `artist-${n}-c${i}`,
          channel: pick(rand, ['social', 'streaming', 'search', 'display', 'radio', 'influencer'] as const),
          start: day(rand, 365),
          end: null,
          spend: Math.round(rand() * 50_000),
        })),
        (c) => c.start,
      ),
  },
];

type Variant = 'parse' | 'checked' | 'checks';

/**
 * Per kind, three ways through the same pool of payloads, interleaved round by round (the order
 * rotates so none always runs first), each sample after a full GC:
 * - `parse`: `parsePayload` alone, the validated path without the checks (as before the checks);
 * - `checked`: what the gateway now does per key, `readItem`: `oversize`, the parse (for engagement,
 *   one pass that also holds the values to their ceiling), `outOfBounds`, `distinctObservations`;
 * - `checks`: the three checks alone, on payloads parsed beforehand.
 * Medians of per-item time over the rounds.
 */
function boundsChecksFigures(): Figure[] {
  const bounds = DEFAULT_CONFIG.payloads;
  const asOfMs = asOf.getTime();
  const gc = (globalThis as { gc?: () => void }).gc;
  const figures: Figure[] = [];
  const orders: readonly (readonly Variant[])[] = [
    ['parse', 'checked', 'checks'],
    ['checked', 'checks', 'parse'],
    ['checks', 'parse', 'checked'],
    ['parse', 'checks', 'checked'],
    ['checked', 'parse', 'checks'],
    ['checks', 'checked', 'parse'],
  ];
  for (const kind of KINDS) {
    const rand = rng(7);
    const name = `${kind.source}.${kind.method}`;
    const schema = (BATCH_METHODS as unknown as Record<string, Record<string, z.ZodType>>)[kind.source]![kind.method]!;
    const raws = Array.from({ length: POOL }, (_, n) => kind.make(rand, n));
    const parsedPool = raws.map((raw) => {
      const parsed = parsePayload(schema, raw);
      if (!parsed.success) throw new Error(`benchmark payload ${kind.label} does not parse: ${parsed.error.message}`);
      return parsed.data;
    });
    // Every payload must pass every check, and carry no repeat: the cost measured is the full walk.
    for (let i = 0; i < POOL; i++) {
      const problem = oversize(name, raws[i], bounds) ?? outOfBounds(name, parsedPool[i], asOfMs, bounds);
      if (problem !== undefined) throw new Error(`benchmark payload ${kind.label} breaks a bound: ${problem}`);
      if (distinctObservations(name, parsedPool[i]) !== parsedPool[i])
        throw new Error(`benchmark payload ${kind.label} has repeats`);
    }

    let sink = 0;
    const pass: Record<Variant, () => void> = {
      parse: () => {
        for (let i = 0; i < POOL; i++) if (parsePayload(schema, raws[i]).success) sink++;
      },
      checked: () => {
        for (let i = 0; i < POOL; i++) if (readItem(name, schema, raws[i], asOfMs, bounds).ok) sink++;
      },
      checks: () => {
        for (let i = 0; i < POOL; i++) {
          if (oversize(name, raws[i], bounds)) continue;
          if (
            outOfBounds(name, parsedPool[i], asOfMs, bounds) === undefined &&
            distinctObservations(name, parsedPool[i]) !== undefined
          )
            sink++;
        }
      },
    };
    // Warm up every variant (JIT), then size the samples: passes per sample from the slowest variant.
    let slowestPassMs = 0;
    for (const v of orders[0]!) {
      for (let i = 0; i < 20; i++) pass[v]();
      const t0 = nowMs();
      for (let i = 0; i < 5; i++) pass[v]();
      slowestPassMs = Math.max(slowestPassMs, (nowMs() - t0) / 5);
    }
    const passes = Math.max(1, Math.ceil(SAMPLE_MS / slowestPassMs));
    const samples: Record<Variant, number[]> = { parse: [], checked: [], checks: [] };
    sink = 0;
    for (let r = 0; r < ROUNDS; r++) {
      for (const v of orders[r % orders.length]!) {
        gc?.();
        const t0 = nowMs();
        for (let p = 0; p < passes; p++) pass[v]();
        samples[v].push(((nowMs() - t0) * 1000) / (passes * POOL));
      }
    }
    if (sink !== 3 * ROUNDS * passes * POOL)
      throw new Error(`benchmark ${kind.label}: not every payload passed (${sink})`);
    const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const [parse, checked, checks] = [med(samples.parse), med(samples.checked), med(samples.checks)];
    const digits = parse < 1 ? 3 : 2;
    figures.push({ name: `gateway.parse_only_per_item_${kind.label}_median_us`, value: round(parse, digits) });
    figures.push({ name: `gateway.parse_and_checks_per_item_${kind.label}_median_us`, value: round(checked, digits) });
    figures.push({ name: `gateway.bounds_checks_per_item_${kind.label}_median_us`, value: round(checks, 3) });
    figures.push({ name: `gateway.checks_ratio_with_vs_without_${kind.label}_x`, value: round(checked / parse, 2) });
  }
  return figures;
}
