/**
 * Sources that flap: every ~2 s each source switches, at random (seeded), between answering
 * normally, rejecting or throwing hostile values (unprintable ones included), hanging, answering
 * garbage and answering empty. Built on the chaos kit's wrapper (tests/helpers/chaos-kit.ts).
 */
import { mulberry32 } from 'scene-radar/backtest';
import type { SceneRadarSources } from 'scene-radar';
import { chaosSources, hostileValues, type ChaosAction } from '../helpers/chaos-kit.js';

/** What a source does for a while. */
export type FlapMode = 'pass' | 'reject' | 'throw' | 'hang' | 'garbage' | 'empty';

/** Every mode, in the order the schedule draws from. */
export const FLAP_MODES: readonly FlapMode[] = ['pass', 'reject', 'throw', 'hang', 'garbage', 'empty'];

/** A seeded generator, so a failing schedule can be replayed with SOAK_SEED. */
export const seededRandom = mulberry32;

// Shapes that are wrong in every way a schema can see, and a few that try to be clever.
const GARBAGE: ReadonlyArray<(answer: unknown) => unknown> = [
  () => null,
  () => 'garbage',
  () => 42,
  () => [1, 2, 3],
  () => ({ items: 'nope', nextCursor: 7 }),
  (answer) =>
    answer instanceof Map
      ? new Map([...answer.keys()].map((k) => [k, { junk: true, start: 'yesterday', values: 'x' }]))
      : { junk: true },
  (answer) =>
    answer instanceof Map
      ? new Map(
          [...answer.keys()].map((k) => [
            k,
            JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}') as unknown,
          ]),
        )
      : Object.create(null),
  (answer) =>
    answer instanceof Map
      ? new Map([...answer].map(([k, v]) => [k, Array.isArray(v) ? v.map(() => Number.NaN) : Number.POSITIVE_INFINITY]))
      : Number.NaN,
];

/** An answer with nothing in it: empty lists, missing keys, an empty last page. */
function emptied(answer: unknown): unknown {
  if (answer instanceof Map) return new Map([...answer].filter(([, v]) => Array.isArray(v)).map(([k]) => [k, []]));
  if (Array.isArray(answer)) return [];
  if (answer !== null && typeof answer === 'object' && 'items' in answer) return { items: [], nextCursor: null };
  return answer;
}

/** The flapping sources and their controls. */
export interface FlappingSources {
  /** The wrapped sources, to give to the radar. */
  readonly sources: SceneRadarSources;
  /** Draws a new mode for every source (called every ~2 s by `start`). */
  flap(): void;
  /** Starts flapping every `periodMs` (with +-25 % jitter). */
  start(periodMs: number): void;
  /** Stops flapping and lets every source answer normally again. */
  calm(): void;
  /** How many times each mode was drawn, over all sources. */
  readonly modeCounts: Record<FlapMode, number>;
  /** Calls that reached the wrapper, by `source.method`. */
  readonly calls: Map<string, number>;
  /** The mode of each source now. */
  readonly modes: Map<string, FlapMode>;
}

/** Wraps `sources` so that each one flaps independently; `seed` fixes the schedule. */
export function flappingSources(sources: SceneRadarSources, seed: number): FlappingSources {
  const random = seededRandom(seed);
  const hostile = hostileValues();
  const names = Object.keys(sources);
  const modes = new Map<string, FlapMode>(names.map((n) => [n, 'pass']));
  const modeCounts = Object.fromEntries(FLAP_MODES.map((m) => [m, 0])) as Record<FlapMode, number>;
  let n = 0;
  const action = (method: string): ChaosAction => {
    const mode = modes.get(method.slice(0, method.indexOf('.'))) ?? 'pass';
    n++;
    switch (mode) {
      case 'pass':
        return { kind: 'pass' };
      case 'reject':
        return { kind: 'reject', value: hostile[n % hostile.length]!.value };
      case 'throw':
        return { kind: 'throw', value: hostile[n % hostile.length]!.value };
      case 'hang':
        return { kind: 'hang' };
      case 'garbage':
        return { kind: 'rewrite', fn: GARBAGE[n % GARBAGE.length]! };
      case 'empty':
        return { kind: 'rewrite', fn: emptied };
    }
  };
  const chaos = chaosSources(sources, action);
  let timer: NodeJS.Timeout | undefined;
  const flap = (): void => {
    for (const name of names) {
      const mode = FLAP_MODES[Math.floor(random() * FLAP_MODES.length)]!;
      modes.set(name, mode);
      modeCounts[mode]++;
    }
  };
  return {
    sources: chaos.sources,
    flap,
    start(periodMs) {
      const next = (): void => {
        timer = setTimeout(
          () => {
            flap();
            next();
          },
          periodMs * (0.75 + random() * 0.5),
        );
      };
      flap();
      next();
    },
    calm() {
      clearTimeout(timer);
      for (const name of names) modes.set(name, 'pass');
    },
    modeCounts,
    calls: chaos.calls,
    modes,
  };
}
