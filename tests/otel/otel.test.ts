import { SpanStatusCode } from '@opentelemetry/api';
import { AggregationTemporality, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createSceneRadar, fixedClock, type SceneRadarSources } from '../../src/index.js';
import { createFetchHandler } from '../../src/api/index.js';
import { CHANNEL_NAMES, instrumentOpenTelemetry, type OpenTelemetryBridge } from '../../src/otel/index.js';

const NOW = '2026-11-25T00:00:00.000Z';

/** A reader the test collects from on demand. */
class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** Every data point of `name`, flattened: attributes and value (a sum, or a histogram's count and sum). */
function points(resource: ResourceMetrics, name: string) {
  const out: Array<{ attributes: Record<string, unknown>; value: unknown }> = [];
  for (const scope of resource.scopeMetrics)
    for (const m of scope.metrics)
      if (m.descriptor.name === name)
        for (const p of m.dataPoints as Array<{ attributes: Record<string, unknown>; value: unknown }>)
          out.push({ attributes: p.attributes, value: p.value });
  return out;
}

let bridge: OpenTelemetryBridge | undefined;
afterEach(() => bridge?.close());

function providers() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  return { exporter, reader, options: { tracerProvider, meterProvider } };
}

function setup() {
  const { exporter, reader, options } = providers();
  bridge = instrumentOpenTelemetry(options);
  return { exporter, reader };
}

/** One source call and one cache operation, published straight on the radar's channels. */
async function publishOneOfEach(): Promise<void> {
  diagnostics.channel(CHANNEL_NAMES.cache).publish({ namespace: 'talent', op: 'hit' });
  await diagnostics
    .tracingChannel(CHANNEL_NAMES.sourceCall)
    .tracePromise(async () => undefined, { source: 'rcf', method: 'getEvents', keys: 1, outcome: 'ok', durationMs: 1 });
}

/** Spans, source calls and cache operations `providers()` recorded. */
async function recorded({ exporter, reader }: ReturnType<typeof providers>) {
  const { resourceMetrics } = await reader.collect();
  const sum = (name: string) => points(resourceMetrics, name).reduce((a, p) => a + (p.value as number), 0);
  return {
    spans: exporter.getFinishedSpans().length,
    sourceCalls: sum('scene_radar.source.calls'),
    cacheOperations: sum('scene_radar.cache.operations'),
  };
}

describe('scene-radar/otel', () => {
  it('records a span per source call and refresh, and metrics equal to radar.stats()', async () => {
    const { exporter, reader } = setup();
    const world = createDemoWorld({ artists: 50, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(new Date(NOW));
    const stats = radar.stats();
    await radar.close();

    const spans = exporter.getFinishedSpans();
    const calls = spans.filter((s) => s.name === 'scene-radar.source_call');
    const totalCalls = Object.values(stats.sources).reduce((a, s) => a + s.calls, 0);
    expect(calls.length).toBe(totalCalls);
    for (const s of calls) {
      expect(s.attributes['scene_radar.source']).toBeTypeOf('string');
      expect(s.attributes['scene_radar.result']).toBe('ok');
      expect(s.status.code).not.toBe(SpanStatusCode.ERROR);
    }
    // One span per engine's whole refresh (phase `all`), and one per step of each.
    const refreshes = spans.filter(
      (s) => s.name === 'scene-radar.refresh' && s.attributes['scene_radar.phase'] === 'all',
    );
    expect(refreshes.map((s) => s.attributes['scene_radar.engine']).sort()).toEqual(['radar', 'scenes', 'talent']);

    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    // Source call counts by source.method equal the radar's own counters.
    const counted: Record<string, number> = {};
    for (const p of points(resourceMetrics, 'scene_radar.source.calls')) {
      const key = `${p.attributes['scene_radar.source']}.${p.attributes['scene_radar.method']}`;
      counted[key] = (counted[key] ?? 0) + (p.value as number);
    }
    expect(counted).toEqual(Object.fromEntries(Object.entries(stats.sources).map(([k, s]) => [k, s.calls])));
    const durations = points(resourceMetrics, 'scene_radar.source.duration');
    expect(durations.reduce((a, p) => a + (p.value as { count: number }).count, 0)).toBe(totalCalls);
    const refreshDurations = points(resourceMetrics, 'scene_radar.refresh.duration').filter(
      (p) => p.attributes['scene_radar.phase'] === 'all',
    );
    expect(refreshDurations.map((p) => p.attributes['scene_radar.engine']).sort()).toEqual([
      'radar',
      'scenes',
      'talent',
    ]);
    // Attributes are bounded names: no artist or scene id anywhere.
    const everything = JSON.stringify([spans.map((s) => s.attributes), resourceMetrics.scopeMetrics]);
    for (const slug of world.dataset.artistSlugs().slice(0, 50)) expect(everything).not.toContain(`"${slug}"`);
  });

  it('marks failing source calls as errors and counts them by result', async () => {
    const { exporter, reader } = setup();
    const world = createDemoWorld({ artists: 30, end: '2026-11-24' });
    const sources: SceneRadarSources = {
      ...world.sources,
      rcf: {
        ...world.sources.rcf!,
        getEvents: async () => {
          throw new Error('feed down');
        },
      },
    };
    const radar = createSceneRadar({ sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(new Date(NOW));
    await radar.close();
    const failed = exporter
      .getFinishedSpans()
      .filter((s) => s.name === 'scene-radar.source_call' && s.attributes['scene_radar.source'] === 'rcf');
    expect(failed.length).toBeGreaterThan(0);
    for (const s of failed) {
      expect(s.attributes['scene_radar.result']).toBe('threw');
      expect(s.status.code).toBe(SpanStatusCode.ERROR);
    }
    const { resourceMetrics } = await reader.collect();
    const threw = points(resourceMetrics, 'scene_radar.source.calls').filter(
      (p) => p.attributes['scene_radar.source'] === 'rcf',
    );
    expect(threw.map((p) => p.attributes['scene_radar.result'])).toEqual(['threw']);
    expect(threw[0]!.value).toBe(failed.length);
  });

  it('records a span per API request and HTTP and cache metrics equal to the counters', async () => {
    const { exporter, reader } = setup();
    const world = createDemoWorld({ artists: 40, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(new Date(NOW));
    const handler = createFetchHandler(radar);
    const ask = async (path: string, init?: RequestInit) =>
      (await handler(new Request(`http://x${path}`, init))).status;
    expect(await ask('/api/scenes/indie-uk-brighton/pulse')).toBe(200);
    expect(await ask('/api/scenes/indie-uk-brighton/pulse')).toBe(200);
    expect(await ask('/api/talent/pulse?limit=5')).toBe(200);
    expect(await ask('/api/talent/artists/unknown-artist-brighton')).toBe(404);
    expect(await ask('/api/scenes/brighton-!!!')).toBe(400);
    expect(await ask('/api/nowhere/brighton')).toBe(404);
    expect(await ask('/api/talent/pulse', { method: 'DELETE' })).toBe(405);
    const stats = handler.stats();
    const cache = radar.stats().cache;
    await radar.close();

    const spans = exporter.getFinishedSpans().filter((s) => s.name === 'scene-radar.http');
    expect(spans.length).toBe(stats.requests);
    expect(spans.map((s) => [s.attributes['http.route'], s.attributes['http.response.status_code']])).toEqual([
      ['/api/scenes/:slug/pulse', 200],
      ['/api/scenes/:slug/pulse', 200],
      ['/api/talent/pulse', 200],
      ['/api/talent/artists/:slug', 404],
      ['/api/scenes/:slug', 400],
      ['unmatched', 404],
      ['/api/talent/pulse', 405],
    ]);
    expect(spans[3]!.attributes['scene_radar.error_code']).toBe('TALENT_ARTIST_NOT_FOUND');
    expect(spans[6]!.attributes['http.request.method']).toBe('DELETE');
    expect(spans[0]!.attributes['scene_radar.error_code']).toBeUndefined();
    // 4xx is the client's doing: not a span error (a 5xx would be).
    for (const s of spans) expect(s.status.code).not.toBe(SpanStatusCode.ERROR);

    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    // Requests by status and by error code equal the handler's own counters.
    const byStatus: Record<string, number> = {};
    const byCode: Record<string, number> = {};
    for (const p of points(resourceMetrics, 'scene_radar.http.requests')) {
      const status = String(p.attributes['http.response.status_code']);
      byStatus[status] = (byStatus[status] ?? 0) + (p.value as number);
      const code = p.attributes['scene_radar.error_code'] as string | undefined;
      if (code !== undefined) byCode[code] = (byCode[code] ?? 0) + (p.value as number);
    }
    expect(byStatus).toEqual(stats.statuses);
    expect(byCode).toEqual(stats.codes);
    const durations = points(resourceMetrics, 'scene_radar.http.duration');
    expect(durations.reduce((a, p) => a + (p.value as { count: number }).count, 0)).toBe(stats.requests);
    // Cache operations by namespace equal radar.stats().cache.
    const ops: Record<string, number> = {};
    for (const p of points(resourceMetrics, 'scene_radar.cache.operations')) {
      const key = `${p.attributes['scene_radar.cache.namespace']}.${p.attributes['scene_radar.cache.op']}`;
      ops[key] = (ops[key] ?? 0) + (p.value as number);
    }
    expect(cache.namespaces.scenes!.hits).toBeGreaterThan(0);
    for (const [name, s] of Object.entries(cache.namespaces)) {
      expect([name, ops[`${name}.hit`] ?? 0, ops[`${name}.miss`] ?? 0]).toEqual([name, s.hits, s.misses]);
    }
    const everything = JSON.stringify([spans.map((s) => s.attributes), resourceMetrics.scopeMetrics]);
    expect(everything).not.toMatch(/brighton|nowhere/);
  });

  it('close() stops recording', async () => {
    const { exporter } = setup();
    bridge!.close();
    bridge!.close();
    const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(new Date(NOW));
    await createFetchHandler(radar)(new Request('http://x/api/talent/pulse'));
    await radar.close();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('close() while work is in flight: its spans still end (and are exported), and nothing new is recorded', async () => {
    const { exporter } = setup();
    const world = createDemoWorld({ artists: 40, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    const handler = createFetchHandler(radar);
    const pending = handler(new Request('http://x/api/talent/pulse')); // cold: computes
    bridge!.close();
    expect((await pending).status).toBe(200);
    const names = exporter.getFinishedSpans().map((s) => s.name);
    expect(names).toContain('scene-radar.http');
    const before = names.length;
    await handler(new Request('http://x/api/scenes'));
    await radar.close();
    expect(exporter.getFinishedSpans()).toHaveLength(before);
  });

  it('a second call replaces the first: every span and data point is recorded once', async () => {
    const same = providers();
    const first = instrumentOpenTelemetry(same.options);
    bridge = instrumentOpenTelemetry(same.options); // the same options object again
    await publishOneOfEach();
    expect(await recorded(same)).toEqual({ spans: 1, sourceCalls: 1, cacheOperations: 1 });
    first.close(); // replaced already: closing it does not stop the running bridge
    await publishOneOfEach();
    expect(await recorded(same)).toEqual({ spans: 2, sourceCalls: 2, cacheOperations: 2 });

    // Other providers: the telemetry moves to them, the first ones get nothing new.
    const other = providers();
    const replaced = bridge;
    bridge = instrumentOpenTelemetry(other.options);
    expect(bridge).not.toBe(replaced);
    await publishOneOfEach();
    expect(await recorded(same)).toEqual({ spans: 2, sourceCalls: 2, cacheOperations: 2 });
    expect(await recorded(other)).toEqual({ spans: 1, sourceCalls: 1, cacheOperations: 1 });
    bridge.close();
    await publishOneOfEach();
    expect(await recorded(other)).toEqual({ spans: 1, sourceCalls: 1, cacheOperations: 1 });
  });

  it('a call in flight when the bridge is replaced is recorded once, by the bridge that saw it start', async () => {
    const before = providers();
    const after = providers();
    bridge = instrumentOpenTelemetry(before.options);
    let finish = (): void => undefined;
    const pending = diagnostics.tracingChannel(CHANNEL_NAMES.sourceCall).tracePromise(
      () =>
        new Promise<void>((resolve) => {
          finish = resolve;
        }),
      { source: 'rcf', method: 'getEvents', keys: 1, outcome: 'ok', durationMs: 1 },
    );
    bridge = instrumentOpenTelemetry(after.options);
    finish();
    await pending;
    expect(await recorded(before)).toEqual({ spans: 1, sourceCalls: 1, cacheOperations: 0 });
    expect(await recorded(after)).toEqual({ spans: 0, sourceCalls: 0, cacheOperations: 0 });
  });
});
