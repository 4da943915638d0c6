/**
 * Demo-world figures: a 100,000-artist world must cost little memory (artists are generated on
 * demand from their own seeds) and generate histories fast enough for benchmarks of the engines.
 */
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { nowMs, round, type Figure } from '../harness.js';

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const heapMb = (): number => {
  gc();
  return process.memoryUsage().heapUsed / 1_048_576;
};

export async function demoWorldSuite(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const N = 100_000;
  const end = '2026-11-24';

  const builds: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = nowMs();
    createDemoWorld({ artists: N, end, seed: 100 + i });
    builds.push(nowMs() - t0);
  }
  builds.sort((a, b) => a - b);
  figures.push({ name: 'demo.build_100k_world_median_ms', value: round(builds[2]!, 1) });

  const base = heapMb();
  const world = createDemoWorld({ artists: N, end, seed: 42 });
  const slugs = world.dataset.artistSlugs();
  const t0 = nowMs();
  world.dataset.artistHistory(slugs[0]!);
  figures.push({ name: 'demo.first_history_100k_world_incl_headers_and_graph_ms', value: round(nowMs() - t0, 1) });

  const per: number[] = [];
  for (let i = 1; i <= 1000; i++) {
    const slug = slugs[(i * 97) % N]!;
    const s = nowMs();
    world.dataset.artistHistory(slug);
    per.push(nowMs() - s);
  }
  per.sort((a, b) => a - b);
  figures.push({ name: 'demo.history_generation_cold_median_us', value: round(per[500]! * 1000, 1) });
  const heap = heapMb() - base;
  figures.push({
    name: 'demo.heap_100k_world_after_1000_histories_mb',
    value: round(heap, 1),
    target: '< 200 MB',
    pass: heap < 200,
  });
  const stats = world.stats();
  figures.push({ name: 'demo.header_bytes_per_artist', value: round(stats.headerBytes / N, 1) });
  figures.push({ name: 'demo.heap_bytes_per_artist_100k_world', value: Math.round((heap * 1_048_576) / N) });
  return figures;
}
