import { context, SpanStatusCode, type Span as ApiSpan } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type Span,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import type { SceneRadar, SceneRadarSources } from '../../src/index.js';
import { createFetchHandler } from '../../src/api/index.js';
import { CHANNEL_NAMES, instrumentOpenTelemetry, type OpenTelemetryBridge } from '../../src/otel/index.js';
import { AlsContextManager, NOW, parentOf, radarOf as radarOfDemo } from '../helpers/otel.js';

/** Spans started and not yet ended: empty once every operation settled, or a span leaked. */
class OpenSpans implements SpanProcessor {
  readonly open = new Set<Span>();
  onStart(span: Span): void {
    this.open.add(span);
  }
  onEnd(span: ReadableSpan): void {
    this.open.delete(span as Span);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

let bridge: OpenTelemetryBridge | undefined;
const radars: SceneRadar[] = [];
afterEach(async () => {
  bridge?.close();
  bridge = undefined;
  for (const r of radars.splice(0)) await r.close();
  context.disable();
});

function setup() {
  const exporter = new InMemorySpanExporter();
  const tracking = new OpenSpans();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter), tracking] });
  bridge = instrumentOpenTelemetry({ tracerProvider });
  return { exporter, tracking, tracerProvider };
}

const radarOf = (artists: number, edit?: (s: SceneRadarSources) => SceneRadarSources) =>
  radarOfDemo(radars, artists, edit);

const attr = (s: ReadableSpan, name: string) => s.attributes[`scene_radar.${name}`];
const isRefresh = (s: ReadableSpan, engine: string, phase = 'all') =>
  s.name === 'scene-radar.refresh' && attr(s, 'engine') === engine && attr(s, 'phase') === phase;
const ms = (s: ReadableSpan, at: 'startTime' | 'endTime') => s[at][0] * 1e3 + s[at][1] / 1e6;

/** Source calls by `source.method` among `spans`, as `radar.stats().sources` counts them. */
function callsBySource(spans: readonly ReadableSpan[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of spans.filter((x) => x.name === 'scene-radar.source_call')) {
    const key = `${attr(s, 'source')}.${attr(s, 'method')}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
const statsCalls = (radar: SceneRadar) =>
  Object.fromEntries(Object.entries(radar.stats().sources).map(([k, s]) => [k, s.calls]));

/** The spans of `root`'s trace, each checked to descend from `root`. */
function traceOf(root: ReadableSpan, all: readonly ReadableSpan[]): ReadableSpan[] {
  const inTrace = all.filter((s) => s.spanContext().traceId === root.spanContext().traceId);
  for (const s of inTrace) {
    let at: ReadableSpan | undefined = s;
    while (at && at !== root) at = parentOf(at, all);
    expect(at, `${s.name} descends from ${root.name}`).toBe(root);
  }
  return inTrace;
}

describe('scene-radar/otel: the work of an operation is its span’s children', () => {
  it('a refresh is one trace: engines under the radar, steps under their engine, source calls under a step', async () => {
    const { exporter, tracking } = setup();
    const radar = await radarOf(30);
    exporter.reset(); // the catalog import's own spans
    await radar.refresh(new Date(NOW));
    const spans = exporter.getFinishedSpans();
    const root = spans.find((s) => isRefresh(s, 'radar'))!;
    expect(root.parentSpanContext).toBeUndefined();
    expect(traceOf(root, spans)).toHaveLength(spans.length);
    for (const engine of ['scenes', 'talent']) {
      const engineSpan = spans.find((s) => isRefresh(s, engine))!;
      expect(parentOf(engineSpan, spans)).toBe(root);
      const steps = spans.filter((s) => s.name === 'scene-radar.refresh' && attr(s, 'engine') === engine);
      expect(steps.length).toBeGreaterThan(1);
      for (const step of steps.filter((s) => s !== engineSpan)) expect(parentOf(step, spans)).toBe(engineSpan);
    }
    const calls = spans.filter((s) => s.name === 'scene-radar.source_call');
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      const parent = parentOf(call, spans)!;
      expect(parent.name).toBe('scene-radar.refresh');
      expect(attr(parent, 'phase')).not.toBe('all');
    }
    expect(callsBySource(spans)).toEqual(statsCalls(radar));
    expect(tracking.open.size).toBe(0);
  });

  it('two refreshes and a request in flight at once: each operation gets only its own children', async () => {
    const { exporter, tracking } = setup();
    const first = await radarOf(40);
    // Another world, without rcf: none of its calls may land in the first refresh's trace.
    const second = await radarOf(25, ({ rcf: _rcf, ...rest }) => rest);
    const third = await radarOf(20);
    exporter.reset();
    const handler = createFetchHandler(third);
    const EARLIER = '2026-11-24T12:00:00.000Z'; // the second refresh's as-of tells its span apart
    const [, , answer] = await Promise.all([
      first.refresh(new Date(NOW)),
      second.refresh(new Date(EARLIER)),
      handler(new Request('http://x/api/talent/pulse')), // cold: runs the Talent Radar's steps
    ]);
    expect(answer.status).toBe(200);
    const spans = exporter.getFinishedSpans();
    const roots = spans.filter((s) => s.parentSpanContext === undefined);
    expect(roots.map((s) => `${s.name}:${attr(s, 'engine') ?? ''}`).sort()).toEqual([
      'scene-radar.http:',
      'scene-radar.refresh:radar',
      'scene-radar.refresh:radar',
    ]);
    const a = roots.find((s) => isRefresh(s, 'radar') && attr(s, 'as_of') === NOW);
    const b = roots.find((s) => isRefresh(s, 'radar') && attr(s, 'as_of') === EARLIER);
    const request = roots.find((s) => s.name === 'scene-radar.http')!;
    // The three really overlapped.
    for (const [x, y] of [
      [a!, b!],
      [a!, request],
      [b!, request],
    ] as const) {
      expect(ms(x, 'startTime')).toBeLessThan(ms(y, 'endTime'));
      expect(ms(y, 'startTime')).toBeLessThan(ms(x, 'endTime'));
    }
    const traces = [traceOf(a!, spans), traceOf(b!, spans), traceOf(request, spans)];
    expect(traces.reduce((n, t) => n + t.length, 0)).toBe(spans.length);
    expect(callsBySource(traces[0]!)).toEqual(statsCalls(first));
    expect(callsBySource(traces[1]!)).toEqual(statsCalls(second));
    expect(callsBySource(traces[2]!)).toEqual(statsCalls(third));
    expect(Object.keys(callsBySource(traces[1]!)).some((k) => k.startsWith('rcf.'))).toBe(false);
    expect(traces[2]!.some((s) => isRefresh(s, 'talent', 'features'))).toBe(true);
    expect(tracking.open.size).toBe(0);
  });

  it('with the host’s context manager: a refresh is a child of the host’s span, and the host’s spans inside a source call are the call’s children', async () => {
    expect(context.setGlobalContextManager(new AlsContextManager())).toBe(true);
    const { exporter, tracerProvider } = setup();
    const host = tracerProvider.getTracer('host');
    const radar = await radarOf(25, (sources) => ({
      ...sources,
      mig: {
        ...sources.mig!,
        getArtists: async (slugs, options) => {
          const span = host.startSpan('host.fetch'); // the active context's child, as host instrumentation does
          try {
            return await sources.mig!.getArtists(slugs, options);
          } finally {
            span.end();
          }
        },
      },
    }));
    exporter.reset();
    await host.startActiveSpan('host.job', async (job: ApiSpan) => {
      await radar.refresh(new Date(NOW));
      job.end();
    });
    const spans = exporter.getFinishedSpans();
    const job = spans.find((s) => s.name === 'host.job')!;
    expect(parentOf(spans.find((s) => isRefresh(s, 'radar'))!, spans)).toBe(job);
    expect(traceOf(job, spans)).toHaveLength(spans.length);
    const fetches = spans.filter((s) => s.name === 'host.fetch');
    expect(fetches.length).toBeGreaterThan(0);
    for (const f of fetches) {
      const parent = parentOf(f, spans)!;
      expect([parent.name, attr(parent, 'source'), attr(parent, 'method')]).toEqual([
        'scene-radar.source_call',
        'mig',
        'getArtists',
      ]);
    }
  });

  it('a failing refresh ends every span it opened, nested, marked as errors', async () => {
    const { exporter, tracking } = setup();
    const radar = await radarOf(20);
    exporter.reset();
    // Refused by the radar before either engine starts (an invalid instant): the radar's span
    // alone, an error; no engine span is opened.
    await expect(radar.refresh(new Date(Number.NaN))).rejects.toThrow();
    let spans = exporter.getFinishedSpans();
    const refused = spans.find((s) => isRefresh(s, 'radar'))!;
    expect(refused.status.code).toBe(SpanStatusCode.ERROR);
    expect(spans.filter((s) => isRefresh(s, 'scenes') || isRefresh(s, 'talent'))).toEqual([]);
    expect(tracking.open.size).toBe(0);
    // Failing inside the Scenes Engine's refresh (here its refresh rejects): nested, both errors.
    exporter.reset();
    const refresh = radar.scenes.refresh;
    radar.scenes.refresh = () => Promise.reject(new Error('scenes store down'));
    await expect(radar.refresh()).rejects.toThrow('scenes store down');
    radar.scenes.refresh = refresh;
    spans = exporter.getFinishedSpans();
    const root = spans.find((s) => isRefresh(s, 'radar'))!;
    const scenes = spans.find((s) => isRefresh(s, 'scenes'))!;
    expect(parentOf(scenes, spans)).toBe(root);
    expect([root.status.code, scenes.status.code]).toEqual([SpanStatusCode.ERROR, SpanStatusCode.ERROR]);
    expect(tracking.open.size).toBe(0);
  });

  it('a refresh aborted by radar.close() ends every span it opened; the aborted call is its step’s child', async () => {
    const { exporter, tracking } = setup();
    let entered!: () => void;
    const hanging = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const radar = await radarOf(20, (sources) => ({
      ...sources,
      fusion: {
        ...sources.fusion!,
        getEngagement: (_slugs, options) =>
          new Promise((_resolve, reject) => {
            entered();
            options.signal.addEventListener('abort', () => reject(options.signal.reason));
          }),
      },
    }));
    exporter.reset();
    const refreshing = radar.refresh(new Date(NOW)).then(
      () => 'settled',
      () => 'settled',
    );
    await hanging;
    expect(tracking.open.size).toBeGreaterThan(0);
    await radar.close();
    expect(await refreshing).toBe('settled');
    expect(tracking.open.size).toBe(0);
    const spans = exporter.getFinishedSpans();
    const aborted = spans.filter((s) => s.name === 'scene-radar.source_call' && attr(s, 'result') === 'aborted');
    expect(aborted.length).toBeGreaterThan(0);
    for (const s of aborted) {
      expect(s.status.code).toBe(SpanStatusCode.ERROR);
      expect(parentOf(s, spans)?.name).toBe('scene-radar.refresh');
    }
    traceOf(spans.find((s) => isRefresh(s, 'radar'))!, spans);
  });

  it('work that throws before it returns a promise still ends its span', () => {
    const { exporter, tracking } = setup();
    expect(() =>
      diagnostics.tracingChannel(CHANNEL_NAMES.refresh).tracePromise(
        () => {
          throw new Error('refused at once');
        },
        { engine: 'scenes', phase: 'all', asOf: NOW },
      ),
    ).toThrow('refused at once');
    expect(tracking.open.size).toBe(0);
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'refused at once' });
  });
});
