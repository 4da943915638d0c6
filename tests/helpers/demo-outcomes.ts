/**
 * Labelled outcomes from the demo world's ground truth, for tests that calibrate a breakout
 * model: for each instant, every artist already seen and not yet broken out, labelled by whether
 * it broke out within `horizonDays`.
 */
import type { DemoWorld } from 'scene-radar/adapters/memory';

/** One labelled outcome, as `TalentRadar.calibrate` takes it. */
export interface DemoOutcome {
  readonly artistSlug: string;
  readonly asOf: Date;
  readonly label: boolean;
}

/** Outcomes at each day of `days` (`YYYY-MM-DD`, midnight UTC), labelled over `horizonDays`. */
export function demoOutcomes(world: DemoWorld, days: readonly string[], horizonDays: number): DemoOutcome[] {
  const horizon = horizonDays * 86_400_000;
  return days.flatMap((day) => {
    const asOf = new Date(`${day}T00:00:00.000Z`);
    return [...world.truth.artists()]
      .filter(
        (a) =>
          Date.parse(world.dataset.artistRecord(a.slug)!.firstSeen) < asOf.getTime() &&
          !(a.brokeOutOn !== null && Date.parse(a.brokeOutOn) <= asOf.getTime()),
      )
      .map((a) => ({
        artistSlug: a.slug,
        asOf,
        label: a.brokeOutOn !== null && Date.parse(a.brokeOutOn) <= asOf.getTime() + horizon,
      }));
  });
}
