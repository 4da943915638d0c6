import { SpanStatusCode } from '@opentelemetry/api';
import { AggregationTemporality, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createSceneRadar, fixedClock, type SceneRadarSources } from '../../src/index.js';
import { instrumentOpenTelemetry, type OpenTelemetryBridge } from '../../src/otel/index.js';

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

function setup() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  bridge = instrumentOpenTelemetry({ tracerProvider, meterProvider });
  return { exporter, reader };
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
    const refreshes = spans.filter((s) => s.name === 'scene-radar.refresh');
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
    const refreshDurations = points(resourceMetrics, 'scene_radar.refresh.duration');
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

  it('close() stops recording', async () => {
    const { exporter } = setup();
    bridge!.close();
    bridge!.close();
    const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(new Date(NOW));
    await radar.close();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
