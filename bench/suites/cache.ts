/** Cache figures: hit path, single-flight, serving stale within grace. */
import { Cache } from '../../src/core/cache/cache.js';
import { medianNs, medianOf, nowMs, round, type Figure } from '../harness.js';

export async function cacheSuite(): Promise<Figure[]> {
  const figures: Figure[] = [];

  // Hit path: getOrCompute on a fresh entry, 1,000 awaited hits per sample.
  const cache = new Cache<{ heat: number }>({ ttlMs: 3_600_000, maxEntries: 10_000 });
  for (let i = 0; i < 1000; i++) await cache.getOrCompute(`scene-pulse:scene-${i}`, async () => ({ heat: i }));
  const keys = Array.from({ length: 1000 }, (_, i) => `scene-pulse:scene-${i}`);
  const never = async (): Promise<{ heat: number }> => {
    throw new Error('hit path must not compute');
  };
  const hitNs = await medianNs(
    'cache hit (getOrCompute, awaited)',
    async () => {
      for (let i = 0; i < 1000; i++) await cache.getOrCompute(keys[i]!, never);
    },
    { inner: 1000 },
  );
  figures.push({
    name: 'cache.hit_get_or_compute_median_ns',
    value: round(hitNs, 1),
    target: '< 1000 ns',
    pass: hitNs < 1000,
  });
  const peekNs = await medianNs(
    'cache hit (peek, sync)',
    () => {
      for (let i = 0; i < 1000; i++) cache.peek(keys[i]!);
    },
    { inner: 1000 },
  );
  figures.push({ name: 'cache.hit_peek_median_ns', value: round(peekNs, 1), target: '< 1000 ns', pass: peekNs < 1000 });

  // Single-flight: 10,000 concurrent misses on one key.
  const sf = new Cache<number>({ ttlMs: 60_000 });
  let computations = 0;
  const slow = () =>
    new Promise<number>((resolve) => {
      computations++;
      setTimeout(() => resolve(1), 20);
    });
  await Promise.all(Array.from({ length: 10_000 }, () => sf.getOrCompute('cold', slow)));
  figures.push({
    name: 'cache.single_flight_10000_concurrent_misses_computations',
    value: computations,
    target: '= 1',
    pass: computations === 1,
  });

  // Grace: an entry past its TTL is served at once while one refresh (50 ms) runs.
  const grace = new Cache<string>({ ttlMs: 1, graceMs: 3_600_000 });
  let refreshes = 0;
  const refresh = () =>
    new Promise<string>((resolve) => {
      refreshes++;
      setTimeout(() => resolve('new'), 50);
    });
  await grace.getOrCompute('k', async () => 'old');
  await new Promise((r) => setTimeout(r, 5));
  const staleMs = await medianOf(1000, async () => {
    const t0 = nowMs();
    await grace.getOrCompute('k', refresh);
    return nowMs() - t0;
  });
  figures.push({
    name: 'cache.stale_in_grace_serve_median_ms',
    value: round(staleMs, 4),
    target: '< 1 ms',
    pass: staleMs < 1,
  });
  figures.push({
    name: 'cache.stale_in_grace_refreshes_during_1000_serves',
    value: refreshes,
    target: '= 1',
    pass: refreshes === 1,
  });
  return figures;
}
