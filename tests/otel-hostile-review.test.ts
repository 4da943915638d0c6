/**
 * scene-radar/otel against a hostile SDK: spans whose methods throw must not keep the bridge
 * subscribed for ever after `close()`.
 */
import { type Span, type Tracer, type TracerProvider, trace } from '@opentelemetry/api';
import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, instrumentOpenTelemetry, type OpenTelemetryBridge } from '../src/otel/index.js';

let bridge: OpenTelemetryBridge | undefined;
afterEach(() => bridge?.close());

/** A tracer provider whose spans throw on `end()` (a shut-down or broken SDK). */
function throwingEndProvider(): TracerProvider {
  const real = trace.getTracerProvider().getTracer('noop');
  const tracer = {
    startSpan: (...args: Parameters<Tracer['startSpan']>) => {
      const span = real.startSpan(...args);
      return new Proxy(span, {
        get: (target, key) =>
          key === 'end'
            ? () => {
                throw new Error('exporter shut down');
              }
            : Reflect.get(target, key),
      }) as Span;
    },
    startActiveSpan: real.startActiveSpan.bind(real),
  } as Tracer;
  return { getTracer: () => tracer };
}

const sourceCall = () =>
  diagnostics
    .tracingChannel(CHANNEL_NAMES.sourceCall)
    .tracePromise(async () => undefined, { source: 'rcf', method: 'getEvents', keys: 1, outcome: 'ok', durationMs: 1 });

describe('scene-radar/otel with a hostile SDK', () => {
  it('a span whose end() throws does not keep the channels subscribed after close()', async () => {
    bridge = instrumentOpenTelemetry({ tracerProvider: throwingEndProvider() });
    await expect(sourceCall()).resolves.toBeUndefined();
    bridge.close();
    expect(diagnostics.tracingChannel(CHANNEL_NAMES.sourceCall).start.hasSubscribers).toBe(false);
    expect(diagnostics.tracingChannel(CHANNEL_NAMES.http).start.hasSubscribers).toBe(false);
  });
});
