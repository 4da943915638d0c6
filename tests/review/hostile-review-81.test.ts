/**
 * Hostile review 81: what a host's monitoring sees (the OpenTelemetry bridge, the diagnostics
 * channels, progress, logs, stats and health). Every test here fails on the code as reviewed,
 * because of the fault its comment states.
 */
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createSceneRadar, fixedClock, type SceneRadar } from '../../src/index.js';
import {
  CHANNEL_NAMES,
  instrumentOpenTelemetry,
  type OpenTelemetryBridge,
  type RefreshContext,
} from '../../src/otel/index.js';

const NOW = '2026-11-25T00:00:00.000Z';

let bridge: OpenTelemetryBridge | undefined;
const radars: SceneRadar[] = [];
afterEach(async () => {
  bridge?.close();
  bridge = undefined;
  for (const r of radars.splice(0)) await r.close();
});

async function demoRadar(artists: number, logs: Array<[string, Record<string, unknown>]>): Promise<SceneRadar> {
  const world = createDemoWorld({ artists, end: '2026-11-24' });
  const log = (o: Record<string, unknown>, m?: string) => logs.push([m ?? '', o]);
  const radar = createSceneRadar({
    sources: world.sources,
    clock: fixedClock(NOW),
    logger: { info: log, warn: log, error: log },
  });
  radars.push(radar);
  await radar.scenes.importCatalog(world.catalog);
  return radar;
}

describe('hostile review 81: the refresh channel and spans', () => {
  // Fault: the Scenes Engine's whole refresh (`engine: 'scenes', phase: 'all'`) never carries
  // `artists` on the channel nor `scene_radar.artists` on its span, though it knows the count (its
  // own `info` log record for the same refresh has `artists`, and the Talent Radar's `all` has it):
  // src/radar.ts timedRefresh (~line 208) reads `report.artists`, but ScenesRefreshReport keeps the
  // count at `report.memberships.artists` (src/scenes/engine.ts ScenesRefreshReport).
  it('the Scenes Engine refresh as a whole reports its artists on the channel and the span, as its log does', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    bridge = instrumentOpenTelemetry({ tracerProvider });
    const ended: RefreshContext[] = [];
    const channel = diagnostics.tracingChannel<unknown, RefreshContext>(CHANNEL_NAMES.refresh);
    const subscriber = {
      start() {},
      end() {},
      asyncStart() {},
      error() {},
      asyncEnd(c: RefreshContext) {
        ended.push({ ...c });
      },
    };
    channel.subscribe(subscriber);
    const logs: Array<[string, Record<string, unknown>]> = [];
    try {
      const radar = await demoRadar(20, logs);
      exporter.reset();
      await radar.refresh(new Date(NOW));
    } finally {
      channel.unsubscribe(subscriber);
    }
    const logged = logs.find(([m]) => m === 'Scenes Engine refresh finished')?.[1];
    expect(logged?.artists).toBe(20);
    const scenesAll = ended.find((c) => c.engine === 'scenes' && c.phase === 'all');
    expect(scenesAll?.artists).toBe(20);
    const span = exporter
      .getFinishedSpans()
      .find(
        (s) =>
          s.name === 'scene-radar.refresh' &&
          s.attributes['scene_radar.engine'] === 'scenes' &&
          s.attributes['scene_radar.phase'] === 'all',
      );
    expect(span?.attributes['scene_radar.artists']).toBe(20);
  });
});
