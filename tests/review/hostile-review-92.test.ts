/**
 * Hostile review 92: the observability layer (scene-radar/otel, src/core/observe, the handler's
 * stats()). Each test fails on the code as it stands because of a fault, and asserts what the
 * docs promise.
 */
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createFetchHandler, type HandlerContext } from '../../src/api/index.js';
import { createSceneRadar, fixedClock } from '../../src/index.js';
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

let bridge: OpenTelemetryBridge | undefined;
afterEach(() => {
  bridge?.close();
  bridge = undefined;
});

function instrument() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  bridge = instrumentOpenTelemetry({ tracerProvider, meterProvider });
  return { exporter, reader };
}

/** What the handler answered: a status, or the rejection it produced instead. */
async function answer(promise: Promise<Response>): Promise<number | string> {
  try {
    return (await promise).status;
  } catch (error) {
    return `rejected: ${String(error)}`;
  }
}

describe('hostile review 92: observability', () => {
  it('answers the same 500 (and counts it) whether or not the http channel is listened to', async () => {
    // src/api/answer.ts: "Only a bug or an unserialisable payload gets here: answer a clean 500,
    // report the cause"; src/api/handler.ts: "a 500 shows only that id (the cause goes to
    // onError)"; docs/observability.md: the OpenTelemetry bridge loses "that span or data point,
    // never the radar's answer"; ApiStats.requests: "Requests answered (every status ...)".
    // A glue that hands the platform's "no raw target" as null (HandlerContext.rawUrl: "pass the
    // raw target when the platform exposes it") makes the handler throw internally. Without a
    // subscriber that is a clean 500; with scene-radar/otel running, the same request rejects
    // the handler's promise (no answer, no onError, not counted), because the route template for
    // the channel is computed outside the handler's try (answer.ts routeOf, called at line 449).
    const world = createDemoWorld({ artists: 5, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    const reported: unknown[] = [];
    const handler = createFetchHandler(radar, { onError: (error) => reported.push(error) });
    const context = { rawUrl: null } as unknown as HandlerContext;
    try {
      const quiet = await answer(handler(new Request('http://x/api/talent/pulse'), context));
      const { exporter } = instrument();
      const traced = await answer(handler(new Request('http://x/api/talent/pulse'), context));
      expect(quiet).toBe(500);
      // The same request, only observed: the same answer.
      expect(traced).toBe(quiet);
      // Both answered and counted, both causes reported.
      expect(handler.stats().statuses).toEqual({ '500': 2 });
      expect(reported).toHaveLength(2);
      // And the observed one is spanned as the 500 it was.
      const spans = exporter.getFinishedSpans().filter((s) => s.name === 'scene-radar.http');
      expect(spans.map((s) => s.attributes['http.response.status_code'])).toEqual([500]);
    } finally {
      await radar.close();
    }
  });
});
