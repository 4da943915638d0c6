/**
 * @module adapters/memory/demo/workspaces
 * Three deterministic workspaces (an indie label, a rap and drill team, an electronic collective)
 * with v4-shaped UUIDs derived from the seed, focus scenes, microgenres and regions taken from the
 * world's catalog, and a small roster of artists from their focus scenes.
 */
import type { Workspace } from '../../../src/contracts/payloads.js';
import { slugOf, type WorldContext } from './context.js';
import { hashSeed } from './rng.js';

/**
 * A UUID with version 4 and RFC 9562 variant bits, derived deterministically from the parts.
 * @example
 * ```ts
 * seededUuid(42, 'workspace', 0); // 'xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx'
 * ```
 */
export function seededUuid(...parts: ReadonlyArray<number | string>): string {
  let hex = '';
  for (let k = 0; k < 4; k++)
    hex += hashSeed(...parts, k)
      .toString(16)
      .padStart(8, '0');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

interface WorkspaceSpec {
  readonly name: string;
  readonly sounds: readonly string[];
  readonly maxScenes: number;
}

const SPECS: readonly WorkspaceSpec[] = [
  { name: 'Harbour Lights Records', sounds: ['indie', 'pop', 'singer-songwriter', 'americana'], maxScenes: 6 },
  { name: 'Concrete Bloc Music', sounds: ['rap', 'hip hop', 'drill', 'grime', 'trap'], maxScenes: 6 },
  {
    name: 'Night Shift Collective',
    sounds: ['electronic', 'techno', 'minimal techno', 'house', 'bass', 'bounce'],
    maxScenes: 5,
  },
];

/** How far into the artist list a roster search looks (keeps it cheap in huge worlds). */
const ROSTER_SCAN = 5_000;

/**
 * Builds the world's three workspaces. With few scenes, a workspace whose sounds are absent
 * follows the catalog's first scenes instead.
 * @example
 * ```ts
 * const [label] = buildWorkspaces(ctx);
 * label?.scenes[0]; // 'indie-uk-brighton'
 * ```
 */
export function buildWorkspaces(ctx: WorldContext): Workspace[] {
  const scenes = ctx.catalog.scenes;
  return SPECS.map((spec, k) => {
    let focus = scenes.filter((s) => spec.sounds.includes(s.sound)).slice(0, spec.maxScenes);
    if (focus.length === 0) focus = scenes.slice(0, Math.min(3, scenes.length));
    const focusIdx = new Set(focus.map((s) => s.index));
    const microgenres = [...new Set(focus.flatMap((s) => s.microgenres.slice(0, 2)))].slice(0, 12);
    const regions = [...new Set(focus.map((s) => s.country))].sort();
    const roster: string[] = [];
    const want = 3 + (hashSeed(ctx.seed, 'roster-size', k) % 3);
    const offset = hashSeed(ctx.seed, 'roster-offset', k) % Math.max(1, Math.min(ctx.size, ROSTER_SCAN));
    for (let n = 0; n < Math.min(ctx.size, ROSTER_SCAN) && roster.length < want; n++) {
      const i = (offset + n) % Math.min(ctx.size, ROSTER_SCAN);
      if (focusIdx.has(ctx.headers.scene(i))) roster.push(slugOf(ctx, i));
    }
    return {
      id: seededUuid(ctx.seed, 'workspace', k),
      name: spec.name,
      scenes: focus.map((s) => s.slug),
      microgenres,
      regions,
      roster,
    };
  });
}
