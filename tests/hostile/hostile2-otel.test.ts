/**
 * Hostile probes of `scene-radar/otel`: the bridge is a subscriber of the radar's diagnostics
 * channels, and Node rethrows whatever a subscriber throws as an uncaught exception (it ends the
 * host). A broken OpenTelemetry SDK, or a refresh that rejects with a value that cannot be
 * printed, must cost the telemetry, never the process or the answer.
 */
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createFetchHandler } from '../../src/api/index.js';
import { createSceneRadar, fixedClock } from '../../src/index.js';
import { CHANNEL_NAMES, instrumentOpenTelemetry, type OpenTelemetryBridge } from '../../src/otel/index.js';

const NOW = '2026-11-25T00:00:00.000Z';
let bridge: OpenTelemetryBridge | undefined;
afterEach(() => bridge?.close());

/** Collects uncaught exceptions while `fn` runs (and a few ticks after). */
async function uncaughtDuring(fn: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (e: unknown) => seen.push(e);
  process.on('uncaughtException', listener);
  try {
    await fn();
    await new Promise((r) => setTimeout(r, 20));
  } finally {
    process.off('uncaughtException', listener);
  }
  return seen;
}

const boom = (): never => {
  throw new Error('exporter exploded');
};

describe('hostile: the OpenTelemetry bridge', () => {
  it('a tracer and a meter that throw on every call break neither a refresh nor a request', async () => {
    const instrument = { add: boom, record: boom };
    const tracerProvider = {
      getTracer: () => ({ startSpan: boom, startActiveSpan: boom }),
    } as unknown as TracerProvider;
    const meterProvider = {
      getMeter: () => ({ createCounter: () => instrument, createHistogram: () => instrument }),
    } as unknown as MeterProvider;
    bridge = instrumentOpenTelemetry({ tracerProvider, meterProvider });
    const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    let status = 0;
    const seen = await uncaughtDuring(async () => {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh(new Date(NOW));
      const res = await createFetchHandler(radar)(new Request('http://x/api/talent/pulse?limit=5'));
      status = res.status;
      await radar.close();
    });
    expect(status).toBe(200);
    expect(seen).toEqual([]);
  });

  it('a traced refresh that rejects with an unprintable value does not throw inside the bridge', async () => {
    bridge = instrumentOpenTelemetry();
    const channel = diagnostics.tracingChannel(CHANNEL_NAMES.refresh);
    const odd = Object.create(null) as object; // String(odd) throws
    let rejected: unknown;
    const seen = await uncaughtDuring(async () => {
      await channel
        .tracePromise(
          async () => {
            throw odd;
          },
          { engine: 'radar', phase: 'all', asOf: NOW } as object,
        )
        .catch((e: unknown) => {
          rejected = e;
        });
    });
    expect(rejected).toBe(odd);
    expect(seen).toEqual([]);
  });
});
