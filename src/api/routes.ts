/**
 * @module api/routes
 * The route table: one entry per capability of the two engines, each with its path and query
 * schemas, its response schema, the backend call it makes and its deadline. The handler, the
 * operations and the OpenAPI document are all read from this one table, so they cannot disagree.
 *
 * No path is ambiguous: `/scenes/{slug}` takes every slug at its depth, so the scene-wide views
 * live under their own first segment (`/scene-pulse`, `/scene-recommendations`) rather than under
 * `/scenes/<word>`, which a scene could be called. A test checks every pair of routes.
 */
import type { z } from 'zod';
import type { SceneRadarConfig } from '../config.js';
import type { ErrorCode } from '../core/errors.js';
import type { ScenesEngine } from '../scenes/engine.js';
import type { ScenePulse } from '../scenes/scene-pulse.js';
import type { RadarAggregator } from '../talent/radar-aggregator.js';
import {
  ArtistProfileResponseSchema,
  GlobalPulseResponseSchema,
  GlobalScenePulseResponseSchema,
  MembershipPageResponseSchema,
  MicrogenrePageResponseSchema,
  MicrogenreResponseSchema,
  RegionalScenePulseResponseSchema,
  RelatedScenesResponseSchema,
  SceneRecommendationsResponseSchema,
  ScenePageResponseSchema,
  ScenePulseResponseSchema,
  SceneResponseSchema,
  SceneTrendsResponseSchema,
  TopArtistsResponseSchema,
  WorkspaceRecommendationsResponseSchema,
} from './responses.js';
import {
  ArtistProfileQuerySchema,
  ArtistSlugSchema,
  EmptyQuerySchema,
  GlobalPulseQuerySchema,
  GlobalScenePulseQuerySchema,
  ListMicrogenresQuerySchema,
  ListScenesQuerySchema,
  MicrogenreSlugSchema,
  RecommendationsQuerySchema,
  RegionalPulseQuerySchema,
  RegionSchema,
  RelatedScenesQuerySchema,
  SceneMembershipsQuerySchema,
  ScenePulseQuerySchema,
  SceneSlugSchema,
  SceneTrendsQuerySchema,
  TopArtistsQuerySchema,
  WorkspaceRecommendationsQuerySchema,
} from './schemas.js';

/** What the Scenes routes call: the Scenes Engine's read methods (a `ScenesEngine` is one). */
export type ScenesApiBackend = Pick<
  ScenesEngine,
  | 'listScenes'
  | 'getScene'
  | 'listMicrogenres'
  | 'getMicrogenre'
  | 'listMemberships'
  | 'getSceneTrends'
  | 'getRelatedScenes'
  | 'recommendScenes'
> & {
  /** The pulse reads. */
  readonly pulse: Pick<ScenePulse, 'getScenePulse' | 'getRegionalPulse' | 'getGlobalPulse'>;
};

/** What the Talent routes call: the aggregator's reads (a `RadarAggregator` is one). */
export type TalentApiBackend = Pick<
  RadarAggregator,
  'buildGlobalPulse' | 'buildArtistProfile' | 'getTopArtists' | 'getWorkspaceRecommendations'
>;

/**
 * What the API serves. Either engine may be missing: its routes then answer 404. `config` gives
 * the route deadlines (the engines' own timeouts); without it the defaults apply.
 */
export interface ApiBackend {
  /** The Scenes Engine (or anything with its read methods). */
  readonly scenes?: ScenesApiBackend;
  /** The Talent Radar's aggregator (or anything with its read methods). */
  readonly talent?: TalentApiBackend;
  /** The resolved configuration the engines run with. */
  readonly config?: SceneRadarConfig;
}

/** Which engine a route belongs to: it picks the error-code family (`SCENES_*` or `TALENT_*`). */
export type RouteFamily = 'scenes' | 'talent';

/** Every route's id. */
export type RouteId =
  | 'listScenes'
  | 'getScene'
  | 'getScenePulse'
  | 'getSceneTrends'
  | 'getRelatedScenes'
  | 'listSceneMemberships'
  | 'getGlobalScenePulse'
  | 'getRegionalScenePulse'
  | 'getSceneRecommendations'
  | 'listMicrogenres'
  | 'getMicrogenre'
  | 'getTalentPulse'
  | 'getArtistProfile'
  | 'getTopArtists'
  | 'getWorkspaceRecommendations';

/** One route of the table. */
export interface RouteSpec {
  /** The operation id (also the OpenAPI `operationId`). */
  readonly id: RouteId;
  /** The HTTP method (the API only reads). */
  readonly method: 'GET';
  /** The path under the base path, with `{name}` parameters: `/scenes/{slug}`. */
  readonly path: string;
  /** The engine behind it. */
  readonly family: RouteFamily;
  /** One line for the OpenAPI document. */
  readonly summary: string;
  /** Schema of the path parameters (`null` when there are none). */
  readonly params: z.ZodObject | null;
  /** Schema of the query. */
  readonly query: z.ZodObject;
  /** Schema of `data` in the success envelope. */
  readonly response: z.ZodType;
  /**
   * The route's own error codes (not found, unservable parameters, too little evidence), besides
   * the validation, rate-limit, timeout and internal codes every route of its family has.
   */
  readonly notFound: readonly ErrorCode[];
  /** The route's deadline under `config`. */
  readonly timeoutMs: (config: SceneRadarConfig) => number;
  /** Calls the backend with validated input. */
  readonly run: (
    backend: ApiBackend,
    params: Record<string, unknown>,
    query: Record<string, unknown>,
  ) => Promise<unknown>;
}

// The handler's deadline is the engine's own plus this margin, so an engine that runs out of time
// answers first with what it has (each item marked), and the 504 is only for nothing at all.
const MARGIN_MS = 1_000;
const scenePulseMs = (c: SceneRadarConfig): number => c.scenes.scenePulseTimeoutMs + MARGIN_MS;
const sceneGlobalMs = (c: SceneRadarConfig): number => c.scenes.globalPulseTimeoutMs + MARGIN_MS;
const artistMs = (c: SceneRadarConfig): number => c.talent.signalTimeoutMs + MARGIN_MS;
const talentGlobalMs = (c: SceneRadarConfig): number => c.talent.globalPulseTimeoutMs + MARGIN_MS;

/** Thrown when a route's engine is not in the backend; the handler answers `ROUTE_NOT_FOUND`. */
export class MissingEngineError extends Error {
  /** @param family - The engine that is missing. */
  constructor(
    /** The engine that is missing. */
    readonly family: RouteFamily,
  ) {
    super(`No ${family} engine is mounted`);
    this.name = 'MissingEngineError';
  }
}

function scenesOf(b: ApiBackend): ScenesApiBackend {
  if (!b.scenes) throw new MissingEngineError('scenes');
  return b.scenes;
}

function talentOf(b: ApiBackend): TalentApiBackend {
  if (!b.talent) throw new MissingEngineError('talent');
  return b.talent;
}

const str = (v: unknown): string => v as string;
const num = (v: unknown): number => v as number;
const bool = (v: unknown): boolean => v as boolean;
const opt = <T>(key: string, v: T | undefined): Record<string, T> => (v === undefined ? {} : { [key]: v });

/** The route table. */
export const ROUTES: readonly RouteSpec[] = [
  {
    id: 'listScenes',
    method: 'GET',
    path: '/scenes',
    family: 'scenes',
    summary: 'List scenes, optionally of one region, a page at a time.',
    params: null,
    query: ListScenesQuerySchema,
    response: ScenePageResponseSchema,
    notFound: [],
    timeoutMs: scenePulseMs,
    run: (b, _p, q) =>
      scenesOf(b).listScenes({
        ...opt('region', q.region as string | undefined),
        limit: num(q.limit),
        offset: num(q.offset),
      }),
  },
  {
    id: 'getScene',
    method: 'GET',
    path: '/scenes/{slug}',
    family: 'scenes',
    summary: 'One scene of the catalog.',
    params: SceneSlugSchema,
    query: EmptyQuerySchema,
    response: SceneResponseSchema,
    notFound: ['SCENES_NOT_FOUND'],
    timeoutMs: scenePulseMs,
    run: (b, p) => scenesOf(b).getScene(str(p.slug)),
  },
  {
    id: 'getScenePulse',
    method: 'GET',
    path: '/scenes/{slug}/pulse',
    family: 'scenes',
    summary: 'The pulse of one scene: heat, growth, stage, members, explanation, per-source outcome.',
    params: SceneSlugSchema,
    query: ScenePulseQuerySchema,
    response: ScenePulseResponseSchema,
    notFound: ['SCENES_NOT_FOUND'],
    timeoutMs: scenePulseMs,
    run: (b, p, q) => scenesOf(b).pulse.getScenePulse(str(p.slug), { skipCache: bool(q.skipCache) }),
  },
  {
    id: 'getSceneTrends',
    method: 'GET',
    path: '/scenes/{slug}/trends',
    family: 'scenes',
    summary: "A scene's daily snapshots over 1-365 days, with a summary (change, slope, peak).",
    params: SceneSlugSchema,
    query: SceneTrendsQuerySchema,
    response: SceneTrendsResponseSchema,
    notFound: ['SCENES_NOT_FOUND'],
    timeoutMs: scenePulseMs,
    run: (b, p, q) => scenesOf(b).getSceneTrends(str(p.slug), { days: num(q.days) }),
  },
  {
    id: 'getRelatedScenes',
    method: 'GET',
    path: '/scenes/{slug}/related',
    family: 'scenes',
    summary: 'Scenes related to a scene (shared members, sound, tastemakers), strongest first.',
    params: SceneSlugSchema,
    query: RelatedScenesQuerySchema,
    response: RelatedScenesResponseSchema,
    notFound: ['SCENES_NOT_FOUND'],
    timeoutMs: scenePulseMs,
    run: (b, p, q) => scenesOf(b).getRelatedScenes(str(p.slug), { limit: num(q.limit) }),
  },
  {
    id: 'listSceneMemberships',
    method: 'GET',
    path: '/scenes/{slug}/memberships',
    family: 'scenes',
    summary: "A scene's artist memberships with confidence and reasons, strongest first, paged (at most 10,000).",
    params: SceneSlugSchema,
    query: SceneMembershipsQuerySchema,
    response: MembershipPageResponseSchema,
    notFound: ['SCENES_NOT_FOUND'],
    timeoutMs: scenePulseMs,
    run: (b, p, q) =>
      scenesOf(b).listMemberships({ sceneSlug: str(p.slug), limit: num(q.limit), offset: num(q.offset) }),
  },
  {
    id: 'getGlobalScenePulse',
    method: 'GET',
    path: '/scene-pulse',
    family: 'scenes',
    summary: 'Hottest, fastest-growing and cooling scenes of the whole catalog.',
    params: null,
    query: GlobalScenePulseQuerySchema,
    response: GlobalScenePulseResponseSchema,
    notFound: [],
    timeoutMs: sceneGlobalMs,
    run: (b, _p, q) => scenesOf(b).pulse.getGlobalPulse({ limit: num(q.limit), skipCache: bool(q.skipCache) }),
  },
  {
    id: 'getRegionalScenePulse',
    method: 'GET',
    path: '/scene-pulse/{region}',
    family: 'scenes',
    summary: 'Scenes of one region ranked by heat.',
    params: RegionSchema,
    query: RegionalPulseQuerySchema,
    response: RegionalScenePulseResponseSchema,
    notFound: ['SCENES_NOT_FOUND'],
    timeoutMs: sceneGlobalMs,
    run: (b, p, q) =>
      scenesOf(b).pulse.getRegionalPulse(str(p.region), { limit: num(q.limit), skipCache: bool(q.skipCache) }),
  },
  {
    id: 'getSceneRecommendations',
    method: 'GET',
    path: '/scene-recommendations',
    family: 'scenes',
    summary:
      'Scenes for an artist ranked by fit x heat, with reasons; without an artist, the scenes most worth watching.',
    params: null,
    query: RecommendationsQuerySchema,
    response: SceneRecommendationsResponseSchema,
    notFound: ['SCENES_INVALID_PARAMS'],
    timeoutMs: sceneGlobalMs,
    run: (b, _p, q) =>
      scenesOf(b).recommendScenes({ ...opt('artistSlug', q.artistSlug as string | undefined), limit: num(q.limit) }),
  },
  {
    id: 'listMicrogenres',
    method: 'GET',
    path: '/microgenres',
    family: 'scenes',
    summary: 'List microgenres, a page at a time.',
    params: null,
    query: ListMicrogenresQuerySchema,
    response: MicrogenrePageResponseSchema,
    notFound: [],
    timeoutMs: scenePulseMs,
    run: (b, _p, q) => scenesOf(b).listMicrogenres({ limit: num(q.limit), offset: num(q.offset) }),
  },
  {
    id: 'getMicrogenre',
    method: 'GET',
    path: '/microgenres/{slug}',
    family: 'scenes',
    summary: 'One microgenre.',
    params: MicrogenreSlugSchema,
    query: EmptyQuerySchema,
    response: MicrogenreResponseSchema,
    notFound: ['MICROGENRE_NOT_FOUND'],
    timeoutMs: scenePulseMs,
    run: (b, p) => scenesOf(b).getMicrogenre(str(p.slug)),
  },
  {
    id: 'getTalentPulse',
    method: 'GET',
    path: '/talent/pulse',
    family: 'talent',
    summary:
      'The global Talent pulse: top rising, breakout candidates, artists at risk, hottest scenes, summary counts.',
    params: null,
    query: GlobalPulseQuerySchema,
    response: GlobalPulseResponseSchema,
    notFound: [],
    timeoutMs: talentGlobalMs,
    run: (b, _p, q) => talentOf(b).buildGlobalPulse({ limit: num(q.limit), skipCache: bool(q.skipCache) }),
  },
  {
    id: 'getArtistProfile',
    method: 'GET',
    path: '/talent/artists/{slug}',
    family: 'talent',
    summary: "An artist's radar profile: scores with explanations, opportunities, risks, similar artists, trajectory.",
    params: ArtistSlugSchema,
    query: ArtistProfileQuerySchema,
    response: ArtistProfileResponseSchema,
    notFound: ['TALENT_ARTIST_NOT_FOUND', 'TALENT_INSUFFICIENT_DATA'],
    timeoutMs: artistMs,
    run: (b, p, q) => talentOf(b).buildArtistProfile(str(p.slug), { skipCache: bool(q.skipCache) }),
  },
  {
    id: 'getTopArtists',
    method: 'GET',
    path: '/talent/top',
    family: 'talent',
    summary: 'A top list: rising (momentum), breakout (breakout score) or risk (risk score).',
    params: null,
    query: TopArtistsQuerySchema,
    response: TopArtistsResponseSchema,
    notFound: [],
    timeoutMs: talentGlobalMs,
    run: (b, _p, q) =>
      talentOf(b).getTopArtists({
        category: q.category as 'rising' | 'breakout' | 'risk',
        limit: num(q.limit),
        skipCache: bool(q.skipCache),
      }),
  },
  {
    id: 'getWorkspaceRecommendations',
    method: 'GET',
    path: '/talent/recommendations',
    family: 'talent',
    summary: "Artists recommended to a workspace (a label or team), from the host's workspace source.",
    params: null,
    query: WorkspaceRecommendationsQuerySchema,
    response: WorkspaceRecommendationsResponseSchema,
    notFound: ['TALENT_INVALID_PARAMS'],
    timeoutMs: talentGlobalMs,
    run: (b, _p, q) => talentOf(b).getWorkspaceRecommendations(str(q.workspaceId), { limit: num(q.limit) }),
  },
];

/** A path template split into segments: literal text, or a parameter name. */
interface CompiledRoute {
  readonly spec: RouteSpec;
  readonly segments: readonly ({ readonly literal: string } | { readonly param: string })[];
}

/** What {@link RouteMatcher.match} found. */
export type RouteMatch = RouteFound | RouteWrongMethod | RouteNone | RouteBadEncoding;

/** A route matched: its spec and its decoded path parameters. */
export interface RouteFound {
  /** `route`. */
  readonly kind: 'route';
  /** The route. */
  readonly spec: RouteSpec;
  /** Path parameters by name, percent-decoded. */
  readonly params: Record<string, string>;
}

/** The path exists, for other methods. */
export interface RouteWrongMethod {
  /** `method`. */
  readonly kind: 'method';
  /** The methods the path has. */
  readonly allow: readonly string[];
}

/** No route has this path. */
export interface RouteNone {
  /** `none`. */
  readonly kind: 'none';
}

/** The path matched a route, but a parameter's percent-encoding is malformed. */
export interface RouteBadEncoding {
  /** `bad-encoding`. */
  readonly kind: 'bad-encoding';
  /** The route. */
  readonly spec: RouteSpec;
  /** The parameter. */
  readonly param: string;
}

/** Matches paths (below the base path) against a route table. */
export interface RouteMatcher {
  /** Finds the route of `method` and `path` (`/scenes/indie-uk-brighton`). */
  match(method: string, path: string): RouteMatch;
}

/**
 * A matcher over `routes`: by segment count, then literal segments; parameters take any one
 * non-empty segment, percent-decoded. One trailing slash is ignored.
 */
export function createRouteMatcher(routes: readonly RouteSpec[]): RouteMatcher {
  const byLength = new Map<number, CompiledRoute[]>();
  for (const spec of routes) {
    const segments = spec.path
      .split('/')
      .slice(1)
      .map((s) => (s.startsWith('{') && s.endsWith('}') ? { param: s.slice(1, -1) } : { literal: s }));
    const list = byLength.get(segments.length) ?? [];
    list.push({ spec, segments });
    byLength.set(segments.length, list);
  }
  return {
    match(method, rawPath) {
      let path = rawPath;
      if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
      if (!path.startsWith('/')) return { kind: 'none' };
      const parts = path.split('/').slice(1);
      const candidates = byLength.get(parts.length);
      if (!candidates) return { kind: 'none' };
      const allow = new Set<string>();
      for (const route of candidates) {
        let fits = true;
        for (let i = 0; i < parts.length; i++) {
          const seg = route.segments[i]!;
          if ('literal' in seg ? seg.literal !== parts[i] : parts[i] === '') {
            fits = false;
            break;
          }
        }
        if (!fits) continue;
        if (route.spec.method !== method) {
          allow.add(route.spec.method);
          continue;
        }
        const params: Record<string, string> = Object.create(null) as Record<string, string>;
        for (let i = 0; i < parts.length; i++) {
          const seg = route.segments[i]!;
          if ('param' in seg) {
            const raw = parts[i]!;
            if (raw.includes('%')) {
              try {
                params[seg.param] = decodeURIComponent(raw);
              } catch {
                return { kind: 'bad-encoding', spec: route.spec, param: seg.param };
              }
            } else {
              params[seg.param] = raw;
            }
          }
        }
        return { kind: 'route', spec: route.spec, params };
      }
      return allow.size ? { kind: 'method', allow: [...allow] } : { kind: 'none' };
    },
  };
}
