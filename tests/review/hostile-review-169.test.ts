/**
 * Hostile review 169: scene-radar/otel and src/core/observe.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: `withActive` runs
 * the work once however often a context manager calls back).
 *
 * FAULTS:
 * 1. src/otel/index.ts withActive() (used by SpanScope.run, the bindStore run of every traced
 *    operation): it hands the traced work itself to `context.with`, and only guards against a
 *    manager that never runs it or throws. A broken context manager (a host's SDK) that calls its
 *    callback more than once makes the radar run the work again: every source call, step and
 *    refresh nested under it is repeated, so one refresh that made 2 fusion.getEngagement calls
 *    makes ~40 (duplicated source traffic and writes). Docs promise a misbehaving SDK "loses the
 *    parenting ..., never the work". Fix: run fn at most once (a `ran` flag; on a second call
 *    return the first value / rethrow the first error without calling fn).
 */
import type {
  Attributes,
  Counter,
  Histogram,
  Meter,
  MeterProvider,
  Span,
  Tracer,
  TracerProvider,
} from '@opentelemetry/api';
import {
  type Context,
  type ContextManager,
  ROOT_CONTEXT,
  SpanStatusCode,
  context as otelContext,
} from '@opentelemetry/api';
import {
  AggregationTemporality,
  MeterProvider as SdkMeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createFetchHandler } from '../../src/api/index.js';
import { createSceneRadar, fixedClock } from '../../src/index.js';
import { CHANNEL_NAMES, instrumentOpenTelemetry, type OpenTelemetryBridge } from '../../src/otel/index.js';

const NOW = '2026-11-25T00:00:00.000Z';

class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

type Point = { attributes: Record<string, unknown>; value: unknown };
function points(resource: ResourceMetrics, name: string): Point[] {
  const out: Point[] = [];
  for (const scope of resource.scopeMetrics)
    for (const m of scope.metrics) if (m.descriptor.name === name) for (const p of m.dataPoints as Point[]) out.push(p);
  return out;
}
function units(resource: ResourceMetrics): Record<string, string> {
  const out: Record<string, string> = {};
  for (const scope of resource.scopeMetrics) for (const m of scope.metrics) out[m.descriptor.name] = m.descriptor.unit;
  return out;
}
const sum = (ps: Point[]): number =>
  ps.reduce((a, p) => a + (typeof p.value === 'number' ? p.value : (p.value as { count: number }).count), 0);

const bridges: OpenTelemetryBridge[] = [];
afterEach(() => {
  for (const b of bridges.splice(0)) b.close();
});

function providers() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestReader();
  const meterProvider = new SdkMeterProvider({ readers: [reader] });
  return { exporter, reader, tracerProvider, meterProvider };
}

function instrument(options: { tracerProvider?: TracerProvider; meterProvider?: MeterProvider }): OpenTelemetryBridge {
  const b = instrumentOpenTelemetry(options);
  bridges.push(b);
  return b;
}

function anyListening(): boolean {
  return (
    diagnostics.tracingChannel(CHANNEL_NAMES.sourceCall).start.hasSubscribers ||
    diagnostics.tracingChannel(CHANNEL_NAMES.refresh).start.hasSubscribers ||
    diagnostics.tracingChannel(CHANNEL_NAMES.http).start.hasSubscribers ||
    diagnostics.channel(CHANNEL_NAMES.cache).hasSubscribers
  );
}

async function smallRadar(artists = 12) {
  const world = createDemoWorld({ artists, end: '2026-11-24' });
  const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  return { world, radar };
}

/** A meter provider whose counters throw on add, histograms real. */
function throwingCounters(real: MeterProvider): MeterProvider {
  return {
    getMeter(name, version, opts): Meter {
      const meter = real.getMeter(name, version, opts);
      return new Proxy(meter, {
        get(target, prop, receiver) {
          if (prop === 'createCounter')
            return (): Counter => ({
              add(): void {
                throw new Error('exporter shut down');
              },
            });
          const v: unknown = Reflect.get(target, prop, receiver);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    },
  };
}

/** A meter provider whose histograms throw on record, counters real. */
function throwingHistograms(real: MeterProvider): MeterProvider {
  return {
    getMeter(name, version, opts): Meter {
      const meter = real.getMeter(name, version, opts);
      return new Proxy(meter, {
        get(target, prop, receiver) {
          if (prop === 'createHistogram')
            return (): Histogram => ({
              record(): void {
                throw new Error('exporter shut down');
              },
            });
          const v: unknown = Reflect.get(target, prop, receiver);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    },
  };
}

function brokenTracer(kind: 'startSpan' | 'span'): TracerProvider {
  return {
    getTracer(): Tracer {
      return {
        startSpan(): Span {
          if (kind === 'startSpan') throw new Error('tracer broken');
          const span: Span = {
            spanContext: () => ({ traceId: `${'0'.repeat(31)}1`, spanId: `${'0'.repeat(15)}1`, traceFlags: 1 }),
            setAttribute: () => {
              throw new Error('setAttribute broken');
            },
            setAttributes: () => {
              throw new Error('broken');
            },
            addEvent: () => {
              throw new Error('broken');
            },
            addLink: () => {
              throw new Error('broken');
            },
            addLinks: () => {
              throw new Error('broken');
            },
            setStatus: () => {
              throw new Error('broken');
            },
            updateName: () => {
              throw new Error('broken');
            },
            end: () => {
              throw new Error('end broken');
            },
            isRecording: () => true,
            recordException: () => {
              throw new Error('broken');
            },
          };
          return span;
        },
        startActiveSpan(): never {
          throw new Error('unused');
        },
      };
    },
  };
}

describe('hostile review 169: scene-radar/otel', () => {
  it('metric names and units match docs/observability.md', async () => {
    const p = providers();
    instrument(p);
    const { radar } = await smallRadar();
    await radar.refresh(new Date(NOW));
    const handler = createFetchHandler(radar);
    await handler(new Request('http://x/api/scenes'));
    await radar.close();
    const { resourceMetrics } = await p.reader.collect();
    const u = units(resourceMetrics);
    expect(u['scene_radar.source.calls']).toBe('');
    expect(u['scene_radar.source.duration']).toBe('ms');
    expect(u['scene_radar.refresh.duration']).toBe('ms');
    expect(u['scene_radar.http.requests']).toBe('');
    expect(u['scene_radar.http.duration']).toBe('ms');
    expect(u['scene_radar.cache.operations']).toBe('');
    for (const pt of points(resourceMetrics, 'scene_radar.refresh.duration'))
      expect(['ok', 'error']).toContain(pt.attributes['scene_radar.result']);
  });

  it('HTTP attributes stay bounded: unknown paths with ids are `unmatched`, odd methods `_OTHER`, no code on histogram', async () => {
    const p = providers();
    instrument(p);
    const { radar, world } = await smallRadar();
    const handler = createFetchHandler(radar);
    const slug = world.dataset.artistSlugs()[0]!;
    const statuses: number[] = [];
    for (const path of [`/api/nope/${slug}`, `/elsewhere/${slug}`, `/api/scenes/${slug}-zzz`, `/api/scenes/%ZZ${slug}`])
      statuses.push((await handler(new Request(`http://x${path}`))).status);
    statuses.push((await handler(new Request('http://x/api/scenes', { method: 'PURGE' }))).status);
    await radar.close();
    const { resourceMetrics } = await p.reader.collect();
    const reqs = points(resourceMetrics, 'scene_radar.http.requests');
    const durs = points(resourceMetrics, 'scene_radar.http.duration');
    expect(sum(reqs)).toBe(5);
    expect(sum(durs)).toBe(5);
    const everything = JSON.stringify([reqs, durs, p.exporter.getFinishedSpans().map((s) => s.attributes)]);
    expect(everything).not.toContain(slug);
    expect(everything).not.toContain('PURGE');
    for (const d of durs) expect(d.attributes['scene_radar.error_code']).toBeUndefined();
    const routes = new Set(reqs.map((r) => r.attributes['http.route']));
    for (const r of routes) expect(['unmatched', '/api/scenes/:slug', '/api/scenes']).toContain(r);
    for (const r of reqs.filter((x) => (x.attributes['http.response.status_code'] as number) >= 400))
      expect(r.attributes['scene_radar.error_code']).toMatch(/^[A-Z_]+$/);
  });

  it('a counter that throws loses its own point, not the histograms nor the answers', async () => {
    const p = providers();
    instrument({ tracerProvider: p.tracerProvider, meterProvider: throwingCounters(p.meterProvider) });
    const { radar } = await smallRadar();
    await radar.refresh(new Date(NOW));
    const handler = createFetchHandler(radar);
    const res = await handler(new Request('http://x/api/scenes'));
    expect(res.status).toBe(200);
    const stats = radar.stats();
    await radar.close();
    const { resourceMetrics } = await p.reader.collect();
    const calls = Object.values(stats.sources).reduce((a, s) => a + s.calls, 0);
    expect(sum(points(resourceMetrics, 'scene_radar.source.duration'))).toBe(calls);
    expect(sum(points(resourceMetrics, 'scene_radar.http.duration'))).toBe(1);
    expect(p.exporter.getFinishedSpans().filter((s) => s.name === 'scene-radar.source_call').length).toBe(calls);
  });

  it('a histogram that throws loses its own point, not the counters', async () => {
    const p = providers();
    instrument({ tracerProvider: p.tracerProvider, meterProvider: throwingHistograms(p.meterProvider) });
    const { radar } = await smallRadar();
    await radar.refresh(new Date(NOW));
    const res = await createFetchHandler(radar)(new Request('http://x/api/scenes'));
    expect(res.status).toBe(200);
    const stats = radar.stats();
    await radar.close();
    const { resourceMetrics } = await p.reader.collect();
    const calls = Object.values(stats.sources).reduce((a, s) => a + s.calls, 0);
    expect(sum(points(resourceMetrics, 'scene_radar.source.calls'))).toBe(calls);
    expect(sum(points(resourceMetrics, 'scene_radar.http.requests'))).toBe(1);
    // Refresh spans still end (recorded) despite the refresh histogram throwing.
    expect(p.exporter.getFinishedSpans().filter((s) => s.name === 'scene-radar.refresh').length).toBeGreaterThan(3);
  });

  it('a tracer whose startSpan throws loses spans only; metrics recorded; close() releases the channels', async () => {
    const p = providers();
    const b = instrument({ tracerProvider: brokenTracer('startSpan'), meterProvider: p.meterProvider });
    const { radar } = await smallRadar();
    const report = await radar.refresh(new Date(NOW));
    expect(report).toBeDefined();
    const stats = radar.stats();
    await radar.close();
    const { resourceMetrics } = await p.reader.collect();
    const calls = Object.values(stats.sources).reduce((a, s) => a + s.calls, 0);
    expect(calls).toBeGreaterThan(0);
    expect(sum(points(resourceMetrics, 'scene_radar.source.calls'))).toBe(calls);
    expect(
      points(resourceMetrics, 'scene_radar.refresh.duration').filter((x) => x.attributes['scene_radar.phase'] === 'all')
        .length,
    ).toBe(3);
    b.close();
    expect(anyListening()).toBe(false);
  });

  it('spans whose setAttribute/setStatus/end throw: metrics recorded, close() releases the channels', async () => {
    const p = providers();
    const b = instrument({ tracerProvider: brokenTracer('span'), meterProvider: p.meterProvider });
    const world = createDemoWorld({ artists: 12, end: '2026-11-24' });
    const radar = createSceneRadar({
      sources: {
        ...world.sources,
        fusion: {
          ...world.sources.fusion!,
          getEngagement: async () => {
            throw new Error('fusion down for artist-xyz');
          },
        },
      },
      clock: fixedClock(NOW),
    });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(new Date(NOW)).catch(() => undefined);
    const stats = radar.stats();
    await radar.close();
    const { resourceMetrics } = await p.reader.collect();
    const calls = Object.values(stats.sources).reduce((a, s) => a + s.calls, 0);
    expect(sum(points(resourceMetrics, 'scene_radar.source.calls'))).toBe(calls);
    const threw = points(resourceMetrics, 'scene_radar.source.calls').filter(
      (x) => x.attributes['scene_radar.result'] === 'threw',
    );
    expect(sum(threw)).toBe(stats.sources['fusion.getEngagement']!.results.threw);
    expect(JSON.stringify(resourceMetrics.scopeMetrics)).not.toContain('artist-xyz');
    b.close();
    expect(anyListening()).toBe(false);
  });

  it('instrumenting twice records once, through the new providers only; old close() is a no-op', async () => {
    const first = providers();
    const second = providers();
    const a = instrument(first);
    const b = instrument(second);
    a.close();
    const { radar } = await smallRadar();
    await radar.refresh(new Date(NOW));
    const stats = radar.stats();
    await radar.close();
    const calls = Object.values(stats.sources).reduce((x, s) => x + s.calls, 0);
    expect(first.exporter.getFinishedSpans().length).toBe(0);
    expect(second.exporter.getFinishedSpans().filter((s) => s.name === 'scene-radar.source_call').length).toBe(calls);
    const m2 = (await second.reader.collect()).resourceMetrics;
    expect(sum(points(m2, 'scene_radar.source.calls'))).toBe(calls);
    b.close();
    expect(anyListening()).toBe(false);
    // Closing twice, and instrumenting after, works.
    b.close();
    const third = providers();
    instrument(third);
    expect(anyListening()).toBe(true);
  });

  it('a failing refresh: refresh.duration result error, span status error, every span ended', async () => {
    const p = providers();
    const b = instrument(p);
    const { radar } = await smallRadar();
    await radar.close();
    const outcome = await radar.refresh(new Date(NOW)).then(
      () => 'resolved',
      () => 'rejected',
    );
    expect(outcome).toBe('rejected');
    const { resourceMetrics } = await p.reader.collect();
    const radarAll = points(resourceMetrics, 'scene_radar.refresh.duration').filter(
      (x) => x.attributes['scene_radar.engine'] === 'radar' && x.attributes['scene_radar.phase'] === 'all',
    );
    expect(radarAll.map((x) => x.attributes['scene_radar.result'])).toEqual(['error']);
    const spans = p.exporter.getFinishedSpans().filter((s) => s.name === 'scene-radar.refresh');
    const root = spans.find((s) => s.attributes['scene_radar.engine'] === 'radar');
    expect(root?.status.code).toBe(SpanStatusCode.ERROR);
    b.close();
    expect(anyListening()).toBe(false);
  });

  it('an invalid asOf refresh is traced as `invalid`, never throws from the context', async () => {
    const p = providers();
    instrument(p);
    const { radar } = await smallRadar();
    const outcome = await radar.refresh(new Date('nope')).then(
      () => 'resolved',
      () => 'rejected',
    );
    await radar.close();
    expect(outcome).toBe('rejected');
    const spans = p.exporter.getFinishedSpans().filter((s) => s.name === 'scene-radar.refresh');
    expect(spans.length).toBeGreaterThan(0);
    for (const s of spans) expect(s.attributes['scene_radar.as_of']).toBe('invalid');
  });

  it('cache operations carry only namespace and op, both bounded', async () => {
    const p = providers();
    instrument(p);
    const { radar, world } = await smallRadar();
    await radar.refresh(new Date(NOW));
    const handler = createFetchHandler(radar);
    const slug = world.dataset.artistSlugs()[0]!;
    await handler(new Request(`http://x/api/talent/artists/${slug}`));
    await handler(new Request(`http://x/api/talent/artists/${slug}`));
    await radar.close();
    const { resourceMetrics } = await p.reader.collect();
    const ops = points(resourceMetrics, 'scene_radar.cache.operations');
    expect(ops.length).toBeGreaterThan(0);
    for (const o of ops) {
      const attrs: Attributes = o.attributes as Attributes;
      expect(Object.keys(attrs).length).toBe(2);
      expect(['hit', 'miss', 'stale', 'fallback', 'set', 'evict', 'error']).toContain(
        Object.values(attrs).find(
          (v) => typeof v === 'string' && ['hit', 'miss', 'stale', 'fallback', 'set', 'evict', 'error'].includes(v),
        ),
      );
      expect(JSON.stringify(attrs)).not.toContain(slug);
    }
  });
  it('FAULT: a context manager whose with() runs fn twice makes the radar call its sources again (2 -> ~40 calls)', async () => {
    const p = providers();
    instrument(p);
    const world = createDemoWorld({ artists: 8, end: '2026-11-24' });
    const run = async (): Promise<number> => {
      let invoked = 0;
      const radar = createSceneRadar({
        sources: {
          ...world.sources,
          fusion: {
            ...world.sources.fusion!,
            getEngagement: (slugs, options) => {
              invoked++;
              return world.sources.fusion!.getEngagement(slugs, options);
            },
          },
        },
        clock: fixedClock(NOW),
      });
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh(new Date(NOW));
      await radar.close();
      return invoked;
    };
    const baseline = await run();
    let active: Context = ROOT_CONTEXT;
    const twice: ContextManager = {
      active: () => active,
      with(ctx, fn, thisArg, ...args) {
        const prev = active;
        active = ctx;
        try {
          fn.call(thisArg, ...args);
          return fn.call(thisArg, ...args);
        } finally {
          active = prev;
        }
      },
      bind: (_ctx, target) => target,
      enable() {
        return this;
      },
      disable() {
        return this;
      },
    };
    otelContext.setGlobalContextManager(twice);
    try {
      expect(baseline).toBeGreaterThan(0);
      expect(await run()).toBe(baseline);
    } finally {
      otelContext.disable();
    }
  });
});
