import { type Context, context } from '@opentelemetry/api';
import { BasicTracerProvider, type ReadableSpan, type Span, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import diagnostics from 'node:diagnostics_channel';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import type { SceneRadar, SceneRadarSources } from '../../src/index.js';
import { CHANNEL_NAMES, instrumentOpenTelemetry, type OpenTelemetryBridge } from '../../src/otel/index.js';
import { AlsContextManager, NOW, parentOf, radarOf as radarOfDemo } from '../helpers/otel.js';

let bridge: OpenTelemetryBridge | undefined;
const radars: SceneRadar[] = [];
afterEach(async () => {
  bridge?.close();
  bridge = undefined;
  for (const r of radars.splice(0)) await r.close();
  context.disable();
});

const radarOf = (artists: number, edit?: (s: SceneRadarSources) => SceneRadarSources) =>
  radarOfDemo(radars, artists, edit);

/**
 * Ended spans, kept without the SDK's exporting processors (those run the export through the
 * context manager, which the broken ones below would stop).
 */
class Ended implements SpanProcessor {
  spans: ReadableSpan[] = [];
  onStart(_span: Span): void {}
  onEnd(span: ReadableSpan): void {
    this.spans.push(span);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

function tracing() {
  const ended = new Ended();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [ended] });
  return { ended, tracerProvider };
}

/** An AsyncLocalStorage-based context manager whose `with` or `active` misbehaves as `broken` says. */
class BrokenContextManager extends AlsContextManager {
  constructor(readonly broken: 'throws after running' | 'never runs' | 'active throws') {
    super();
  }
  override active(): Context {
    if (this.broken === 'active throws') throw new Error('context manager: active() broke');
    return super.active();
  }
  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    if (this.broken === 'never runs') return undefined as ReturnType<F>;
    const value = super.with(ctx, fn, thisArg, ...args);
    if (this.broken === 'throws after running') throw new Error('context manager: restoring broke');
    return value;
  }
}

/** The garbage collector, without starting the process with `--expose-gc`. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('scene-radar/otel review 5', () => {
  it('a closed bridge lets its async context go (no AsyncLocalStorage left enabled for the process)', async () => {
    const gc = collector();
    // The store the bridge binds to the refresh channel's start, seen only through a WeakRef.
    const start = diagnostics.channel(`tracing:${CHANNEL_NAMES.refresh}:start`) as diagnostics.Channel & {
      bindStore: (store: object, transform?: unknown) => void;
    };
    let store: WeakRef<object> | undefined;
    // Own property, dropped before Node's own runs (which may call bindStore again on itself).
    start.bindStore = (s: object, transform?: unknown) => {
      store ??= new WeakRef(s);
      delete (start as { bindStore?: unknown }).bindStore;
      start.bindStore(s, transform);
    };
    try {
      bridge = instrumentOpenTelemetry({ tracerProvider: tracing().tracerProvider });
    } finally {
      delete (start as { bindStore?: unknown }).bindStore;
    }
    expect(store?.deref()).toBeDefined();
    const radar = await radarOf(5);
    await radar.refresh(new Date(NOW)); // runs work in the bridge's context
    bridge.close();
    bridge = undefined;
    for (let i = 0; i < 10 && store?.deref() !== undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      gc();
    }
    expect(store?.deref()).toBeUndefined();
  });

  it.each(['throws after running', 'never runs'] as const)(
    'a context manager whose with() %s: the refresh still answers, its spans still nest',
    async (broken) => {
      expect(context.setGlobalContextManager(new BrokenContextManager(broken))).toBe(true);
      const { ended, tracerProvider } = tracing();
      bridge = instrumentOpenTelemetry({ tracerProvider });
      const radar = await radarOf(10);
      ended.spans = [];
      const report = await radar.refresh(new Date(NOW));
      expect(report.scenes).toBeDefined();
      const spans = ended.spans;
      const root = spans.find(
        (s) => s.name === 'scene-radar.refresh' && s.attributes['scene_radar.engine'] === 'radar',
      );
      expect(root).toBeDefined();
      const scenes = spans.find(
        (s) =>
          s.name === 'scene-radar.refresh' &&
          s.attributes['scene_radar.engine'] === 'scenes' &&
          s.attributes['scene_radar.phase'] === 'all',
      )!;
      expect(parentOf(scenes, spans)).toBe(root);
    },
  );

  it('a context manager whose active() throws: the bridge’s spans still open and nest', async () => {
    expect(context.setGlobalContextManager(new BrokenContextManager('active throws'))).toBe(true);
    const { ended, tracerProvider } = tracing();
    bridge = instrumentOpenTelemetry({ tracerProvider });
    const radar = await radarOf(10);
    ended.spans = [];
    await radar.refresh(new Date(NOW));
    const spans = ended.spans;
    const root = spans.find((s) => s.name === 'scene-radar.refresh' && s.attributes['scene_radar.engine'] === 'radar');
    expect(root).toBeDefined();
    const calls = spans.filter((s) => s.name === 'scene-radar.source_call');
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(parentOf(call, spans)?.name).toBe('scene-radar.refresh');
  });

  it('instrumenting again while a refresh runs: the rest of its work stays in its trace, not one root trace per step or call', async () => {
    const first = tracing();
    bridge = instrumentOpenTelemetry({ tracerProvider: first.tracerProvider });
    let entered!: () => void;
    const reached = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holding = true;
    const radar = await radarOf(20, (sources) => ({
      ...sources,
      mig: {
        ...sources.mig!,
        // The refresh's first MIG call waits until the bridge was replaced.
        getArtists: async (slugs, options) => {
          if (holding) {
            holding = false;
            entered();
            await held;
          }
          return sources.mig!.getArtists(slugs, options);
        },
      },
    }));
    first.ended.spans = [];
    const refreshing = radar.refresh(new Date(NOW));
    await reached;
    const second = tracing();
    bridge = instrumentOpenTelemetry({ tracerProvider: second.tracerProvider });
    release();
    await refreshing;
    const root = first.ended.spans.find(
      (s) => s.name === 'scene-radar.refresh' && s.attributes['scene_radar.engine'] === 'radar',
    )!;
    expect(root).toBeDefined();
    // The new bridge records the work started after it (the old one opens nothing once replaced)...
    expect(second.ended.spans.length).toBeGreaterThan(0);
    // ...inside the refresh's trace.
    const roots = second.ended.spans.filter((s) => s.parentSpanContext === undefined);
    expect(roots.map((s) => s.name)).toEqual([]);
    for (const s of second.ended.spans) expect(s.spanContext().traceId).toBe(root.spanContext().traceId);
  });
});
