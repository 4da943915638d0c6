/**
 * @module adapters/memory/eager-dataset
 * A {@link MemoryDataset} built from plain arrays, for hosts whose data fits in memory and for
 * tests. The input is validated once with Zod, copied, put in time order and frozen, so the
 * sources built on it can hand out objects without anyone corrupting the dataset.
 */
import { z } from 'zod';
import {
  ArticleSchema,
  ArtistRecordSchema,
  CampaignSchema,
  CoherenceSeriesSchema,
  CollaboratorLinkSchema,
  DaySchema,
  EngagementSeriesSchema,
  RcfEventSchema,
  ReleaseFingerprintSchema,
  SceneMembershipSchema,
  ScenePulseSummarySchema,
  TastemakerLinkSchema,
  WorkspaceSchema,
  type ScenePulseSummary,
  type Workspace,
} from '../../src/contracts/payloads.js';
import { SceneRadarError } from '../../src/core/errors.js';
import { deepFreeze } from '../../src/core/freeze.js';
import { byContent, byId } from '../../src/core/gateway/bounds.js';
import { SlugSchema } from '../../src/core/slug.js';
import { observedAtMs } from '../../src/core/time.js';
import type { ArtistHistory, MemoryDataset } from './dataset.js';

/** Looks a scene's pulse up as of an instant; `undefined` when the scene is unknown or inactive. */
export type ScenePulseLookup = (sceneSlug: string, asOf: Date) => ScenePulseSummary | undefined;

/** Input of {@link createEagerDataset}. */
export interface EagerDatasetInput {
  /**
   * Every artist's full history; slugs must be unique, and so must the scenes of one artist's
   * memberships; a campaign must not end before it starts. Lists may come in any order. Within one
   * history, an id names one article, event, campaign or release: a repeated id is the same
   * observation delivered again and is answered once (its earliest copy within the window asked),
   * as the gateway reads it. The same id in two histories is two observations (one chart entry
   * credited to both).
   */
  readonly histories: readonly ArtistHistory[];
  /**
   * Scene pulses: either snapshots (any number per scene, typically one a day; the pulse of a
   * scene as of T is its latest snapshot with `asOf <= T`), or a lookup function.
   * @default none: no scene has a pulse
   */
  readonly scenePulses?: readonly ScenePulseSummary[] | ScenePulseLookup;
  /**
   * Extra scene slugs to list. The scenes of the snapshots and of the memberships are always
   * listed; add slugs here when a lookup function knows scenes no artist belongs to yet.
   * @default []
   */
  readonly sceneSlugs?: readonly string[];
  /** Workspaces; ids must be unique. @default [] */
  readonly workspaces?: readonly Workspace[];
}

const HistorySchema = z.object({
  record: ArtistRecordSchema,
  tastemakers: z.array(TastemakerLinkSchema),
  collaborators: z.array(CollaboratorLinkSchema),
  releases: z.array(ReleaseFingerprintSchema),
  campaigns: z.array(CampaignSchema),
  engagement: EngagementSeriesSchema,
  articles: z.array(ArticleSchema),
  events: z.array(RcfEventSchema),
  coherence: CoherenceSeriesSchema,
  memberships: z.array(SceneMembershipSchema.extend({ since: DaySchema })),
});

/** Adds an issue at `path` for every value that repeats an earlier one. */
function unique<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  path: (i: number) => (string | number)[],
  ctx: z.RefinementCtx,
  what: string,
): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const key = keyOf(item);
    if (seen.has(key)) ctx.addIssue({ code: 'custom', message: `duplicate ${what} ${key}`, path: path(i) });
    seen.add(key);
  });
}

const InputSchema = z
  .object({
    histories: z.array(HistorySchema),
    scenePulses: z
      .union([
        z.array(ScenePulseSummarySchema),
        z.custom<ScenePulseLookup>(
          (v) => typeof v === 'function',
          'expected an array of pulse snapshots or a lookup function',
        ),
      ])
      .optional(),
    sceneSlugs: z.array(SlugSchema).optional(),
    workspaces: z.array(WorkspaceSchema).optional(),
  })
  .superRefine((input, ctx) => {
    unique(
      input.histories,
      (h) => h.record.slug,
      (i) => ['histories', i, 'record', 'slug'],
      ctx,
      'artist slug',
    );
    input.histories.forEach((h, i) => {
      // The sources answer each scene once per artist and the gateway refuses a campaign that
      // ends before it starts: data the sources could not serve within the contract is refused here.
      unique(
        h.memberships,
        (m) => m.sceneSlug,
        (j) => ['histories', i, 'memberships', j, 'sceneSlug'],
        ctx,
        'scene',
      );
      h.campaigns.forEach((c, j) => {
        if (c.end !== null && c.end < c.start)
          ctx.addIssue({
            code: 'custom',
            message: `ends before its start ${c.start}`,
            path: ['histories', i, 'campaigns', j, 'end'],
          });
      });
    });
    unique(
      input.workspaces ?? [],
      // Stored by their lowercase id (ids are case-insensitive): two that differ in case are one.
      (w) => w.id.toLowerCase(),
      (i) => ['workspaces', i, 'id'],
      ctx,
      'workspace id',
    );
  });

/** `histories[2].events[0].at`: the path style a host reads in its own code. */
const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)),
    '',
  ) || '(root)';

/** Stable sort by a numeric time, on a copy. */
const byTime = <T>(items: readonly T[], time: (item: T) => number): T[] => [...items].sort((a, b) => time(a) - time(b));
/**
 * Sort by time, then id, then content, on a copy: items of one instant in an order that does not
 * depend on the input's, the gateway's order (its comparators).
 */
const byTimeAndId = <T>(items: readonly T[], time: (item: T) => number, id: (item: T) => string): T[] =>
  [...items].sort((a, b) => time(a) - time(b) || byId(id(a), id(b)) || byContent(a, b));
const day = (d: string): number => Date.parse(`${d}T00:00:00Z`);

/**
 * Builds a {@link MemoryDataset} from plain arrays. Validates the input with Zod and throws a
 * `CONFIG_INVALID` {@link SceneRadarError} naming every bad field
 * (`histories[1].events[0].at: Invalid ISO datetime`). Lists are put oldest first and
 * memberships strongest first, as the source contracts promise, whatever order they came in (items
 * of one instant by id, then content); an artist's article, event, campaign or release whose id
 * repeats is answered once: its earliest copy within the window asked, as the gateway keeps it, so
 * the answers do not depend on the order of the input.
 * @example
 * ```ts
 * import { createEagerDataset, createMemorySources } from 'scene-radar/adapters/memory';
 *
 * const dataset = createEagerDataset({
 *   histories: [{ record: { slug: 'artist-a', name: 'Artist A', homeRegion: 'uk', homeCity: 'brighton', firstSeen: '2025-01-01T00:00:00Z' },
 *     tastemakers: [], collaborators: [], releases: [], campaigns: [], articles: [], events: [], memberships: [],
 *     engagement: { start: '2025-01-01', organic: [120, 130], paid: [0, 0] },
 *     coherence: { start: '2025-01-01', values: [0.9, 0.9] } }],
 *   scenePulses: [{ sceneSlug: 'indie-uk-brighton', heat: 62, growth: 0.1, stage: 'growing', asOf: '2025-01-02T00:00:00Z' }],
 * });
 * const sources = createMemorySources(dataset);
 * ```
 */
export function createEagerDataset(input: EagerDatasetInput): MemoryDataset {
  const result = InputSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
    throw new SceneRadarError(
      'CONFIG_INVALID',
      `Invalid eager dataset: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { details: issues },
    );
  }
  const histories = new Map<string, ArtistHistory>();
  for (const h of result.data.histories) {
    histories.set(
      h.record.slug,
      deepFreeze({
        ...h,
        // Copied before freezing: the host's own arrays stay the host's (Zod passes them through).
        engagement: { ...h.engagement, organic: [...h.engagement.organic], paid: [...h.engagement.paid] },
        coherence: { ...h.coherence, values: [...h.coherence.values] },
        tastemakers: byTime(h.tastemakers, (l) => observedAtMs(l.since)),
        collaborators: byTime(h.collaborators, (l) => observedAtMs(l.since)),
        // Every copy of a repeated id is kept, in a canonical order: the sources answer one per id,
        // after their window (the earliest inside it), as the gateway does.
        releases: byTimeAndId(
          h.releases,
          (r) => day(r.releasedAt),
          (r) => r.releaseId,
        ),
        campaigns: byTimeAndId(
          h.campaigns,
          (c) => day(c.start),
          (c) => c.id,
        ),
        articles: byTimeAndId(
          h.articles,
          (a) => observedAtMs(a.publishedAt),
          (a) => a.id,
        ),
        events: byTimeAndId(
          h.events,
          (e) => observedAtMs(e.at),
          (e) => e.id,
        ),
        memberships: byTime(h.memberships, (m) => -m.confidence),
      }),
    );
  }
  const slugs = Object.freeze([...histories.keys()]);

  // The function form is the host's own code: it is called as given, and the sources' contract
  // suite (not this constructor) is what checks its answers.
  const pulses = result.data.scenePulses;
  let lookup: ScenePulseLookup = () => undefined;
  const pulseScenes = new Set<string>();
  if (typeof pulses === 'function') {
    lookup = pulses;
  } else if (pulses !== undefined) {
    const byScene = new Map<string, ScenePulseSummary[]>();
    for (const p of pulses) {
      pulseScenes.add(p.sceneSlug);
      // Appended in place: copying the scene's list for each snapshot was quadratic in snapshots.
      let list = byScene.get(p.sceneSlug);
      if (list === undefined) {
        list = [];
        byScene.set(p.sceneSlug, list);
      }
      list.push(deepFreeze(p));
    }
    for (const [slug, list] of byScene)
      byScene.set(
        slug,
        byTime(list, (p) => observedAtMs(p.asOf)),
      );
    // Each scene's snapshot instants (known from their stamps as the other rows are: digits below
    // the millisecond round up), oldest first, for a binary search per lookup.
    const timesOf = new Map([...byScene].map(([slug, list]) => [slug, list.map((p) => observedAtMs(p.asOf))]));
    lookup = (slug, asOf) => {
      const list = byScene.get(slug);
      const times = timesOf.get(slug);
      if (list === undefined || times === undefined) return undefined;
      // The latest snapshot at or before asOf: the last index whose time is <= asOf.
      const at = asOf.getTime();
      let lo = 0;
      let hi = times.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (times[mid]! <= at) lo = mid + 1;
        else hi = mid;
      }
      return lo === 0 ? undefined : list[lo - 1];
    };
  }
  const memberScenes = [...histories.values()].flatMap((h) => h.memberships.map((m) => m.sceneSlug));
  const sceneSlugs = Object.freeze(
    [...new Set([...pulseScenes, ...memberScenes, ...(result.data.sceneSlugs ?? [])])].sort(),
  );
  // UUIDs are compared without case (the SDK asks in lowercase; a host may have written either).
  const workspaces = new Map((result.data.workspaces ?? []).map((w) => [w.id.toLowerCase(), deepFreeze(w)] as const));

  return {
    artistSlugs: () => slugs,
    artistRecord: (slug) => histories.get(slug)?.record,
    artistHistory: (slug) => histories.get(slug),
    sceneSlugs: () => sceneSlugs,
    scenePulse: (slug, asOf) => lookup(slug, asOf),
    workspace: (id) => workspaces.get(id.toLowerCase()),
  };
}
