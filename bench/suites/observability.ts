/**
 * Observability figures: what the diagnostics channels (src/core/observe/channels.ts) cost on the
 * hot paths, side by side in one process. Four paths, each as its own suite measures it:
 * - a cache hit (`Cache.getOrCompute` on a warm key, as in `cache.ts`), per hit;
 * - the gateway per item (zero-latency source, 1,000 keys in batches of 20, as in `gateway.ts`);
 * - a warm `GET /api/talent/pulse?limit=20` through `createFetchHandler` (`Request`, `Response`,
 *   `res.text()`, as in `api.ts`) and through its light form (what the Node glue calls).
 *
 * Each path in three variants, interleaved round by round (61 rounds, the order rotating), samples
 * of about 20 ms of wall time; ratios are the medians of the per-round ratios, so a change of the
 * machine's load between rounds cancels out, and a second ratio compares each variant's fastest
 * tenth of samples (noise on a shared machine only adds time):
 * - `none`: no subscriber (what every host without a metrics consumer runs);
 * - `one`: one subscriber on every scene-radar channel, through `node:diagnostics_channel` as a
 *   host would (`subscribe(name, fn)` for plain channels, `tracingChannel(name).subscribe(...)` for
 *   tracing ones), each handler counting what it receives;
 * - `absent`: the channels taken out of `channels` (as on a runtime without
 *   `node:diagnostics_channel`, where nothing is published): the nearest thing to a build without
 *   publishing. Valid only for a path whose publishers read `channels` at each call; the suite
 *   checks that (subscribed, with the channels taken out, nothing may arrive) and leaves the
 *   variant out otherwise.
 *
 * The target (no subscriber within 5% of the channels absent) is measured first, before any
 * subscriber exists in the process (`pristine`): `none` and `absent` interleaved round by round,
 * as above. That is the state of every host without a metrics consumer. A channel that had
 * subscribers changes its prototype (Node swaps it between `Channel` and `ActiveChannel`), so a
 * call site that saw both stays polymorphic afterwards: the three-variant rounds that follow
 * measure that state too (`no_subscriber_vs_absent_after_subscriber_x`, a host that subscribed and
 * stopped), reported without a target. Runs last in `bench/run.ts` for the same reason. The suite
 * names the channels through `CHANNEL_NAMES`, so it measures whatever publishes on them.
 */
import diagnostics from 'node:diagnostics_channel';
import { createSceneRadar, fixedClock, type ArtistRecord, type MIGAdapter } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createFetchHandler } from 'scene-radar/api';
// Internal modules (not package exports): the hot paths as their own suites measure them.
import { type ApiRequestLike, LIGHT_HANDLER, type LightHandler } from '../../src/api/light.js';
import { Cache } from '../../src/core/cache/cache.js';
import { createSourceGateway } from '../../src/core/gateway/gateway.js';
import { CHANNEL_NAMES, channels } from '../../src/core/observe/channels.js';
import { nowMs, round, type Figure } from '../harness.js';

type Variant = 'none' | 'one' | 'absent';
type ChannelKey = keyof typeof CHANNEL_NAMES;

/** One hot path: `pass` runs `inner` operations; figures in `unit` per operation. */
interface HotPath {
  readonly label: string;
  readonly unit: 'ns' | 'us';
  readonly inner: number;
  readonly pass: () => Promise<void>;
}

const ROUNDS = 61;
const PRISTINE_ROUNDS = 41;
const SAMPLE_MS = 20; // each sample runs whole passes for at least this long
const ORDERS: readonly (readonly Variant[])[] = [
  ['none', 'one', 'absent'],
  ['one', 'absent', 'none'],
  ['absent', 'none', 'one'],
  ['none', 'absent', 'one'],
  ['one', 'none', 'absent'],
  ['absent', 'one', 'none'],
];

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))]!;
};

/** Messages received per channel name while subscribed. */
const received = new Map<string, number>();
const count = (name: string) => (): void => {
  received.set(name, (received.get(name) ?? 0) + 1);
};

/** One subscriber on every scene-radar channel, as a host subscribes; returns the unsubscribe. */
function subscribeAll(): () => void {
  const undo: (() => void)[] = [];
  for (const [key, name] of Object.entries(CHANNEL_NAMES) as [ChannelKey, string][]) {
    const published = channels[key] as unknown;
    const tracing =
      published !== undefined && typeof (published as { tracePromise?: unknown }).tracePromise === 'function';
    if (tracing) {
      const channel = diagnostics.tracingChannel(name);
      const on = count(name);
      const handlers = { start: on, end: on, asyncStart: on, asyncEnd: on, error: on };
      channel.subscribe(handlers);
      undo.push(() => channel.unsubscribe(handlers));
    } else {
      const on = count(name);
      diagnostics.subscribe(name, on);
      undo.push(() => diagnostics.unsubscribe(name, on));
    }
  }
  return () => {
    for (const u of undo) u();
  };
}

/** Takes every channel out of `channels` (the runtime-without-channels path); returns the restore. */
function takeChannelsOut(): () => void {
  const saved = { ...channels };
  for (const key of Object.keys(channels) as (keyof typeof channels)[])
    (channels as Record<string, unknown>)[key] = undefined;
  return () => Object.assign(channels, saved);
}

const totalReceived = (): number => [...received.values()].reduce((a, b) => a + b, 0);

/** Messages per operation of `path` with one subscriber, by channel name (one pass). */
async function messagesPerOp(path: HotPath): Promise<Record<string, number>> {
  received.clear();
  const unsubscribe = subscribeAll();
  try {
    await path.pass();
  } finally {
    unsubscribe();
  }
  return Object.fromEntries([...received].map(([name, n]) => [name, n / path.inner]));
}

/** Whether the `absent` variant really silences `path`: subscribed with the channels taken out, nothing arrives. */
async function absentSilences(path: HotPath): Promise<boolean> {
  received.clear();
  const unsubscribe = subscribeAll();
  const restore = takeChannelsOut();
  try {
    await path.pass();
  } finally {
    restore();
    unsubscribe();
  }
  return totalReceived() === 0;
}

async function sample(path: HotPath, passes: number, variant: Variant): Promise<number> {
  const undo = variant === 'one' ? subscribeAll() : variant === 'absent' ? takeChannelsOut() : undefined;
  try {
    // Wall time, no forced GC: a full collection before each sample left its background sweeping
    // in the next sample's CPU time (every thread counts there), which inflated and scattered it.
    const t0 = nowMs();
    for (let p = 0; p < passes; p++) await path.pass();
    const ms = nowMs() - t0;
    return (ms * (path.unit === 'ns' ? 1e6 : 1e3)) / (passes * path.inner);
  } finally {
    undo?.();
  }
}

/** Passes per sample so that one sample lasts about {@link SAMPLE_MS}. */
async function passesFor(path: HotPath): Promise<number> {
  // About a second of warm-up (the JIT settles) before anything is measured.
  const w0 = nowMs();
  while (nowMs() - w0 < 1000) await path.pass();
  const t0 = nowMs();
  for (let i = 0; i < 10; i++) await path.pass();
  const passMs = (nowMs() - t0) / 10;
  return Math.max(1, Math.ceil(SAMPLE_MS / passMs));
}

/** The observability figures: each hot path with no subscriber, one subscriber and the channels absent. */
export async function observabilitySuite(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const paths = await buildPaths();

  // Pristine: no subscriber has ever existed in this process (the suites before this one never
  // subscribe). `none` against `absent`, interleaved, the order flipping each round.
  const pristine = new Map<string, { none: number[]; absent: number[] }>();
  const passes = new Map<string, number>();
  for (const path of paths) {
    const n = await passesFor(path);
    passes.set(path.label, n);
    const xs = { none: [] as number[], absent: [] as number[] };
    for (let r = 0; r < PRISTINE_ROUNDS; r++)
      for (const v of r % 2 ? (['absent', 'none'] as const) : (['none', 'absent'] as const))
        xs[v].push(await sample(path, n, v));
    pristine.set(path.label, xs);
  }

  for (const path of paths) {
    const perOp = await messagesPerOp(path);
    const silent = await absentSilences(path);
    const n = passes.get(path.label)!;
    // Warm every variant, then the rounds.
    for (const v of ORDERS[0]!) await sample(path, n, v);
    const samples: Record<Variant, number[]> = { none: [], one: [], absent: [] };
    for (let r = 0; r < ROUNDS; r++)
      for (const v of ORDERS[r % ORDERS.length]!) samples[v].push(await sample(path, n, v));
    const [none, one, absent] = [median(samples.none), median(samples.one), median(samples.absent)];
    // Ratios are medians of the paired per-round ratios: the samples of one round are adjacent in
    // time, so a change in the machine's load between rounds cancels out.
    const pairs = (a: number[], b: number[]): number[] => a.map((x, i) => x / b[i]!);
    const oneVsNone = pairs(samples.one, samples.none);
    const noneVsAbsent = pairs(samples.none, samples.absent);
    const digits = path.unit === 'ns' ? 1 : 2;
    const base = `observability.${path.label}`;
    const messages = Object.values(perOp).reduce((a, b) => a + b, 0);
    const before = pristine.get(path.label)!;
    figures.push({ name: `${base}_no_subscriber_median_${path.unit}`, value: round(median(before.none), digits) });
    figures.push({
      name: `${base}_no_subscriber_after_subscriber_median_${path.unit}`,
      value: round(none, digits),
    });
    figures.push({ name: `${base}_one_subscriber_median_${path.unit}`, value: round(one, digits) });
    figures.push({ name: `${base}_one_subscriber_vs_none_x`, value: round(median(oneVsNone), 3) });
    figures.push({ name: `${base}_messages_per_op`, value: round(messages, 3) });
    if (silent) {
      const ratio = median(pairs(before.none, before.absent));
      figures.push({
        name: `${base}_channels_absent_median_${path.unit}`,
        value: round(median(before.absent), digits),
      });
      figures.push({
        name: `${base}_no_subscriber_vs_absent_x`,
        value: round(ratio, 3),
        target: '< 1.05',
        pass: ratio < 1.05,
      });
      // Noise on a shared machine only adds time: the fastest tenth of each variant's samples is
      // what a quiet core gives, and their ratio a second reading of the same cost.
      figures.push({
        name: `${base}_no_subscriber_vs_absent_p10_x`,
        value: round(quantile(before.none, 0.1) / quantile(before.absent, 0.1), 3),
      });
      // The same after a subscriber came and went (the call sites have seen both prototypes).
      figures.push({
        name: `${base}_no_subscriber_vs_absent_after_subscriber_x`,
        value: round(median(noneVsAbsent), 3),
      });
      figures.push({
        name: `${base}_channels_absent_after_subscriber_median_${path.unit}`,
        value: round(absent, digits),
      });
    }
    figures.push({
      name: `${base}_one_subscriber_vs_none_p10_x`,
      value: round(quantile(samples.one, 0.1) / quantile(samples.none, 0.1), 3),
    });
    // The spread of the paired per-round ratios, for the record (not a figure).
    const iqr = (xs: number[]): string => `${quantile(xs, 0.25).toFixed(3)}-${quantile(xs, 0.75).toFixed(3)}`;
    process.stderr.write(
      `  ${path.label}: ${n} passes x ${path.inner} ops per sample; messages per op ${JSON.stringify(perOp)}; ` +
        `one/none per round p25-p75 ${iqr(oneVsNone)}` +
        (silent
          ? `; none/absent per round p25-p75 ${iqr(noneVsAbsent)}`
          : '; absent variant left out (a publisher holds its channel)') +
        '\n',
    );
  }
  await paths.close();
  return figures;
}

/** The four hot paths, set up as their own suites set them up. */
async function buildPaths(): Promise<HotPath[] & { close: () => Promise<void> }> {
  // Cache hit: 1,000 warm keys, one pass = 1,000 awaited hits (cache.ts), in a namespaced cache as the radar's are.
  const cache = new Cache<{ heat: number }>({ ttlMs: 3_600_000, maxEntries: 10_000, namespace: 'scenes:' });
  const keys = Array.from({ length: 1000 }, (_, i) => `scene-pulse:scene-${i}`);
  for (let i = 0; i < 1000; i++) await cache.getOrCompute(keys[i]!, async () => ({ heat: i }));
  const never = async (): Promise<{ heat: number }> => {
    throw new Error('hit path must not compute');
  };

  // Gateway per item: zero-latency source, 1,000 keys in batches of 20 (gateway.ts).
  const record = (slug: string): ArtistRecord => ({
    slug,
    name: slug,
    homeRegion: 'uk',
    homeCity: null,
    firstSeen: '2025-01-01T00:00:00.000Z',
  });
  const mig: MIGAdapter = {
    maxBatchSize: 20,
    listArtists: async () => ({ items: [], nextCursor: null }),
    getArtists: async (ks) => new Map(ks.map((k) => [k, record(k)])),
    getNetworks: async () => new Map(),
  };
  const gateway = createSourceGateway({ sources: { mig } });
  const many = Array.from({ length: 1000 }, (_, i) => `artist-${i}`);
  const asOf = new Date('2026-06-01T00:00:00Z');

  // HTTP: the demo world of 150 artists, refreshed, warm Talent pulse (api.ts).
  const NOW = new Date('2026-11-25T00:00:00.000Z');
  const world = createDemoWorld({ artists: 150, end: '2026-11-24' });
  const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh(NOW);
  const handler = createFetchHandler(radar);
  const url = 'http://localhost/api/talent/pulse?limit=20';
  const first = await handler(new Request(url));
  if (first.status !== 200) throw new Error(`GET ${url}: ${first.status}`);
  await first.text();
  const light = (handler as unknown as Record<symbol, LightHandler>)[LIGHT_HANDLER]!;
  const request: ApiRequestLike = { method: 'GET', url, header: () => null, request: () => new Request(url) };
  const context = { clientAddress: '127.0.0.1', rawUrl: '/api/talent/pulse?limit=20' };
  if ((await light(request, context)).status !== 200) throw new Error(`light GET ${url}: not a 200`);

  const paths: HotPath[] = [
    {
      label: 'cache_hit',
      unit: 'ns',
      inner: 1000,
      pass: async () => {
        for (let i = 0; i < 1000; i++) await cache.getOrCompute(keys[i]!, never);
      },
    },
    {
      label: 'gateway_per_item',
      unit: 'us',
      inner: many.length,
      pass: async () => {
        const out = await gateway.batch('mig', 'getArtists', many, { asOf });
        if (out.size !== many.length) throw new Error('gateway benchmark lost keys');
      },
    },
    {
      label: 'http_warm_pulse',
      unit: 'us',
      inner: 100,
      pass: async () => {
        for (let i = 0; i < 100; i++) await (await handler(new Request(url))).text();
      },
    },
    {
      label: 'http_warm_pulse_light',
      unit: 'us',
      inner: 100,
      pass: async () => {
        for (let i = 0; i < 100; i++) await light(request, context);
      },
    },
  ];
  return Object.assign(paths, {
    close: async () => {
      gateway.close();
      await radar.close();
    },
  });
}
