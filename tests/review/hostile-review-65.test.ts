/**
 * Hostile review 65: lifecycle, concurrency and caching of the in-memory radar
 * (`createSceneRadar` with the default in-memory stores over `createDemoWorld`'s sources): work in
 * flight when `close()` is called, and a refresh whose `signal` aborts while it waits behind
 * another. Held to docs/reliability.md (Lifecycle), src/core/lifecycle.ts, the TSDoc of
 * `SceneRadar.refresh` and `OneAtATime.run`.
 *
 * Every test here fails on the code as reviewed, because of the fault its name states.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadarSources } from '../../src/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const HOUR_BEFORE = new Date(NOW.getTime() - 3_600_000);
const world = createDemoWorld({ artists: 60, end: '2026-11-25' });
const SCENE = 'indie-uk-brighton';

/** The outcome of a promise: its value, or the error's code (or name) and message. */
const outcome = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (e: { code?: string; name?: string; message?: string }) => ({
      ok: false as const,
      error: e?.code ?? e?.name,
      message: e?.message,
    }),
  );

/**
 * The demo world's sources, every method of which waits while `held` is set (until `release()`),
 * counting the calls waiting: the test knows a read is in flight before it closes or aborts.
 */
function gated(sources: SceneRadarSources) {
  const gate = { held: false, waiting: 0, resume: [] as (() => void)[] };
  const out: Record<string, unknown> = {};
  for (const [name, adapter] of Object.entries(sources)) {
    if (!adapter) continue;
    const wrapped: Record<string, unknown> = {};
    for (const key of Object.keys(adapter)) {
      const member = (adapter as Record<string, unknown>)[key];
      if (typeof member !== 'function') {
        wrapped[key] = member;
        continue;
      }
      wrapped[key] = async (...args: unknown[]) => {
        if (gate.held) {
          gate.waiting++;
          await new Promise<void>((resolve) => gate.resume.push(resolve));
          gate.waiting--;
        }
        return (member as (...a: unknown[]) => unknown).apply(adapter, args);
      };
    }
    out[name] = wrapped;
  }
  const release = (): void => {
    gate.held = false;
    for (const resume of gate.resume.splice(0)) resume();
  };
  return { sources: out as SceneRadarSources, gate, release };
}

/** Polls `condition` every 5 ms for at most `ms`; returns whether it came true. */
async function eventually(condition: () => boolean, ms = 2000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

/** A radar over gated demo sources, its catalog imported and refreshed as of NOW (gate open). */
async function refreshedRadar() {
  const g = gated(world.sources);
  const radar = createSceneRadar({ sources: g.sources, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh(NOW);
  return { radar, ...g };
}

describe('hostile review 65: lifecycle and concurrency of the in-memory radar', () => {
  // Fault: ScenePulse.getScenePulse (src/scenes/scene-pulse.ts, after #withDeadline/#batch) never re-checks the lifecycle, so reads aborted by close() surface as a false SOURCES_UNAVAILABLE.
  it('getScenePulse in flight when the radar is closed rejects with RADAR_CLOSED, not a false SOURCES_UNAVAILABLE ("Fusion engagement failed for all members")', async () => {
    // src/core/lifecycle.ts: after close(), calls reject with RADAR_CLOSED "instead of answering
    // from torn-down caches and aborted sources"; the Talent profile does exactly that for a read in
    // flight (radar-aggregator.ts: "never a false 'sources unavailable'"). The scene pulse does not.
    const { radar, gate, release } = await refreshedRadar();
    try {
      gate.held = true;
      const pulse = outcome(radar.scenes.pulse.getScenePulse(SCENE, { skipCache: true }));
      expect(await eventually(() => gate.waiting > 0)).toBe(true);
      await radar.close();
      const result = await pulse;
      expect(result.ok).toBe(false);
      expect(result.ok ? undefined : result.error).toBe('RADAR_CLOSED');
    } finally {
      release();
      await radar.close();
    }
  });

  // Fault: ScenePulse.getGlobalPulse / #pulsesOf (src/scenes/scene-pulse.ts) resolve with whatever the aborted reads left: no lifecycle check after them.
  it('getGlobalPulse in flight when the radar is closed rejects with RADAR_CLOSED instead of resolving with scenes of heat 0 and no members', async () => {
    // docs/reliability.md: after close() every call of the pulse rejects with RADAR_CLOSED;
    // lifecycle.ts names "a heat of 0" as the very answer this is meant to prevent.
    const { radar, gate, release } = await refreshedRadar();
    try {
      const before = await radar.scenes.pulse.getGlobalPulse({ skipCache: true });
      expect(before.hottest[0]!.heat).toBeGreaterThan(0);
      gate.held = true;
      const global = outcome(radar.scenes.pulse.getGlobalPulse({ skipCache: true }));
      expect(await eventually(() => gate.waiting > 0)).toBe(true);
      await radar.close();
      const result = await global;
      // The fault: it resolves, its "hottest" scene at heat 0 with 0 members.
      expect(result.ok ? { resolved: result.value.hottest[0] } : result.error).toBe('RADAR_CLOSED');
    } finally {
      release();
      await radar.close();
    }
  });

  // Fault: the ScenesAdapter's pulses() (src/scenes/scenes-adapter.ts) checks only the caller's signal after compute(), never the lifecycle: close() reads as "no pulse".
  it('ScenesAdapter.getScenePulses in flight when the radar is closed rejects with RADAR_CLOSED instead of resolving with an empty map (read as "scene missing")', async () => {
    // docs/reliability.md lists the ScenesAdapter among the parts whose calls reject with RADAR_CLOSED.
    const { radar, gate, release } = await refreshedRadar();
    try {
      gate.held = true;
      let settled = false;
      const pulses = outcome(
        radar.scenesAdapter.getScenePulses([SCENE], {
          asOf: new Date(NOW.getTime() - 3 * 86_400_000),
          signal: new AbortController().signal,
        }),
      ).finally(() => {
        settled = true;
      });
      expect(await eventually(() => gate.waiting > 0)).toBe(true);
      expect(settled).toBe(false);
      await radar.close();
      const result = await pulses;
      expect(result.ok ? { resolved: [...result.value.keys()] } : result.error).toBe('RADAR_CLOSED');
    } finally {
      release();
      await radar.close();
    }
  });

  // Fault: radar.refresh (src/radar.ts) passes `signal` to the Talent refresh only; scenes.refresh (src/scenes/engine.ts, #refreshes.run without a signal) waits out the queue and then runs for an aborted caller.
  it('a radar.refresh whose signal aborts while it waits behind another refresh rejects at once and never runs its Scenes refresh (the caller is told "nothing was written")', async () => {
    // SceneRadar.refresh: "options.signal aborts the refresh (TALENT_TIMEOUT): checked before the
    // Scenes Engine starts"; OneAtATime.run: "a caller with a deadline does not wait out the queue".
    const g = gated(world.sources);
    const radar = createSceneRadar({ sources: g.sources, clock: fixedClock(NOW) });
    try {
      await radar.scenes.importCatalog(world.catalog);
      g.gate.held = true;
      const first = outcome(radar.refresh(HOUR_BEFORE));
      expect(await eventually(() => g.gate.waiting > 0)).toBe(true);
      const controller = new AbortController();
      let settled = false;
      const second = outcome(radar.refresh(NOW, { signal: controller.signal })).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
      controller.abort();
      // The first refresh is still held: the aborted one must not wait for it to end.
      const rejectedAtOnce = await eventually(() => settled, 1000);
      g.release();
      expect((await first).ok).toBe(true);
      const result = await second;
      expect(result.ok ? 'resolved' : result.error).toBe('TALENT_TIMEOUT');
      // The aborted call's Scenes refresh ran all the same: the Scenes Engine is as of NOW, the
      // Talent Radar as of an hour before, and the caller was told nothing was written.
      expect({ rejectedAtOnce, scenesAsOf: await radar.scenes.refreshedAsOf() }).toEqual({
        rejectedAtOnce: true,
        scenesAsOf: HOUR_BEFORE.toISOString(),
      });
    } finally {
      g.release();
      await radar.close();
    }
  });
});
