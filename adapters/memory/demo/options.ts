/**
 * @module adapters/memory/demo/options
 * Options of `createDemoWorld`, validated with Zod; defaults written once, here.
 */
import { z } from 'zod';
import { DaySchema } from '../../../src/contracts/payloads.js';
import { SceneRadarError } from '../../../src/core/errors.js';
import { dayOf } from '../../../src/core/time.js';
import { NAME_CAPACITY } from './names.js';
import { MAX_SCENES } from './catalog.js';

/** Most artists a demo world may have. */
export const MAX_DEMO_ARTISTS = 100_000;

/** Options of `createDemoWorld`. */
export const DemoWorldOptionsSchema = z
  .object({
    /** World seed; the same options always give the same world. @default 42 */
    seed: z.number().int().default(42),
    /** Number of artists. @default 300 */
    artists: z.number().int().min(1).max(Math.min(MAX_DEMO_ARTISTS, NAME_CAPACITY)).default(300),
    /** Last day of the window, `YYYY-MM-DD`. @default today's UTC day */
    end: DaySchema.optional(),
    /** Days of history (the window is `[end - days + 1, end]`). @default 400 */
    days: z.number().int().min(365).max(3650).default(400),
    /** How many scenes to use, in catalog order (`indie-uk-brighton` first). @default all */
    scenes: z.number().int().min(1).max(MAX_SCENES).optional(),
    /** Full artist histories kept in the LRU cache. @default 1000 */
    historyCacheSize: z.number().int().min(1).max(100_000).default(1000),
  })
  .strict();

/** Options as a caller writes them. */
export type DemoWorldOptions = z.input<typeof DemoWorldOptionsSchema>;

/** Options after defaults. */
export interface ResolvedDemoWorldOptions {
  /** World seed. */
  readonly seed: number;
  /** Number of artists. */
  readonly artists: number;
  /** Last day of the window. */
  readonly end: string;
  /** Days in the window. */
  readonly days: number;
  /** Number of scenes. */
  readonly scenes: number;
  /** History cache size. */
  readonly historyCacheSize: number;
}

/**
 * Validates and resolves demo world options. Throws a `CONFIG_INVALID` SceneRadarError naming
 * every bad field (`artists: Too big: expected number to be <=100000`).
 * @example
 * ```ts
 * resolveDemoWorldOptions({ artists: 1000, end: '2025-06-30' }).days; // 400
 * ```
 */
export function resolveDemoWorldOptions(options: unknown = {}, now: () => number = Date.now): ResolvedDemoWorldOptions {
  const result = DemoWorldOptionsSchema.safeParse(options ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message }));
    const text = issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new SceneRadarError('CONFIG_INVALID', `Invalid demo world options: ${text}`, { details: issues });
  }
  const o = result.data;
  const end = o.end ?? dayOf(now());
  // The window's first day must be a `YYYY-MM-DD` day: before year 1 it is none, and every dated
  // answer of the world would be malformed.
  const startMs = Date.parse(`${end}T00:00:00Z`) - (o.days - 1) * 86_400_000;
  if (!(startMs >= Date.parse('0001-01-01T00:00:00Z')))
    throw new SceneRadarError(
      'CONFIG_INVALID',
      `Invalid demo world options: end: the window [end - days + 1, end] would start before year 1 (end ${end}, days ${o.days})`,
      { details: [{ path: ['end'], message: 'The window would start before year 1' }] },
    );
  return {
    seed: o.seed,
    artists: o.artists,
    end,
    days: o.days,
    scenes: o.scenes ?? MAX_SCENES,
    historyCacheSize: o.historyCacheSize,
  };
}
