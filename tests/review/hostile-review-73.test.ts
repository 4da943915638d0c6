/**
 * Hostile review 73: the numbers of a scene pulse and of the trends (src/scenes/pulse-math.ts,
 * scene-pulse.ts, trends.ts, refresh-pulses.ts, recommendations.ts) under odd but contract-valid
 * data, held to docs/scenes.md ("Pulse") and the payload contract (daily engagement: finite, >= 0).
 *
 * Every test here fails on the code as reviewed, because of the fault its name states. Each builds a
 * one- or two-member scene by hand and computes the pulse with `computePulse`, as ScenePulse does.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig, type ArtistNetwork, type EngagementSeries } from '../../src/index.js';
import { computePulse, type PulseMember } from '../../src/scenes/pulse-math.js';

const params = resolveConfig().scenes.pulse;
const AS_OF = Date.parse('2026-11-25T00:00:00.000Z');
// Last complete day 2026-11-24; current window 2026-10-26..2026-11-24, previous 2026-09-26..2026-10-25,
// the one before 2026-08-27..2026-09-25: a 90-day series starting 2026-08-27 covers all three.
const START = '2026-08-27';
type Window = number | null | readonly (number | null)[];

/** A member's engagement: `before`, `prev` and `cur` are the three 30-day windows, oldest first. */
function series(before: Window, prev: Window, cur: Window): EngagementSeries {
  const days = (x: Window): (number | null)[] =>
    Array.isArray(x) ? [...(x as readonly (number | null)[])] : Array.from({ length: 30 }, () => x as number | null);
  const organic = [...days(before), ...days(prev), ...days(cur)];
  return { start: START, organic, paid: organic.map(() => 0) };
}

function member(i: number): PulseMember {
  return {
    artist_slug: `artist-${i}`,
    confidence: 0.8,
    joined_at: '2025-01-01T00:00:00.000Z',
    microgenres: ['shoegaze'],
  };
}

/** The pulse of a scene of `members`, every MIG read ok (no tastemaker link), memberships known. */
function pulseOf(members: readonly PulseMember[], engagement: readonly EngagementSeries[]) {
  const noLinks: ArtistNetwork = { tastemakers: [], collaborators: [], centrality: null };
  return computePulse(
    {
      scene: { slug: 'indie-uk-brighton', name: 'Brighton Indie', region: 'uk' },
      members,
      engagement: new Map(members.map((m, i) => [m.artist_slug, engagement[i]!])),
      networks: new Map(members.map((m) => [m.artist_slug, noLinks])),
      sources: {},
      asOfMs: AS_OF,
      nowMs: AS_OF,
      membershipsAsOfMs: AS_OF,
    },
    params,
  );
}

describe('hostile review 73: pulse numbers under odd but valid data', () => {
  // Fault: the shrink's n counts only members with engagement > 0 now (pulse-math.ts windowSignals `if (c > 0) active++`, used by heatOf's shrink), so a scene whose every member fell to 0 is shrunk to a neutral, flat momentum.
  it('a scene whose every member lost all engagement is not hotter than the same scene with one member still steady, and its momentum is below neutral', () => {
    const m = [member(0), member(1)];
    // A: one member 500 -> 0 a day, the other steady at 500. B: both 500 -> 0.
    const a = pulseOf(m, [series(500, 500, 0), series(500, 500, 500)]);
    const b = pulseOf(m, [series(500, 500, 0), series(500, 500, 0)]);
    const momentum = (p: typeof a) => p.explanation.find((x) => x.signal === 'member_momentum')!;
    // Guards: both members' growth is measured (known values in both windows), raw momentum is the documented ln((0 + 50) / (500 + 50)).
    expect(momentum(b).available).toBe(true);
    expect(momentum(b).raw).toBeCloseTo(Math.log(50 / 550), 4);
    expect(momentum(a).normalized).toBeLessThan(0.5);
    // docs/scenes.md: momentum is logistic(raw / 0.25) shrunk toward 0.5, so a negative raw stays below 0.5 ...
    expect(momentum(b).normalized).toBeLessThan(0.5);
    // ... and less engagement everywhere never gives more heat (here B 17.5 > A 14.6, B "flat": growth 0).
    expect(b.heat).toBeLessThanOrEqual(a.heat);
    expect(b.growth).toBeLessThan(0);
  });

  // Fault: previous_heat keeps the Fusion signals while the current heat, whose Fusion answer is all nulls (no evidence), drops them (pulse-math.ts computePulse: heatOf(now) and heatOf(before) renormalise over different signal sets), so "no data" reads as growth -100%, stage cooling.
  it('a scene whose Fusion answer holds only nulls for the current window is not "cooling" at -100%: nulls are no evidence of a fall', () => {
    const p = pulseOf([member(0)], [series(500, 500, null)]);
    // Guards: the read was ok (status ok, so the refresh writes it as a permanent trend row) and the
    // current heat rests only on new members and tastemakers, both 0 in either window.
    expect(p.status).toBe('ok');
    expect(p.explanation.find((x) => x.signal === 'member_momentum')!.available).toBe(false);
    expect(p.heat).toBe(0);
    // Over the signals with evidence in both windows, nothing changed: growth 0, not -1.
    expect(p.growth).toBe(0);
    expect(p.stage).not.toBe('cooling');
  });

  // Fault: a member's growth is c / prev - 1 with no guard (pulse-math.ts windowSignals, `const ratio = pr > 0 ? c / pr : ...`), so a tiny but valid previous mean overflows to Infinity in top_artists and its reason.
  it('top_artists growth stays finite for valid engagement (a previous mean of 1e-310, a current one of 1e10 a day)', () => {
    const prev: (number | null)[] = Array.from({ length: 30 }, () => null);
    prev[29] = 1e-310; // finite and >= 0: valid per EngagementSeriesSchema, under the 1e10 ceiling
    const p = pulseOf([member(0)], [series(0, prev, 1e10)]);
    // Guard: the scene's own numbers are fine (the floor keeps momentum finite).
    expect(Number.isFinite(p.heat)).toBe(true);
    const [top] = p.top_artists;
    expect(top!.artist_slug).toBe('artist-0');
    // The fault: growth is Infinity (JSON null) and the reason reads "engagement up Infinity% in 30 days".
    expect(Number.isFinite(top!.growth)).toBe(true);
    expect(top!.reason).not.toContain('Infinity');
  });
});
