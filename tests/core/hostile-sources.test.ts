/**
 * Issue 12, items 1 and 4-7: hostile values from sources. Anything thrown or rejected becomes a
 * per-item outcome with a printable reason; absurd, oversize or repeated answers are caught at
 * the gateway, per key.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, isSceneRadarError, resolveConfig, type SceneRadarSources } from 'scene-radar';
import { BATCH_METHODS } from '../../src/contracts/registry.js';
import { createSourceGateway } from '../../src/core/gateway/gateway.js';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { chaosSources, hostileValues, mapValues, withoutUnhandled } from '../helpers/chaos-kit.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 40, end: '2026-11-24' });
const FAST = {
  sources: Object.fromEntries(
    ['mig', 'cmg', 'fusion', 'coverage', 'rcf', 'identityKernel', 'scenes', 'workspaces'].map((s) => [
      s,
      { timeoutMs: 2_000 },
    ]),
  ),
};

async function firstArtists(n: number): Promise<string[]> {
  const page = await world.sources.mig.listArtists(
    { cursor: null, limit: n },
    { asOf: NOW, signal: new AbortController().signal },
  );
  return page.items.map((a) => a.slug);
}

describe('one failure model: any thrown or rejected value becomes a printable per-item outcome', () => {
  const batchMethods = Object.entries(BATCH_METHODS).flatMap(([source, methods]) =>
    Object.keys(methods).map((method) => [source, method] as const),
  );

  for (const { name, value } of hostileValues()) {
    for (const how of ['reject', 'throw'] as const) {
      it(`every source method that ${how}s ${name}`, async () => {
        const hostile = (): never => {
          throw value;
        };
        const adapter = (): Record<string, unknown> =>
          new Proxy(
            {},
            {
              get: (_t, p) =>
                p === 'maxBatchSize' ? undefined : how === 'reject' ? () => Promise.reject(value) : hostile,
            },
          );
        const sources = Object.fromEntries(
          Object.keys(BATCH_METHODS).map((s) => [s, adapter()]),
        ) as unknown as SceneRadarSources;
        const gateway = createSourceGateway({ sources, config: resolveConfig(FAST) });
        const { value: outcomes, unhandled } = await withoutUnhandled(async () => {
          const all = [];
          for (const [source, method] of batchMethods) {
            const got = await gateway.batch(source as 'mig', method as 'getArtists', ['a', 'b'], { asOf: NOW });
            all.push(...got.values());
          }
          all.push(
            await gateway.call(
              'mig',
              'listArtists',
              BATCH_METHODS.mig.getArtists,
              (mig) =>
                mig.listArtists({ cursor: null, limit: 10 }, { asOf: NOW, signal: new AbortController().signal }),
              { asOf: NOW },
            ),
          );
          return all;
        });
        expect(unhandled).toEqual([]);
        expect(outcomes).toHaveLength(batchMethods.length * 2 + 1);
        for (const o of outcomes) {
          expect(o.status).toBe('error');
          if (o.status !== 'error') continue;
          expect(o.reason).toBe('threw');
          expect(typeof o.message).toBe('string');
          expect(o.message.length).toBeGreaterThan(0);
          expect(o.message.length).toBeLessThanOrEqual(300);
        }
        gateway.close();
      });
    }
  }

  it('a radar whose every source rejects with unprintable values refreshes, answers and reports, without an unhandled rejection', async () => {
    const values = hostileValues();
    let i = 0;
    const chaos = chaosSources(world.sources, () => ({ kind: 'reject', value: values[i++ % values.length]!.value }));
    const radar = createSceneRadar({ sources: chaos.sources, clock: fixedClock(NOW), config: FAST });
    await radar.scenes.importCatalog(world.catalog);
    const { value: report, unhandled } = await withoutUnhandled(() => radar.refresh(NOW));
    expect(unhandled).toEqual([]);
    expect(report.scenes.memberships.universe).toBe('error');
    expect(report.talent.universe).toBe('error');
    expect(report.talent.universeReason).toMatch(/MIG listArtists failed \(threw\)/);
    const profile = await radar.talent.aggregator.buildArtistProfile('artist-nobody').then(
      () => 'answered',
      (e: unknown) => (isSceneRadarError(e) ? e.code : 'not a SceneRadarError'),
    );
    // Every source down: the profile says the sources failed, not "not enough evidence" (422).
    expect(profile).toBe('SOURCES_UNAVAILABLE');
    await radar.close();
  });
});

describe('host code around the sources', () => {
  it('a host feature that rejects with any unprintable value is an error for that feature, never a rejected refresh', async () => {
    for (const { name, value } of hostileValues()) {
      const radar = createSceneRadar({
        sources: world.sources,
        clock: fixedClock(NOW),
        config: FAST,
        hostFeatures: [{ name: 'label_signal', source: 'label', read: () => Promise.reject(value) }],
      });
      await radar.scenes.importCatalog(world.catalog);
      const { value: report, unhandled } = await withoutUnhandled(() => radar.talent.refresh(NOW));
      expect(unhandled, name).toEqual([]);
      expect(report.universe, name).toBe('ok');
      const [slug] = await firstArtists(1);
      const signals = await radar.talent.signals.aggregateArtistSignals(slug!, { asOf: NOW });
      expect(signals.host.label_signal).toMatchObject({
        status: 'error',
        reason: expect.stringMatching(/host feature label_signal failed: /),
      });
      await radar.close();
    }
  });

  it('async hooks that reject (onSourceCall, onError) leave no unhandled rejection', async () => {
    const { createFetchHandler } = await import('scene-radar/api');
    const radar = createSceneRadar({
      sources: { ...world.sources, workspaces: { getWorkspaces: () => Promise.reject(new Error('down')) } },
      clock: fixedClock(NOW),
      config: FAST,
      onSourceCall: async () => {
        throw new Error('metrics push failed');
      },
    });
    await radar.scenes.importCatalog(world.catalog);
    const handler = createFetchHandler(radar, {
      onError: async () => {
        throw new Error('log shipping failed');
      },
    });
    const { value: statuses, unhandled } = await withoutUnhandled(async () => {
      await radar.refresh(NOW);
      const a = await handler(new Request('http://localhost/api/talent/pulse'));
      // A failing workspace source is a 503 with the reason, not a 500.
      const b = await handler(
        new Request('http://localhost/api/talent/recommendations?workspaceId=00000000-0000-4000-8000-000000000000'),
      );
      return [a.status, b.status, ((await b.json()) as { error: { code: string } }).error.code];
    });
    expect(unhandled).toEqual([]);
    expect(statuses).toEqual([200, 503, 'SOURCES_UNAVAILABLE']);
    await radar.close();
  });
});

describe('sanity bounds at the boundary', () => {
  const gatewayOver = (rewrite: (method: string) => ((answer: unknown) => unknown) | undefined, config = FAST) => {
    const chaos = chaosSources(world.sources, (method) => {
      const fn = rewrite(method);
      return fn ? { kind: 'rewrite', fn } : { kind: 'pass' };
    });
    return createSourceGateway({ sources: chaos.sources, config: resolveConfig(config) });
  };

  it('an engagement series dated 2999 is an invalid payload for that artist, the others are kept', async () => {
    const [a, b] = await firstArtists(2);
    const gateway = gatewayOver((m) =>
      m === 'fusion.getEngagement'
        ? mapValues((v, k) => (k === a ? { ...(v as object), start: '2999-01-01' } : v))
        : undefined,
    );
    const got = await gateway.batch('fusion', 'getEngagement', [a!, b!], { asOf: NOW });
    expect(got.get(a!)).toMatchObject({ status: 'error', reason: 'invalid_payload' });
    expect((got.get(a!) as { message: string }).message).toMatch(/after the as-of instant/);
    expect(got.get(b!)!.status).toBe('ok');
  });

  it('an event weight of 1e308, Fusion values of 1e308 and fingerprint components of 1e308 are invalid payloads', async () => {
    const [a] = await firstArtists(1);
    const gateway = gatewayOver((m) => {
      if (m === 'rcf.getEvents')
        return mapValues((v) => (v as Array<Record<string, unknown>>).map((e) => ({ ...e, weight: 1e308 })));
      if (m === 'fusion.getEngagement')
        return mapValues((v) => ({
          ...(v as Record<string, unknown>),
          organic: (v as { organic: unknown[] }).organic.map((x) => (x === null ? null : 1e308)),
        }));
      if (m === 'cmg.getReleases')
        return mapValues((v) =>
          (v as Array<Record<string, unknown>>).map((r) => ({ ...r, vector: (r.vector as number[]).map(() => 1e308) })),
        );
      return undefined;
    });
    for (const [source, method] of [
      ['rcf', 'getEvents'],
      ['fusion', 'getEngagement'],
      ['cmg', 'getReleases'],
    ] as const) {
      const got = await gateway.batch(source as 'rcf', method as 'getEvents', [a!], { asOf: NOW });
      const o = got.get(a!)!;
      // An artist with no events or releases has an empty list: nothing to reject.
      if (Array.isArray((o as { value?: unknown }).value) && (o as { value: unknown[] }).value.length === 0) continue;
      expect(o).toMatchObject({ status: 'error', reason: 'invalid_payload' });
      expect((o as { message: string }).message).toMatch(/beyond the documented bound/);
    }
  });

  it('the bounds are configuration: a host with bigger numbers raises them', async () => {
    const [a] = await firstArtists(1);
    const big = (m: string) =>
      m === 'rcf.getEvents'
        ? mapValues((v) => (v as Array<Record<string, unknown>>).map((e) => ({ ...e, weight: 5e9 })))
        : undefined;
    const strict = await gatewayOver(big).batch('rcf', 'getEvents', [a!], { asOf: NOW });
    const loose = await gatewayOver(big, { ...FAST, payloads: { maxWeight: 1e10 } } as typeof FAST).batch(
      'rcf',
      'getEvents',
      [a!],
      { asOf: NOW },
    );
    const events = (loose.get(a!) as { value?: unknown[] }).value;
    expect(loose.get(a!)!.status).toBe('ok');
    if (events && events.length > 0) expect(strict.get(a!)!.status).toBe('error');
    expect(() => resolveConfig({ payloads: { maxWeight: -1 } })).toThrow(/payloads.maxWeight/);
  });

  it('a list of a million items is an error for that key, found without parsing it (no event-loop stall)', async () => {
    const [a, b] = await firstArtists(2);
    const huge = Array.from({ length: 1_000_000 }, (_, i) => ({
      id: `x${i}`,
      type: 'radio_play',
      at: '2026-01-01T00:00:00Z',
      weight: 1,
      region: null,
    }));
    const gateway = gatewayOver((m) => (m === 'rcf.getEvents' ? mapValues((v, k) => (k === a ? huge : v)) : undefined));
    const got = await gateway.batch('rcf', 'getEvents', [a!, b!], { asOf: NOW });
    expect(got.get(a!)).toMatchObject({ status: 'error', reason: 'invalid_payload' });
    expect((got.get(a!) as { message: string }).message).toMatch(
      /1000000 items \(more than payloads.maxListItems, 10000\)/,
    );
    expect(got.get(b!)!.status).toBe('ok');
  });
});

describe('idempotent observations', () => {
  it('an article or event delivered twice counts once: signals are the same as a single delivery', async () => {
    const slugs = await firstArtists(40);
    const twice = chaosSources(world.sources, (m) =>
      m === 'coverage.getArticles' || m === 'rcf.getEvents'
        ? { kind: 'rewrite', fn: mapValues((v) => [...(v as unknown[]), ...(v as unknown[])]) }
        : { kind: 'pass' },
    );
    const radar = (sources: SceneRadarSources) => createSceneRadar({ sources, clock: fixedClock(NOW), config: FAST });
    const once = radar(world.sources);
    const dup = radar(twice.sources);
    for (const r of [once, dup]) await r.scenes.importCatalog(world.catalog);
    const a = await once.talent.scoreArtists(slugs, { asOf: NOW });
    const b = await dup.talent.scoreArtists(slugs, { asOf: NOW });
    expect(b.artists.map((x) => x.breakout)).toEqual(a.artists.map((x) => x.breakout));
    expect(b.features.map((f) => [f.pressVelocity, f.eventRate])).toEqual(
      a.features.map((f) => [f.pressVelocity, f.eventRate]),
    );
    expect(a.features.some((f) => (f.pressVelocity ?? 0) > 0)).toBe(true);
    const withEvents = [...b.signals.values()].filter((s) => s.reads.events.status === 'ok');
    expect(withEvents.length).toBeGreaterThan(0);
    await Promise.all([once.close(), dup.close()]);
  });
});

describe('large pages', () => {
  it('a MIG page of 200,000 artists is walked without overflowing the stack (when the host raises the page cap) and is a clear error under the default cap', async () => {
    const items = Array.from({ length: 200_000 }, (_, i) => ({
      slug: `artist-${i}`,
      name: `A ${i}`,
      homeRegion: 'gb',
      homeCity: null,
      firstSeen: '2020-01-01T00:00:00Z',
    }));
    const mig = {
      ...world.sources.mig,
      listArtists: async () => ({ items, nextCursor: null }),
      getArtists: async () => new Map(),
      getNetworks: async () => new Map(),
    };
    const { listUniverse } = await import('../../src/core/gateway/universe.js');
    const { createDeadline } = await import('../../src/core/gateway/deadline.js');
    const raised = createSourceGateway({
      sources: { mig },
      config: resolveConfig({ payloads: { maxPageItems: 300_000 } }),
    });
    const walk = await listUniverse(raised, NOW, createDeadline(60_000));
    expect(walk.status).toBe('ok');
    expect(walk.artists).toHaveLength(200_000);
    const capped = await listUniverse(createSourceGateway({ sources: { mig } }), NOW, createDeadline(60_000));
    expect(capped.status).toBe('error');
    expect(capped.reason).toMatch(/200000 items \(more than payloads.maxPageItems, 100000\)/);
  });
});

describe('what else a source can repeat or misdate', () => {
  it('a tastemaker or collaborator listed twice counts once; an artist listed twice in the universe is walked once', async () => {
    const [a] = await firstArtists(1);
    const chaos = chaosSources(world.sources, (m) => {
      if (m === 'mig.getNetworks')
        return {
          kind: 'rewrite',
          fn: mapValues((v) => ({
            ...(v as object),
            tastemakers: [
              ...(v as { tastemakers: unknown[] }).tastemakers,
              ...(v as { tastemakers: unknown[] }).tastemakers,
            ],
            collaborators: [
              ...(v as { collaborators: unknown[] }).collaborators,
              ...(v as { collaborators: unknown[] }).collaborators,
            ],
          })),
        };
      if (m === 'mig.listArtists')
        return {
          kind: 'rewrite',
          fn: (page) => ({
            ...(page as object),
            items: [...(page as { items: unknown[] }).items, ...(page as { items: unknown[] }).items],
          }),
        };
      return { kind: 'pass' };
    });
    const gateway = createSourceGateway({ sources: chaos.sources, config: resolveConfig(FAST) });
    const [once, twice] = await Promise.all(
      [createSourceGateway({ sources: world.sources }), gateway].map((g) =>
        g.one('mig', 'getNetworks', a!, { asOf: NOW }),
      ),
    );
    expect(twice).toMatchObject({ status: 'ok', value: (once as { value: unknown }).value });
    const { listUniverse } = await import('../../src/core/gateway/universe.js');
    const { createDeadline } = await import('../../src/core/gateway/deadline.js');
    const walk = await listUniverse(gateway, NOW, createDeadline(10_000));
    expect(walk.artists).toHaveLength(40);
  });

  it('dates before 1900 and a campaign that ends before it starts are invalid payloads', async () => {
    const [a] = await firstArtists(1);
    const chaos = chaosSources(world.sources, (m) => {
      if (m === 'fusion.getCampaigns')
        return {
          kind: 'rewrite',
          fn: mapValues(() => [{ id: 'c1', channel: 'social', start: '2026-01-10', end: '2026-01-01', spend: 10 }]),
        };
      if (m === 'coverage.getArticles')
        return {
          kind: 'rewrite',
          fn: mapValues(() => [
            { id: 'x', publishedAt: '0001-01-01T00:00:00Z', outlet: 'o', outletQuality: 0.5, title: null },
          ]),
        };
      return { kind: 'pass' };
    });
    const gateway = createSourceGateway({ sources: chaos.sources, config: resolveConfig(FAST) });
    expect(await gateway.one('fusion', 'getCampaigns', a!, { asOf: NOW })).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/0.end 2026-01-01 is before its start/),
    });
    expect(await gateway.one('coverage', 'getArticles', a!, { asOf: NOW })).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/before 1900/),
    });
  });
});
