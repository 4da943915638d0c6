/**
 * @module api/openapi
 * The OpenAPI 3.1 document of the HTTP API, generated from the route table and the same Zod
 * schemas the handler validates with (Zod 4's JSON Schema output is draft 2020-12, the dialect of
 * OpenAPI 3.1). Named response payloads become `components.schemas`; the two envelopes wrap them.
 */
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../core/errors.js';
import { FailureEnvelopeSchema } from './envelope.js';
import { ComponentHealthSchema, HealthReportSchema } from './health.js';
import * as payloads from './responses.js';
import { FAMILY_CODES, normaliseBasePath } from './operations.js';
import { ROUTES, type RouteSpec } from './routes.js';

/** A JSON value of the document. */
export type OpenApiDocument = Record<string, unknown>;

/** One entry of the document's `servers`. */
export interface OpenApiServer {
  /** The server's URL, e.g. `https://radar.example.com`. */
  readonly url: string;
  /** What the server is. */
  readonly description?: string;
}

/** Options of {@link createOpenApiDocument}. */
export interface OpenApiOptions {
  /** Where the routes are mounted. @default '/api' */
  readonly basePath?: string;
  /** `info.title`. @default 'scene-radar API' */
  readonly title?: string;
  /** `info.version`. @default the SDK's API version */
  readonly version?: string;
  /** `servers`. @default none (paths are relative to the host) */
  readonly servers?: readonly OpenApiServer[];
  /** The routes to document. @default every route ({@link ROUTES}) */
  readonly routes?: readonly RouteSpec[];
  /** Document `GET <basePath>/health` (see `checkHealth`). @default true */
  readonly health?: boolean;
  /**
   * Document `GET <basePath>/openapi.json`, where the fetch handler serves this document (unless
   * its `openapi` option is `false`). @default true
   */
  readonly openapi?: boolean;
}

/** The version of the HTTP API the document describes. */
export const API_VERSION = '0.1.0';

const REF = '#/components/schemas/';

/** The `components.schemas` of every named schema reachable from the routes, and a ref lookup. */
function components(
  routes: readonly RouteSpec[],
  health: boolean,
): { schemas: Record<string, unknown>; idOf: Map<z.ZodType, string> } {
  const registry = z.registry<{ id: string }>();
  const idOf = new Map<z.ZodType, string>();
  const add = (schema: z.ZodType): void => {
    const id = (z.globalRegistry.get(schema) as { id?: string } | undefined)?.id;
    if (!id) throw new Error('Every response schema needs a .meta({ id })');
    if (!registry.has(schema)) registry.add(schema, { id });
    idOf.set(schema, id);
  };
  for (const route of routes) add(route.response);
  add(FailureEnvelopeSchema);
  if (health) {
    add(HealthReportSchema);
    add(ComponentHealthSchema);
  }
  // Every named payload schema, so nested ones become components too (not a shared $defs bag).
  for (const value of Object.values(payloads)) {
    if (value instanceof z.ZodType && (z.globalRegistry.get(value) as { id?: string } | undefined)?.id) add(value);
  }
  // `input` keeps objects open (`additionalProperties` unset): a host may add fields to a payload.
  const out = z.toJSONSchema(registry, { io: 'input', uri: (id) => `${REF}${id}`, unrepresentable: 'throw' }) as {
    schemas: Record<string, Record<string, unknown>>;
  };
  const schemas: Record<string, unknown> = {};
  for (const [id, schema] of Object.entries(out.schemas)) {
    const { $schema: _drop, $id: _id, ...rest } = schema;
    schemas[id] = rest;
  }
  return { schemas, idOf };
}

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'throw' }) as Record<
    string,
    unknown
  >;
  return rest;
}

/** OpenAPI path: `/scenes/{slug}` under the base path. */
function openApiPath(basePath: string, route: RouteSpec): string {
  return `${basePath}${route.path}`;
}

function parameters(route: RouteSpec): unknown[] {
  const out: unknown[] = [];
  if (route.params) {
    for (const [name, schema] of Object.entries(route.params.shape)) {
      const s = jsonSchemaOf(schema as z.ZodType);
      out.push({
        name,
        in: 'path',
        required: true,
        ...(s.description ? { description: s.description } : {}),
        schema: s,
      });
    }
  }
  for (const [name, schema] of Object.entries(route.query.shape)) {
    const zs = schema as z.ZodType;
    const s = jsonSchemaOf(zs);
    const required = !zs.safeParse(undefined).success;
    out.push({ name, in: 'query', required, ...(s.description ? { description: s.description } : {}), schema: s });
  }
  return out;
}

function failureResponse(description: string, codes: readonly ErrorCode[]): unknown {
  return {
    description: `${description} Codes: ${codes.map((c) => `\`${c}\``).join(', ')}.`,
    content: { 'application/json': { schema: { $ref: `${REF}FailureEnvelope` } } },
  };
}

/** The `GET /health` path item: 200 while the radar can serve, 503 when it cannot answer at all. */
function healthPath(): Record<string, unknown> {
  return {
    get: {
      operationId: 'getHealth',
      summary:
        'Health for load balancers: each source (last outcome), store (reachable or not) and cache tier as { name, state, reason? }.',
      tags: ['Operations'],
      parameters: [],
      responses: {
        200: {
          description: 'The radar can serve; `data.status` is `ok` or `degraded` (some component is not `ok`).',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['ok', 'data', 'error'],
                properties: { ok: { const: true }, data: { $ref: `${REF}HealthReport` }, error: { type: 'null' } },
              },
            },
          },
        },
        405: failureResponse('Another method than GET or HEAD; the `Allow` header lists `GET, HEAD`.', [
          'METHOD_NOT_ALLOWED',
        ]),
        500: failureResponse('Unexpected failure; `details.requestId` matches the `x-request-id` header.', [
          FAMILY_CODES.scenes.internal,
        ]),
        503: failureResponse(
          'The radar cannot answer at all (closed, or its stores are down with nothing refreshed to serve); `error.details` holds the report.',
          ['RADAR_CLOSED', 'STORE_UNAVAILABLE'],
        ),
      },
    },
  };
}

/**
 * The `GET /openapi.json` path item: the document itself, as it is (not in an envelope). It is
 * answered after the rate limiter and outside both engines, so its failures are those of a path
 * under the base path that no route owns: the `SCENES_*` family's.
 */
function documentPath(): Record<string, unknown> {
  const codes = FAMILY_CODES.scenes;
  return {
    get: {
      operationId: 'getOpenApiDocument',
      summary: 'This OpenAPI 3.1 document, as JSON (the document itself, not in an envelope). The query is not read.',
      tags: ['Operations'],
      parameters: [],
      responses: {
        200: {
          description: 'The OpenAPI 3.1 document of the routes the server answers.',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['openapi', 'info', 'paths'],
                properties: {
                  openapi: { type: 'string', pattern: '^3\\.1\\.' },
                  info: { type: 'object' },
                  paths: { type: 'object' },
                },
              },
            },
          },
        },
        405: failureResponse('Another method than GET or HEAD; the `Allow` header lists `GET, HEAD`.', [
          'METHOD_NOT_ALLOWED',
        ]),
        429: failureResponse('Rate limited (only when the host enables a limiter); see `Retry-After`.', [
          codes.rateLimited,
        ]),
        500: failureResponse('Unexpected failure; `details.requestId` matches the `x-request-id` header.', [
          codes.internal,
        ]),
      },
    },
  };
}

/**
 * The OpenAPI 3.1 document of every route, of `GET <basePath>/health` and of
 * `GET <basePath>/openapi.json` (the document itself, as the fetch handler serves it).
 * @example
 * ```ts
 * import { createOpenApiDocument } from 'scene-radar/api';
 * writeFileSync('openapi.json', JSON.stringify(createOpenApiDocument(), null, 2));
 * ```
 */
export function createOpenApiDocument(options: OpenApiOptions = {}): OpenApiDocument {
  // The handler's rule: a base path it refuses is a TypeError here too, never a document of invalid paths.
  const basePath = normaliseBasePath(options.basePath ?? '/api');
  const routes = options.routes ?? ROUTES;
  const health = options.health ?? true;
  const openapi = options.openapi ?? true;
  const { schemas, idOf } = components(routes, health);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const codes = FAMILY_CODES[route.family];
    const responses: Record<string, unknown> = {
      200: {
        description: 'Success.',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['ok', 'data', 'error'],
              properties: {
                ok: { const: true },
                data: { $ref: `${REF}${idOf.get(route.response)}` },
                error: { type: 'null' },
              },
            },
          },
        },
      },
      400: failureResponse(
        'Invalid request: `details` lists the issues (code, path, message); `*_INVALID_PARAMS` when every value passes its schema but the request cannot be served (a limit over a cap the host set lower).',
        [
          ...new Set<ErrorCode>([
            codes.validation,
            route.family === 'scenes' ? 'SCENES_INVALID_PARAMS' : 'TALENT_INVALID_PARAMS',
            ...route.notFound.filter((c) => ERROR_CODES[c] === 400),
          ]),
        ],
      ),
    };
    const notFound = route.notFound.filter((c) => ERROR_CODES[c] === 404);
    responses[404] = failureResponse(
      'Not found; a path with `.` or `..` segments or an encoded slash is never resolved (`ROUTE_NOT_FOUND`).',
      [...notFound, 'ROUTE_NOT_FOUND'],
    );
    const unprocessable = route.notFound.filter((c) => ERROR_CODES[c] === 422);
    if (unprocessable.length) responses[422] = failureResponse('Too little evidence to score.', unprocessable);
    responses[405] = failureResponse('Another method than GET or HEAD; the `Allow` header lists `GET, HEAD`.', [
      'METHOD_NOT_ALLOWED',
    ]);
    responses[429] = failureResponse('Rate limited (only when the host enables a limiter); see `Retry-After`.', [
      codes.rateLimited,
    ]);
    responses[503] = failureResponse(
      'The radar cannot answer now: its sources failed with no earlier good value kept, its database store cannot be reached or is at another schema version, or it was closed.',
      ['SOURCES_UNAVAILABLE', 'STORE_UNAVAILABLE', 'STORE_SCHEMA_MISMATCH', 'RADAR_CLOSED'],
    );
    responses[500] = failureResponse('Unexpected failure; `details.requestId` matches the `x-request-id` header.', [
      codes.internal,
    ]);
    responses[504] = failureResponse('Out of time with nothing useful to return.', [codes.timeout]);
    paths[openApiPath(basePath, route)] = {
      [route.method.toLowerCase()]: {
        operationId: route.id,
        summary: route.summary,
        tags: [route.family === 'scenes' ? 'Scenes' : 'Talent'],
        parameters: parameters(route),
        responses,
      },
    };
  }
  if (health) paths[`${basePath}/health`] = healthPath();
  if (openapi) paths[`${basePath}/openapi.json`] = documentPath();
  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'scene-radar API',
      version: options.version ?? API_VERSION,
      description:
        'Scenes Engine and Talent Radar, read-only. Every response is an envelope: `{ ok: true, data, error: null }` or `{ ok: false, error: { code, message, details? } }`. Query numbers are plain digits (`+5`, `%2B5` and `-1` are a 400). `skipCache=true` is honoured only for callers the server allows, and ignored otherwise. CORS headers are sent only when the server enables them.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    ...(options.servers ? { servers: options.servers.map((s) => ({ ...s })) } : {}),
    tags: [
      {
        name: 'Scenes',
        description: 'Scenes Engine: catalog, memberships, pulse, trends, relationships, recommendations.',
      },
      {
        name: 'Talent',
        description: 'Talent Radar: global pulse, artist profiles, top lists, workspace recommendations.',
      },
      ...(health || openapi
        ? [
            {
              name: 'Operations',
              description: [
                ...(health ? ['Health of sources, stores and cache tiers, for load balancers.'] : []),
                ...(openapi ? ['This document.'] : []),
              ].join(' '),
            },
          ]
        : []),
    ],
    paths,
    components: { schemas },
  };
}
