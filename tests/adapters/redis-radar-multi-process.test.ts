/**
 * Issue 16's evidence with whole radars: three instances, each a process of its own (forked:
 * tests/fixtures/redis-radar-instance.ts), each `createSceneRadar` with the Redis cache tier and
 * PostgreSQL stores on one schema, over the same deterministic sources (the demo world), which
 * count every call per source key in one Redis hash. Against the real local Redis and PostgreSQL:
 * without either, every test fails (none is skipped).
 * - 1,000 concurrent cold requests (artist profiles) spread over the three reach each source key
 *   once per profile that reads it: exactly the calls one process computing each profile once
 *   makes (a profile also reads the releases of its sound candidates, so those keys are read once
 *   per profile naming them; every other key once in all), and every instance serves the bytes of
 *   that process;
 * - `clearCache` on one instance reaches the two others (p99 logged; the 100 ms target is
 *   `npm run bench -- cache-tier`'s `cache_tier.invalidation_p99_ms`), and the next
 *   requests on all three read the sources once more, not three times;
 * - an instance killed with SIGKILL while it holds a profile's lock: another computes the profile
 *   once the lease has run out.
 * The figures are printed (docs/scale-out.md quotes them).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createPostgresStores, migrate } from '../../adapters/postgres/index.js';
import { createSceneRadar, fixedClock } from '../../src/index.js';
import { digest, keyCounting, MP_NOW, MP_WORLD } from '../fixtures/redis-radar-world.js';
import { fileTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js';
import { dropPrefix, TEST_REDIS_URL, testPrefix, testRedis } from '../helpers/redis-test.js';
import { tsFork } from '../helpers/ts-entry.js';

// The lease must outlast the longest stall of an instance's event loop (the holder renews it on a
// timer): at 500 ms, a burst of profile computations on a loaded 2-core machine let leases lapse
// and keys be computed twice; 2 s holds.
const LEASE_MS = 2000;
const LATENCY_MS = 20;
/** Artists whose profiles are asked for (one more is the lock test's). */
const PROFILED = 36;
const INSTANCE = fileURLToPath(new URL('../fixtures/redis-radar-instance.ts', import.meta.url));

interface Instance {
  readonly child: ChildProcess;
  readonly inbox: Map<number, (message: Record<string, unknown>) => void>;
  readonly events: Record<string, unknown>[];
}

const database = fileTestDatabase();
let redis: Redis;
let prefix: string;
let artists: string[] = [];
const instances: Instance[] = [];
let nextId = 0;

function start(schema: string): Promise<Instance> {
  // node itself (tsFork: this run's bundle, or tsx's loader), so a SIGKILL reaches the instance (no wrapper process).
  const { modulePath, execArgv } = tsFork(INSTANCE);
  const child = fork(
    modulePath,
    [TEST_DATABASE_URL, schema, TEST_REDIS_URL, prefix, String(LEASE_MS), String(LATENCY_MS)],
    { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const instance: Instance = { child, inbox: new Map(), events: [] };
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`instance exited early (${String(code)})`)));
    child.on('message', (raw) => {
      const m = raw as Record<string, unknown>;
      if (m.ev === 'ready') resolve(instance);
      else if (typeof m.id === 'number' && instance.inbox.has(m.id)) {
        instance.inbox.get(m.id)!(m);
        instance.inbox.delete(m.id);
      } else instance.events.push(m);
    });
  });
}

function ask(instance: Instance, command: Record<string, unknown>): Promise<Record<string, unknown>> {
  const id = nextId++;
  return new Promise((resolve) => {
    instance.inbox.set(id, resolve);
    instance.child.send({ ...command, id });
  });
}

/** The shared call counts: `source.method:key` -> calls, over every instance. */
async function sharedCalls(): Promise<Map<string, number>> {
  const raw = await redis.hgetall(`${prefix}calls`);
  return new Map(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
}

/** What one process (no shared tier, cold caches) reads computing each of a set of profiles once, and serves. */
interface Reference {
  /** `source.method:key` -> calls. */
  readonly calls: Map<string, number>;
  /** Artist -> digest of its profile. */
  readonly digests: Map<string, string>;
}
let reference: (slugs: readonly string[]) => Promise<Reference>;

/** `after - before`, keys with no difference left out. */
function difference(after: Map<string, number>, before: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, n] of after) if (n !== (before.get(k) ?? 0)) out.set(k, n - (before.get(k) ?? 0));
  return out;
}

const sorted = (m: Map<string, number>): [string, number][] => [...m].sort(([a], [b]) => (a < b ? -1 : 1));

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

// Set up once, on the first test's beforeEach: without Redis or PostgreSQL every test fails.
let setup: Promise<void> | undefined;
beforeEach(() => {
  setup ??= (async () => {
    redis = await testRedis();
    const db = await database();
    prefix = testPrefix('radar-mp');
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    // The catalog in the shared tables, as a deployment's would be.
    const world = createDemoWorld(MP_WORLD);
    const page = await world.sources.mig.listArtists(
      { limit: 100 },
      { asOf: new Date(MP_NOW), signal: new AbortController().signal },
    );
    artists = page.items.map((a) => a.slug);
    const stores = createPostgresStores({ pool: db.pool }, { schema });
    const admin = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(new Date(MP_NOW)) });
    await admin.scenes.importCatalog(world.catalog);
    await admin.close();
    // The reference: a radar of this process on the same tables, without the tier, cold.
    reference = async (slugs) => {
      const calls = new Map<string, number>();
      const one = createSceneRadar({
        sources: keyCounting(world.sources, (keys) => {
          for (const k of keys) calls.set(k, (calls.get(k) ?? 0) + 1);
        }),
        stores,
        clock: fixedClock(new Date(MP_NOW)),
      });
      const profiles = await Promise.all(slugs.map((s) => one.talent.aggregator.buildArtistProfile(s)));
      await one.close();
      return { calls, digests: new Map(slugs.map((s, i) => [s, digest(profiles[i])])) };
    };
    instances.push(...(await Promise.all([start(schema), start(schema), start(schema)])));
  })();
  return setup;
}, 60_000);

afterAll(async () => {
  for (const i of instances) {
    i.child.removeAllListeners('exit');
    if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGKILL');
  }
  if (!redis) return;
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

describe('three radars in three processes over one Redis and one PostgreSQL', () => {
  it('1,000 concurrent cold requests spread over the three reach each source key once per profile', async () => {
    const slugs = artists.slice(0, PROFILED);
    // 1,000 requests over the artists in a shuffled order, dealt round-robin to the instances.
    const requests = Array.from({ length: 1000 }, (_, i) => slugs[(i * 7919) % slugs.length]!);
    const began = performance.now();
    const answers = await Promise.all(
      instances.map((inst, n) =>
        ask(inst, { op: 'profiles', slugs: requests.filter((_, i) => i % instances.length === n) }),
      ),
    );
    const wall = performance.now() - began;
    expect(answers.map((a) => a.failed)).toEqual([0, 0, 0]);
    expect(answers.reduce((s, a) => s + (a.served as number), 0)).toBe(1000);
    // Every instance served the bytes of the one process.
    const one = await reference(slugs);
    for (const a of answers)
      for (const [slug, d] of Object.entries(a.digests as Record<string, string>))
        expect(d, slug).toBe(one.digests.get(slug));
    const calls = await sharedCalls();
    const expected = one.calls;
    const counts = [...calls.values()];
    const once = [...calls].filter(([k, n]) => n === 1 && !k.startsWith('cmg.getReleases:')).length;
    const byInstance = (await Promise.all(instances.map((inst) => ask(inst, { op: 'counts' })))).map((c) =>
      Object.values(c.calls as Record<string, number>).reduce((a, b) => a + b, 0),
    );
    console.info(
      `[radar multi-process] 1,000 cold profile requests over ${slugs.length} artists, 3 instances: ${calls.size} source keys, ${counts.reduce((a, b) => a + b, 0)} key reads (one process computing each profile once: ${[...expected.values()].reduce((a, b) => a + b, 0)}); ${once} keys other than sound candidates' releases, each read once; key reads by instance ${byInstance.join('/')}; wall ${wall.toFixed(0)} ms`,
    );
    expect(sorted(calls)).toEqual(sorted(expected));
    // Keys only the artist's own profile reads: exactly once in all (releases are also read as sound candidates).
    for (const [k, n] of calls) if (!k.startsWith('cmg.getReleases:')) expect(n, k).toBe(1);
    // The work was shared, not done by one instance alone.
    expect(byInstance.filter((n) => n > 0).length).toBeGreaterThan(1);
  }, 45_000);

  it('clearCache on one instance is seen by the two others (each delivery within 2 s; the 100 ms p99 is the benchmark target); the next reads hit the sources once', async () => {
    const slugs = artists.slice(0, PROFILED);
    const cleared = slugs.slice(0, 30);
    // 150 clears (each of the 30 profiles five times, from the three instances in turn): 300 deliveries.
    const latencies: number[] = [];
    for (let r = 0; r < 150; r++) {
      const slug = cleared[r % cleared.length]!;
      const from = instances[r % instances.length]!;
      for (const i of instances) i.events.length = 0;
      const reply = await ask(from, { op: 'clear', slug });
      const others = instances.filter((i) => i !== from);
      const deadline = Date.now() + 2000;
      const heard = (o: Instance) => o.events.find((e) => e.ev === 'inv' && String(e.key).endsWith(`profile:${slug}`));
      while (!others.every(heard)) {
        if (Date.now() > deadline) throw new Error(`the clear of ${slug} did not reach every instance`);
        await new Promise((res) => setTimeout(res, 1));
      }
      for (const o of others) latencies.push((heard(o)!.at as number) - (reply.t0 as number));
    }
    latencies.sort((a, b) => a - b);
    expect(latencies).toHaveLength(300);
    const [p50, p99, max] = [pct(latencies, 50), pct(latencies, 99), latencies.at(-1)!];
    console.info(
      `[radar multi-process] clearCache of one profile on one instance until the two others dropped it: ${latencies.length} deliveries, p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${max.toFixed(2)} ms`,
    );
    // Speed is the benchmark's to prove (cache_tier.invalidation_p99_ms, target 100 ms, on a quiet
    // machine): here every delivery arrived within the 2 s bound above. A p99 asserted here failed
    // CI at 141 ms, run beside the browser tests.
    // Cleared everywhere: all three ask for every profile again; only the cleared ones are
    // computed again, each once in all.
    const before = await sharedCalls();
    const again = await Promise.all(instances.map((inst) => ask(inst, { op: 'profiles', slugs })));
    expect(again.map((a) => a.failed)).toEqual([0, 0, 0]);
    const reread = difference(await sharedCalls(), before);
    const wanted = (await reference(cleared)).calls;
    expect(sorted(reread)).toEqual(sorted(wanted));
  }, 40_000);

  it('an instance killed with SIGKILL holding a lock: another computes the key after the lease, once', async () => {
    const [holder, b, c] = instances as [Instance, Instance, Instance];
    const slug = artists[PROFILED]!;
    await ask(holder, { op: 'hang', slug });
    // The two others miss, and wait on the holder's lock.
    const waiting = [b, c].map((inst) => ask(inst, { op: 'profiles', slugs: [slug] }));
    await new Promise((r) => setTimeout(r, 150));
    const held = await sharedCalls();
    const readsOf = (counts: Record<string, unknown>): number =>
      Object.entries(counts.calls as Record<string, number>)
        .filter(([k]) => k.endsWith(`:${slug}`))
        .reduce((n, [, v]) => n + v, 0);
    const heldBy = await Promise.all([b, c].map(async (inst) => readsOf(await ask(inst, { op: 'counts' }))));
    const killedAt = performance.timeOrigin + performance.now();
    holder.child.removeAllListeners('exit');
    holder.child.kill('SIGKILL');
    const answers = await Promise.all(waiting);
    const servedAt = Math.max(...answers.map((a) => a.at as number));
    const recovered = difference(await sharedCalls(), held);
    const after = await Promise.all([b, c].map(async (inst) => readsOf(await ask(inst, { op: 'counts' }))));
    const computedBy = after.filter((n, i) => n > heldBy[i]!).length;
    const recovery = servedAt - killedAt;
    const one = await reference([slug]);
    console.info(
      `[radar multi-process] kill -9 of the instance holding the lock of a profile: computed by ${computedBy} survivor(s) with ${[...recovered.values()].reduce((a, b) => a + b, 0)} key reads (one computation: ${[...one.calls.values()].reduce((a, b) => a + b, 0)}), served ${recovery.toFixed(0)} ms after the kill (lease ${LEASE_MS} ms)`,
    );
    expect(answers.map((a) => a.failed)).toEqual([0, 0]);
    for (const a of answers) expect((a.digests as Record<string, string>)[slug]).toBe(one.digests.get(slug));
    // The holder had started its reads (it never finished them); then one survivor computed it, once.
    expect([...held].some(([k]) => k.endsWith(`:${slug}`))).toBe(true);
    expect(computedBy).toBe(1);
    expect(sorted(recovered)).toEqual(sorted(one.calls));
    // Within one lease of the holder's last renewal, with room for a loaded machine.
    expect(recovery).toBeLessThan(LEASE_MS + 1500);
  }, 30_000);
});
