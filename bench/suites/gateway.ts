/**
 * Gateway figures: 100 keys through a source with per-item latency L at concurrency 10, against a
 * batch-capable source and against sequential calls; and the gateway's own overhead per item.
 */
import { createDeadline, createSourceGateway, resolveConfig, type ArtistRecord, type MIGAdapter } from 'scene-radar';
import { nowMs, round, type Figure } from '../harness.js';

const L = 20; // ms: stand-in latency of one call to a remote source
const asOf = new Date('2026-06-01T00:00:00Z');

function slowMig(latencyMs: number, maxBatchSize: number): MIGAdapter {
  const record = (slug: string): ArtistRecord => ({ slug, name: slug, homeRegion: 'uk', homeCity: null, firstSeen: '2025-01-01T00:00:00.000Z' });
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
  figures.push({ name: 'gateway.100_keys_per_item_source_c10_in_L', value: round(perItem / measuredL, 2), target: '<= 10.5 L', pass: perItem / measuredL <= 10.5 });
  figures.push({ name: 'gateway.100_keys_batch_source_in_L', value: round(batched / measuredL, 2), target: '<= 2 L', pass: batched / measuredL <= 2 });
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
  figures.push({ name: 'gateway.overhead_per_item_validated_median_us', value: round(samples[samples.length >> 1]!, 2) });
  return figures;
}
