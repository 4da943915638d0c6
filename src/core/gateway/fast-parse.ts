/**
 * @module core/gateway/fast-parse
 * Shortcuts past Zod for every per-artist payload a refresh reads: networks and engagement (read
 * for every member of every scene a pulse covers), then releases, campaigns, articles, events,
 * coherence and memberships (read for every artist the Talent Radar walks). Zod's object parsing
 * allocates a result and bookkeeping for every link, event and field, and that work and its
 * garbage collection were about a sixth of a refresh. Each shortcut applies
 * exactly its schema's rules and builds exactly the object Zod would (its keys, in its order,
 * unknown keys dropped, arrays Zod passes through passed through); anything it does not accept
 * goes to Zod, so a bad payload gets the same error message as before. `tests/core/gateway.test.ts`
 * checks both agree. Kept because it is measured to be worth it (docs/performance.md, "The payload
 * shortcuts, measured"): the 100-scene batch's own work is about a sixth shorter with it.
 */
import type { z } from 'zod';
import { isDailyValues } from '../../contracts/daily-values.js';
import {
  ArtistPageSchema,
  ArtistRecordSchema,
  ArticleListSchema,
  ArtistNetworkSchema,
  CampaignChannelSchema,
  CampaignListSchema,
  CoherenceSeriesSchema,
  EngagementSeriesSchema,
  RcfEventListSchema,
  RcfEventTypeSchema,
  ScenePulseSummarySchema,
  SceneStageSchema,
  ReleaseListSchema,
  SceneMembershipListSchema,
  TastemakerKindSchema,
  type Article,
  type ArtistNetwork,
  type ArtistRecord,
  type Campaign,
  type CoherenceSeries,
  type CollaboratorLink,
  type EngagementSeries,
  type RcfEvent,
  type ReleaseFingerprint,
  type SceneMembership,
  type ScenePulseSummary,
  type TastemakerLink,
} from '../../contracts/payloads.js';
import { isSlug } from '../slug.js';
import { DAY, INSTANT, isDay, isFiniteNumber, isInstant, isRecord, isText, list, slugs } from '../fast-checks.js';
import { endOfDayInstant } from '../time.js';

const KINDS: ReadonlySet<unknown> = new Set(TastemakerKindSchema.options);
const EVENT_TYPES: ReadonlySet<unknown> = new Set(RcfEventTypeSchema.options);
const CHANNELS: ReadonlySet<unknown> = new Set(CampaignChannelSchema.options);
const STAGES: ReadonlySet<unknown> = new Set(SceneStageSchema.options);

/** `z.number()` takes finite numbers only. */
const isUnit = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1;
/** The payloads' `count`: a finite number >= 0. */
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
/**
 * `ObservedInstantSchema`'s result for `v`: an instant as written (the union's first member), a
 * bare day as the end of that day (its transform), or undefined.
 */
function observed(v: unknown): string | undefined {
  if (isInstant(v)) return v;
  return isDay(v) ? endOfDayInstant(v) : undefined;
}

/** The artist record Zod would return for `v` (both engines read one per artist, and the universe lists them all), or undefined. */
function artist(v: unknown): ArtistRecord | undefined {
  if (!isRecord(v)) return undefined;
  const { slug, name, homeRegion, homeCity, firstSeen } = v;
  if (!isSlug(slug) || !isText(name, 512) || !isText(homeRegion, 64)) return undefined;
  if ((homeCity !== null && !isText(homeCity, 128)) || !isInstant(firstSeen)) return undefined;
  // `debut` is optional: absent stays absent, a present key (even undefined) is kept.
  if (!('debut' in v)) return { slug, name, homeRegion, homeCity, firstSeen };
  const debut = v.debut;
  if (debut !== undefined && debut !== null && !isDay(debut)) return undefined;
  return { slug, name, homeRegion, homeCity, firstSeen, debut };
}

/** A `listArtists` page as `ArtistPageSchema` returns it, or undefined. */
function artistPage(v: unknown): { items: ArtistRecord[]; nextCursor: string | null } | undefined {
  if (!isRecord(v)) return undefined;
  const { nextCursor } = v;
  if (nextCursor !== null && typeof nextCursor !== 'string') return undefined;
  const items = list(v.items, artist);
  return items === undefined ? undefined : { items, nextCursor };
}

/** The network Zod would return for `v`, or undefined to leave `v` to Zod. */
function network(v: unknown): ArtistNetwork | undefined {
  if (!isRecord(v)) return undefined;
  // Each field is read once, in the schema's order, as Zod reads them.
  const t = v.tastemakers;
  const c = v.collaborators;
  const centrality = v.centrality;
  if (!Array.isArray(t) || !Array.isArray(c) || !(centrality === null || isUnit(centrality))) return undefined;
  const tastemakers: TastemakerLink[] = new Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const l: unknown = t[i];
    if (!isRecord(l)) return undefined;
    const tastemaker = l.tastemaker;
    const kind = l.kind;
    const weight = l.weight;
    const since = l.since;
    if (!isSlug(tastemaker) || !KINDS.has(kind) || !isUnit(weight) || !isInstant(since)) return undefined;
    tastemakers[i] = { tastemaker, kind: kind as TastemakerLink['kind'], weight, since };
  }
  const collaborators: CollaboratorLink[] = new Array(c.length);
  for (let i = 0; i < c.length; i++) {
    const l: unknown = c[i];
    if (!isRecord(l)) return undefined;
    const artist = l.artist;
    const weight = l.weight;
    const since = l.since;
    if (!isSlug(artist) || !(typeof weight === 'number' && Number.isFinite(weight) && weight > 0) || !isInstant(since))
      return undefined;
    collaborators[i] = { artist, weight, since };
  }
  return { tastemakers, collaborators, centrality };
}

/**
 * The series Zod would return for `v`, or undefined to leave `v` to Zod: `start` a calendar day,
 * `organic` and `paid` daily values >= 0 (passed through, as `z.custom` does) of equal length.
 */
function engagement(v: unknown, max = Infinity): EngagementSeries | undefined {
  if (!isRecord(v)) return undefined;
  const start = v.start;
  const organic = v.organic;
  const paid = v.paid;
  if (
    !(typeof start === 'string' && DAY !== undefined && DAY.test(start)) ||
    !isDailyValues(organic, 0, max) ||
    !isDailyValues(paid, 0, max) ||
    organic.length !== paid.length
  )
    return undefined;
  return { start, organic, paid };
}

/** A release fingerprint as `ReleaseFingerprintSchema` returns it. */
function release(v: unknown): ReleaseFingerprint | undefined {
  if (!isRecord(v)) return undefined;
  const releaseId = v.releaseId;
  const releasedAt = v.releasedAt;
  const vector = v.vector;
  const microgenres = v.microgenres;
  if (!isText(releaseId, 256) || !isDay(releasedAt) || !Array.isArray(vector)) return undefined;
  const n = vector.length;
  if (n < 1 || n > 1024) return undefined;
  const copy: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const x: unknown = vector[i];
    if (!isFiniteNumber(x)) return undefined;
    copy[i] = x;
  }
  // A vector that grew while read is left to the schema, which checks the copy it made.
  if (vector.length !== n) return undefined;
  const tags = slugs(microgenres, 64);
  return tags === undefined ? undefined : { releaseId, releasedAt, vector: copy, microgenres: tags };
}

/** A campaign as `CampaignSchema` returns it. */
function campaign(v: unknown): Campaign | undefined {
  if (!isRecord(v)) return undefined;
  const id = v.id;
  const channel = v.channel;
  const start = v.start;
  const end = v.end;
  const spend = v.spend;
  if (!isText(id, 256) || !CHANNELS.has(channel) || !isDay(start)) return undefined;
  if (!(end === null || isDay(end)) || !(spend === null || isCount(spend))) return undefined;
  return { id, channel: channel as Campaign['channel'], start, end, spend };
}

/** An article as `ArticleSchema` returns it (a bare-day `publishedAt` becomes the end of that day). */
function article(v: unknown): Article | undefined {
  if (!isRecord(v)) return undefined;
  const id = v.id;
  const publishedAt = observed(v.publishedAt);
  const outlet = v.outlet;
  const outletQuality = v.outletQuality;
  const title = v.title;
  if (!isText(id, 256) || publishedAt === undefined || !isText(outlet, 128) || !isUnit(outletQuality)) return undefined;
  if (!(title === null || isText(title, 1024, 0))) return undefined;
  return { id, publishedAt, outlet, outletQuality, title };
}

/** An event as `RcfEventSchema` returns it (a bare-day `at` becomes the end of that day). */
function event(v: unknown): RcfEvent | undefined {
  if (!isRecord(v)) return undefined;
  const id = v.id;
  const type = v.type;
  const at = observed(v.at);
  const weight = v.weight;
  const region = v.region;
  if (!isText(id, 256) || !EVENT_TYPES.has(type) || at === undefined || !isCount(weight)) return undefined;
  if (!(region === null || isText(region, 64))) return undefined;
  return { id, type: type as RcfEvent['type'], at, weight, region };
}

/** A coherence series as `CoherenceSeriesSchema` returns it (the values passed through, as `z.custom` does). */
function coherence(v: unknown): CoherenceSeries | undefined {
  if (!isRecord(v)) return undefined;
  const start = v.start;
  const values = v.values;
  return isDay(start) && isDailyValues(values, 0, 1) ? { start, values } : undefined;
}

/** A membership as `SceneMembershipSchema` returns it. */
function membership(v: unknown): SceneMembership | undefined {
  if (!isRecord(v)) return undefined;
  const sceneSlug = v.sceneSlug;
  const confidence = v.confidence;
  const microgenres = v.microgenres;
  if (!isSlug(sceneSlug) || !isUnit(confidence)) return undefined;
  const tags = slugs(microgenres, 64);
  return tags === undefined ? undefined : { sceneSlug, confidence, microgenres: tags };
}

/** A scene pulse summary as `ScenePulseSummarySchema` returns it (read for every membership a talent refresh scores). */
function pulseSummary(v: unknown): ScenePulseSummary | undefined {
  if (!isRecord(v)) return undefined;
  const sceneSlug = v.sceneSlug;
  const heat = v.heat;
  const growth = v.growth;
  const stage = v.stage;
  const asOf = v.asOf;
  if (!isSlug(sceneSlug) || !(isFiniteNumber(heat) && heat >= 0 && heat <= 100) || !isFiniteNumber(growth))
    return undefined;
  if (!STAGES.has(stage) || !isInstant(asOf)) return undefined;
  const status = v.status;
  const out = { sceneSlug, heat, growth, stage: stage as ScenePulseSummary['stage'], asOf };
  // As Zod: a key present with `undefined` is kept, an absent one stays absent.
  if (status === undefined) return 'status' in v ? { ...out, status } : out;
  return status === 'ok' || status === 'degraded' ? { ...out, status } : undefined;
}

/**
 * An engagement series parsed with every daily value also at most `max` (the gateway's
 * `payloads.maxDailyEngagement`), in the one pass the parse makes anyway; undefined when it is not
 * (then parse it with {@link parsePayload} and check the ceiling separately, for the message).
 * Every member of every scene pulse is read through here: a second pass over its values cost as
 * much as the parse.
 */
export function parseEngagementWithin(value: unknown, max: number): EngagementSeries | undefined {
  return DAY === undefined ? undefined : engagement(value, max);
}

/** Shortcuts by schema; a schema without one is parsed by Zod alone (as is every payload if Zod stops filling `def.pattern`). */
const SHORTCUTS = new Map<z.ZodType, (v: unknown) => unknown>(
  INSTANT === undefined || DAY === undefined
    ? []
    : [
        [ArtistRecordSchema, artist],
        [ArtistPageSchema, artistPage],
        [ArtistNetworkSchema, network],
        [EngagementSeriesSchema, engagement],
        [ReleaseListSchema, (v) => list(v, release)],
        [CampaignListSchema, (v) => list(v, campaign)],
        [ArticleListSchema, (v) => list(v, article)],
        [RcfEventListSchema, (v) => list(v, event)],
        [CoherenceSeriesSchema, coherence],
        [SceneMembershipListSchema, (v) => list(v, membership)],
        [ScenePulseSummarySchema, pulseSummary],
      ],
);

/** The shortcut for `schema`, if it has one (for the tests that hold each to its schema). */
export function payloadShortcut(schema: z.ZodType): ((value: unknown) => unknown) | undefined {
  return SHORTCUTS.get(schema);
}

/**
 * Parses `value` with `schema`: through the shortcut when the schema has one and the value passes
 * it, otherwise with Zod's `safeParse` (and its error messages).
 */
export function parsePayload(
  schema: z.ZodType,
  value: unknown,
): { success: true; data: unknown } | { success: false; error: z.ZodError } {
  const fast = SHORTCUTS.get(schema)?.(value);
  if (fast !== undefined) return { success: true, data: fast };
  const parsed = schema.safeParse(value);
  return parsed.success ? { success: true, data: parsed.data } : { success: false, error: parsed.error };
}
