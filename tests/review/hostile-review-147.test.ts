/**
 * Hostile review 147: observability as a production host meets it. Reviewed: the OpenTelemetry
 * bridge (src/otel/index.ts, `scene-radar/otel`) against docs/observability.md (span and metric
 * names, attributes, units, "An SDK that throws (a shut-down exporter, a broken tracer or meter)
 * loses that span or data point, never the radar's answer", "metric counts equal to radar.stats()",
 * "A span always ends", nothing left subscribed after close()); the radar's logger and source-call
 * warnings (src/radar.ts, src/core/observe/logger.ts); `radar.stats()` (src/core/observe/stats.ts);
 * and `GET /api/health` of the API kit (src/api/health.ts). Fake tracer and meter providers are
 * written here against the public `@opentelemetry/api` types; real spans go to the SDK's in-memory
 * exporter.
 *
 * Findings. Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: a
 * tracer whose startSpan throws gets the non-recording stand-in span; an operation's metrics are
 * recorded before its span is annotated, each instrument on its own; the health route reports a
 * listed source without an adapter as `down`):
 *
 * 1. A tracer whose `startSpan` throws (a host SDK misconfigured or shut down) makes the bridge
 *    drop every METRIC too, with a working meter: `begin()` (src/otel/index.ts:240) throws before
 *    the context is recorded in `spans`, so `finish()` returns at src/otel/index.ts:254 and the
 *    close callback, which is where `scene_radar.source.calls`, `source.duration`,
 *    `refresh.duration`, `http.requests` and `http.duration` are recorded (lines 374, 392, 419),
 *    never runs. A broken tracer should lose spans, not the metrics.
 * 2. A span whose `setAttribute` throws (a broken or shut-down span implementation) loses the
 *    data points of the same operation: each close callback sets span attributes first
 *    (src/otel/index.ts:367, 388, 409) and records the metrics after, in the same try.
 * 3. `GET /api/health` with `health: { sources: [...] }` lists a source the radar has no adapter
 *    for as `ok`, no reason: src/api/health.ts:239-242 only looks at failed reads, and a source
 *    that was never configured has none. The MIG universe missing is `down` ("no artist universe
 *    source is configured"); any other unconfigured source looks healthy to a load balancer or an
 *    operator, though no read of it ever happened.
 *
 * Held (normal tests): a source timing out is counted `timeout` in stats, the counter and the span
 * (status error), with no span left open and one bounded warn record; the refresh histogram's
 * points equal `radar.stats().refresh` by engine and step, in ms; a logger, meter and tracer that
 * all throw change neither a refresh nor an HTTP answer; `close()` leaves no subscriber on any
 * channel; health probes move no cache or source counter; a radar without MIG is `down` on health
 * with the documented reason; span and metric names and attribute keys are those of the docs, and
 * none carries an artist or scene slug.
 */
import diagnostics from 'node:diagnostics_channel';
import {
  type Meter,
  type MeterProvider,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createFetchHandler } from '../../src/api/index.js';
import { createSceneRadar, fixedClock, type SceneRadar, type SceneRadarSources } from '../../src/index.js';
import { CHANNEL_NAMES, instrumentOpenTelemetry, type OpenTelemetryBridge } from '../../src/otel/index.js';

const NOW = '2026-11-25T00:00:00.000Z';
const END = '2026-11-24';

let bridge: OpenTelemetryBridge | undefined;
const radars: SceneRadar[] = [];
afterEach(async () => {
  bridge?.close();
  bridge = undefined;
  for (const r of radars.splice(0)) await r.close();
});

type Point = { name: string; value: number; attributes: Record<string, unknown> };

/** A meter provider written against the API: every add and record kept, by instrument name. */
function recordingMeter() {
  const points: Point[] = [];
  const units: Record<string, string | undefined> = {};
  const instrument = (name: string, options?: { unit?: string }) => {
    units[name] = options?.unit;
    return {
      add: (value: number, attributes: Record<string, unknown> = {}) => points.push({ name, value, attributes }),
      record: (value: number, attributes: Record<string, unknown> = {}) => points.push({ name, value, attributes }),
    };
  };
  const meter = { createCounter: instrument, createHistogram: instrument } as unknown as Meter;
  const meterProvider: MeterProvider = { getMeter: () => meter };
  const sum = (name: string) => points.filter((p) => p.name === name).reduce((a, p) => a + p.value, 0);
  const count = (name: string) => points.filter((p) => p.name === name).length;
  return { points, units, meterProvider, sum, count };
}

/** Spans started and not yet ended. */
class OpenSpans implements SpanProcessor {
  readonly open = new Set<unknown>();
  onStart(span: unknown): void {
    this.open.add(span);
  }
  onEnd(span: ReadableSpan): void {
    this.open.delete(span);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

async function radarOver(edit: (s: SceneRadarSources) => SceneRadarSources = (s) => s, extra: object = {}) {
  const world = createDemoWorld({ artists: 20, end: END });
  const radar = createSceneRadar({ sources: edit(world.sources), clock: fixedClock(NOW), ...extra });
  radars.push(radar);
  await radar.scenes.importCatalog(world.catalog);
  return { radar, world };
}

/** One source call, published straight on the radar's channel as the gateway does. */
const oneSourceCall = () =>
  diagnostics
    .tracingChannel(CHANNEL_NAMES.sourceCall)
    .tracePromise(async () => undefined, { source: 'rcf', method: 'getEvents', keys: 3, outcome: 'ok', durationMs: 4 });

const sourceCallsIn = (radar: SceneRadar) => Object.values(radar.stats().sources).reduce((a, s) => a + s.calls, 0);

describe('hostile review 147: observability', () => {
  it('FAULT: a tracer whose startSpan throws loses every metric data point, though the meter works (src/otel/index.ts:240, :254)', async () => {
    const meter = recordingMeter();
    const tracer = {
      startSpan: () => {
        throw new Error('tracer shut down');
      },
    } as unknown as Tracer;
    const tracerProvider: TracerProvider = { getTracer: () => tracer };
    bridge = instrumentOpenTelemetry({ tracerProvider, meterProvider: meter.meterProvider });

    const { radar } = await radarOver();
    await radar.refresh(new Date(NOW));
    const handler = createFetchHandler(radar);
    expect((await handler(new Request('http://x/api/talent/pulse'))).status).toBe(200); // the answer holds
    const calls = sourceCallsIn(radar);
    expect(calls).toBeGreaterThan(0);

    // The metrics equal radar.stats() and handler.stats(), as with a working tracer.
    expect({
      sourceCalls: meter.sum('scene_radar.source.calls'),
      sourceDurations: meter.count('scene_radar.source.duration'),
      radarRefreshes: meter.points.filter(
        (p) => p.name === 'scene_radar.refresh.duration' && p.attributes['scene_radar.engine'] === 'radar',
      ).length,
      httpRequests: meter.sum('scene_radar.http.requests'),
    }).toEqual({ sourceCalls: calls, sourceDurations: calls, radarRefreshes: 1, httpRequests: 1 });
  });

  it('FAULT: a span whose setAttribute throws loses the source-call counter and histogram of that call (src/otel/index.ts:367 before :374)', async () => {
    const meter = recordingMeter();
    const ended: string[] = [];
    const tracer = {
      startSpan: (name: string) =>
        ({
          end: () => ended.push(name),
          setAttribute: () => {
            throw new Error('span implementation broken');
          },
          setAttributes: () => undefined,
          setStatus: () => undefined,
          recordException: () => undefined,
          isRecording: () => true,
          spanContext: () => ({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 }),
        }) as unknown as Span,
    } as unknown as Tracer;
    bridge = instrumentOpenTelemetry({
      tracerProvider: { getTracer: () => tracer },
      meterProvider: meter.meterProvider,
    });
    await oneSourceCall();
    expect(ended).toEqual(['scene-radar.source_call']); // the span still ends
    expect([meter.sum('scene_radar.source.calls'), meter.count('scene_radar.source.duration')]).toEqual([1, 1]);
  });

  it('FAULT: GET /api/health lists a source the host asked about but never configured as `ok` (src/api/health.ts:239-242)', async () => {
    const { radar } = await radarOver(({ rcf: _rcf, ...rest }) => rest);
    await radar.refresh(new Date(NOW));
    const res = await createFetchHandler(radar, { health: { sources: ['mig', 'rcf'] } })(
      new Request('http://x/api/health'),
    );
    const body = (await res.json()) as { data: { sources: Array<{ name: string; state: string; reason?: string }> } };
    expect(body.data.sources.find((s) => s.name === 'mig')?.state).toBe('ok');
    // No rcf adapter: no read of it ever happened; the radar knows it is absent.
    expect(body.data.sources.find((s) => s.name === 'rcf')?.state).not.toBe('ok');
  });

  it('a tracer answering no span still records the metrics (the fixed sibling of the startSpan fault)', async () => {
    const meter = recordingMeter();
    const tracer = { startSpan: () => undefined } as unknown as Tracer;
    bridge = instrumentOpenTelemetry({
      tracerProvider: { getTracer: () => tracer },
      meterProvider: meter.meterProvider,
    });
    await oneSourceCall();
    expect([meter.sum('scene_radar.source.calls'), meter.count('scene_radar.source.duration')]).toEqual([1, 1]);
  });

  it('a source timing out: `timeout` in stats, on the counter and on the span (status error), no span left open, one bounded warn record', async () => {
    const exporter = new InMemorySpanExporter();
    const tracking = new OpenSpans();
    const meter = recordingMeter();
    bridge = instrumentOpenTelemetry({
      tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter), tracking] }),
      meterProvider: meter.meterProvider,
    });
    const logs: Array<[string, string | undefined, Record<string, unknown>]> = [];
    const log = (level: string) => (o: Record<string, unknown>, m?: string) => logs.push([level, m, o]);
    const { radar, world } = await radarOver(
      (s) => ({
        ...s,
        coverage: {
          ...s.coverage!,
          // Never answers; rejects only when its signal aborts.
          getArticles: (_keys, o) =>
            new Promise((_resolve, reject) => o.signal?.addEventListener('abort', () => reject(new Error('aborted')))),
        },
      }),
      {
        config: { sources: { coverage: { timeoutMs: 30 } } },
        logger: { info: log('info'), warn: log('warn'), error: log('error') },
      },
    );
    const report = await radar.refresh(new Date(NOW));
    expect(report.talent.failedReads).toEqual({ coverage: 20 });

    const stats = radar.stats().sources['coverage.getArticles']!;
    expect({ calls: stats.calls, keys: stats.keys, results: stats.results }).toEqual({
      calls: 1,
      keys: 20,
      results: { timeout: 1 },
    });
    expect(stats.latency.maxMs).toBeGreaterThanOrEqual(25); // ms, not s
    expect(stats.latency.maxMs).toBeLessThan(10_000);
    const counted = meter.points.filter(
      (p) => p.name === 'scene_radar.source.calls' && p.attributes['scene_radar.source'] === 'coverage',
    );
    expect(counted.map((p) => p.attributes)).toEqual([
      { 'scene_radar.source': 'coverage', 'scene_radar.method': 'getArticles', 'scene_radar.result': 'timeout' },
    ]);
    const timed = meter.points.find(
      (p) => p.name === 'scene_radar.source.duration' && p.attributes['scene_radar.source'] === 'coverage',
    )!;
    expect(timed.value).toBe(stats.latency.sumMs);
    expect(meter.units['scene_radar.source.duration']).toBe('ms');

    const spans = exporter.getFinishedSpans();
    const call = spans.filter(
      (s) => s.name === 'scene-radar.source_call' && s.attributes['scene_radar.source'] === 'coverage',
    );
    expect(call.map((s) => [s.kind, s.attributes['scene_radar.result'], s.status.code])).toEqual([
      [SpanKind.CLIENT, 'timeout', SpanStatusCode.ERROR],
    ]);
    expect(tracking.open.size).toBe(0);

    const warns = logs.filter(([level, msg]) => level === 'warn' && msg?.startsWith('source call failed'));
    expect(warns.map(([, msg, o]) => [msg, Object.keys(o).sort()])).toEqual([
      ['source call failed (timeout)', ['durationMs', 'keys', 'method', 'result', 'source']],
    ]);
    // No artist slug in any record, span attribute or data point.
    const everything = JSON.stringify([logs, spans.map((s) => [s.name, s.attributes, s.status]), meter.points]);
    for (const slug of world.dataset.artistSlugs()) expect(everything).not.toContain(`"${slug}"`);
    for (const scene of world.catalog.scenes) expect(everything).not.toContain(`"${scene.slug}"`);
  });

  it('scene_radar.refresh.duration has one point per engine and step, equal to radar.stats().refresh, in ms, with the documented attributes', async () => {
    const meter = recordingMeter();
    bridge = instrumentOpenTelemetry({ meterProvider: meter.meterProvider });
    const { radar } = await radarOver();
    await radar.refresh(new Date(NOW));
    const refresh = radar.stats().refresh;
    const byKey: Record<string, { count: number; sum: number }> = {};
    for (const p of meter.points.filter((x) => x.name === 'scene_radar.refresh.duration')) {
      expect(Object.keys(p.attributes).sort()).toEqual([
        'scene_radar.engine',
        'scene_radar.phase',
        'scene_radar.result',
      ]);
      expect(p.attributes['scene_radar.result']).toBe('ok');
      const engine = String(p.attributes['scene_radar.engine']);
      const phase = String(p.attributes['scene_radar.phase']);
      const key: string = phase === 'all' ? engine : `${engine}.${phase}`;
      byKey[key] = { count: (byKey[key]?.count ?? 0) + 1, sum: (byKey[key]?.sum ?? 0) + p.value };
    }
    expect(Object.keys(byKey).sort()).toEqual(Object.keys(refresh).sort());
    for (const [key, r] of Object.entries(refresh)) {
      expect([key, byKey[key]!.count]).toEqual([key, r.count]);
      expect(byKey[key]!.sum).toBeCloseTo(r.latency.sumMs, 6);
    }
    expect(meter.units['scene_radar.refresh.duration']).toBe('ms');
    expect(meter.units['scene_radar.http.duration']).toBe('ms');
    // The whole radar refresh of 20 artists on the demo world takes well over a millisecond: ms, not seconds.
    expect(refresh.radar!.lastMs).toBeGreaterThan(1);
  });

  it('a logger, a meter and a tracer that all throw change neither a refresh nor an HTTP answer', async () => {
    const tracer = {
      startSpan: () => {
        throw new Error('tracer');
      },
    } as unknown as Tracer;
    const meter = {
      createCounter: () => ({
        add() {
          throw new Error('meter');
        },
      }),
      createHistogram: () => ({
        record() {
          throw new Error('meter');
        },
      }),
    } as unknown as Meter;
    bridge = instrumentOpenTelemetry({
      tracerProvider: { getTracer: () => tracer },
      meterProvider: { getMeter: () => meter },
    });
    const bad = () => {
      throw new Error('logger');
    };
    const rejecting = () => Promise.reject(new Error('async logger'));
    const { radar } = await radarOver(undefined, {
      logger: {
        info: bad,
        warn: bad,
        error: bad,
        child: () => ({ info: rejecting, warn: rejecting, error: rejecting }),
      },
    });
    const report = await radar.refresh(new Date(NOW));
    expect(report.talent.artists).toBe(20);
    const handler = createFetchHandler(radar);
    expect((await handler(new Request('http://x/api/talent/pulse'))).status).toBe(200);
    expect((await handler(new Request('http://x/api/health'))).status).toBe(200);
    expect(handler.stats().statuses).toEqual({ 200: 2 });
    expect(radar.stats().refresh.radar).toMatchObject({ count: 1, failed: 0 });
  });

  it('close() leaves no subscriber on any scene-radar channel (no overhead once observability is off)', async () => {
    bridge = instrumentOpenTelemetry({});
    await oneSourceCall();
    bridge.close();
    const still: string[] = [];
    for (const name of ['source-call', 'refresh', 'http']) {
      const channel = diagnostics.tracingChannel(`scene-radar:${name}`) as unknown as Record<
        string,
        { hasSubscribers: boolean }
      >;
      for (const part of ['start', 'end', 'asyncStart', 'asyncEnd', 'error'])
        if (channel[part]!.hasSubscribers) still.push(`${name}.${part}`);
    }
    for (const name of ['cache', 'progress'])
      if (diagnostics.channel(`scene-radar:${name}`).hasSubscribers) still.push(name);
    expect(still).toEqual([]);
  });

  it('health probes move no cache or source counter of radar.stats() (a load balancer does not skew the hit rate)', async () => {
    const { radar } = await radarOver();
    await radar.refresh(new Date(NOW));
    const handler = createFetchHandler(radar);
    const before = radar.stats();
    for (let i = 0; i < 3; i++) expect((await handler(new Request('http://x/api/health'))).status).toBe(200);
    const after = radar.stats();
    expect(after.cache.namespaces).toEqual(before.cache.namespaces);
    expect(after.sources).toEqual(before.sources);
    expect(handler.stats().statuses).toEqual({ 200: 3 });
  });

  it('health on a radar without MIG: `mig` down with the documented reason', async () => {
    const { radar } = await radarOver(({ mig: _mig, ...rest }) => rest);
    await radar.refresh(new Date(NOW));
    const res = await createFetchHandler(radar)(new Request('http://x/api/health'));
    const body = (await res.json()) as { data: { status: string; sources: unknown[] } };
    expect(res.status).toBe(200);
    expect(body.data.status).toBe('degraded');
    expect(body.data.sources).toContainEqual({
      name: 'mig',
      state: 'down',
      reason: 'no artist universe source is configured',
    });
  });

  it('span names, kinds and attribute keys are those of the docs; an HTTP request on a slug route carries its template only', async () => {
    const exporter = new InMemorySpanExporter();
    bridge = instrumentOpenTelemetry({
      tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    });
    const { radar, world } = await radarOver();
    await radar.refresh(new Date(NOW));
    const scene = world.catalog.scenes[0]!.slug;
    const handler = createFetchHandler(radar);
    expect((await handler(new Request(`http://x/api/scenes/${scene}/pulse`))).status).toBe(200);
    expect((await handler(new Request(`http://x/api/scenes/${scene}/pulse`, { method: 'PROPFIND' }))).status).toBe(405);
    const spans = exporter.getFinishedSpans();
    const keys: Record<string, Set<string>> = {};
    for (const s of spans) {
      keys[s.name] ??= new Set();
      for (const k of Object.keys(s.attributes)) keys[s.name]!.add(k);
    }
    expect(Object.fromEntries(Object.entries(keys).map(([n, k]) => [n, [...k].sort()]))).toEqual({
      'scene-radar.source_call': ['scene_radar.keys', 'scene_radar.method', 'scene_radar.result', 'scene_radar.source'],
      'scene-radar.refresh': ['scene_radar.artists', 'scene_radar.as_of', 'scene_radar.engine', 'scene_radar.phase'],
      'scene-radar.http': ['http.request.method', 'http.response.status_code', 'http.route', 'scene_radar.error_code'],
    });
    const http = spans.filter((s) => s.name === 'scene-radar.http');
    expect(http.map((s) => [s.kind, s.attributes['http.request.method'], s.attributes['http.route']])).toEqual([
      [SpanKind.INTERNAL, 'GET', '/api/scenes/:slug/pulse'],
      [SpanKind.INTERNAL, '_OTHER', '/api/scenes/:slug/pulse'],
    ]);
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain(scene);
  });
});
