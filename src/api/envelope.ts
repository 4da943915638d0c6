/**
 * @module api/envelope
 * The response envelope of the origin document (section 2): success `{ ok: true, data, error: null }`,
 * failure `{ ok: false, error: { code, message, details? } }`, and one table of code -> HTTP status.
 */
import { z } from 'zod';
import { ERROR_CODES, isSceneRadarError, type ErrorCode } from '../core/errors.js';

/** One issue of a validation failure, as in the seed's example: the Zod issue code, the path, a message. */
export interface ValidationIssue {
  /** The Zod issue code (`invalid_format`, `too_big`, `unrecognized_keys`, ...). */
  readonly code: string;
  /** Where: `['slug']`, `['limit']`. */
  readonly path: readonly (string | number)[];
  /** What is wrong, in words. */
  readonly message: string;
}

/** The error body of a failure envelope. */
export interface ApiError {
  /** A stable error code. */
  readonly code: ErrorCode;
  /** A human-readable message (never internals). */
  readonly message: string;
  /** Client-safe details: the issues of a validation failure, the request id of a 500. */
  readonly details?: unknown;
}

/** A success envelope. */
export interface SuccessEnvelope<T> {
  /** Always `true`. */
  readonly ok: true;
  /** The payload. */
  readonly data: T;
  /** Always `null`. */
  readonly error: null;
}

/** A failure envelope (the seed's example has no `data` field). */
export interface FailureEnvelope {
  /** Always `false`. */
  readonly ok: false;
  /** What went wrong. */
  readonly error: ApiError;
}

/** Either envelope. */
export type Envelope<T> = SuccessEnvelope<T> | FailureEnvelope;

/** An envelope with the HTTP status to send it with: what every operation returns. */
export interface ApiResult<T = unknown> {
  /** The HTTP status. */
  readonly status: number;
  /** The body. */
  readonly body: Envelope<T>;
  /** Extra response headers (for example `Retry-After`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The HTTP status of every error code: the seed's table (`SCENES_NOT_FOUND` 404 ...
 * `TALENT_INTERNAL_ERROR` 500) plus the SDK's own codes.
 */
export const HTTP_STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = ERROR_CODES;

/**
 * A success envelope.
 * @example
 * ```ts
 * return Response.json(ok(await radar.scenes.getScene('indie-uk-brighton')));
 * ```
 */
export function ok<T>(data: T): SuccessEnvelope<T> {
  return { ok: true, data, error: null };
}

/**
 * A failure envelope; `details` is left out when undefined (as in the seed's 404 example).
 * @example
 * ```ts
 * fail('TALENT_ARTIST_NOT_FOUND', 'Artist not found: unknown-artist');
 * ```
 */
export function fail(code: ErrorCode, message: string, details?: unknown): FailureEnvelope {
  return { ok: false, error: details === undefined ? { code, message } : { code, message, details } };
}

/** A failure {@link ApiResult} with the code's status. */
export function failure(
  code: ErrorCode,
  message: string,
  details?: unknown,
  headers?: Readonly<Record<string, string>>,
): ApiResult<never> {
  const result = { status: ERROR_CODES[code], body: fail(code, message, details) };
  return headers ? { ...result, headers } : result;
}

/** A success {@link ApiResult} (status 200). */
export function success<T>(data: T): ApiResult<T> {
  return { status: 200, body: ok(data) };
}

/** The Zod issues of a failed parse as client-safe `{ code, path, message }` items (no input echoed). */
export function issuesOf(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    code: issue.code,
    path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: issue.message,
  }));
}

/**
 * The failure for a thrown error: a `SceneRadarError` keeps its code, message and details (but a
 * `STORE_SCHEMA_MISMATCH`'s `details.schema`);
 * a 500 of any kind, or anything that is not a `SceneRadarError`, becomes `internal` (a 500 with only
 * a request id, never the cause or the message). So does a branded error whose code this copy of
 * the package does not know (another version's), which has no status here, and a value that
 * cannot be read at all (a revoked proxy, a getter that throws): this never throws.
 */
export function failureFromError(error: unknown, internal: ErrorCode, requestId?: string): ApiResult<never> {
  try {
    if (isSceneRadarError(error)) {
      const { code, message } = error;
      const status = typeof code === 'string' && Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code] : undefined;
      if (status !== undefined && status !== 500 && typeof message === 'string') {
        // A schema that is not the one this code migrated: `details.schema` names it for the host;
        // a body never does (docs/persistence.md).
        if (code === 'STORE_SCHEMA_MISMATCH') return schemaMismatch(message, error.details);
        return failure(code, message, error.details);
      }
    }
  } catch {
    // unreadable: answered as internal below
  }
  return failure(internal, 'Internal error', requestId === undefined ? undefined : { requestId });
}

/**
 * The client's view of a `STORE_SCHEMA_MISMATCH`: its message (which names neither the schema nor
 * the server's text) with its details but the schema's name (`details.schema`, for the host).
 */
function schemaMismatch(message: string, details: unknown): ApiResult<never> {
  if (typeof details !== 'object' || details === null || Array.isArray(details))
    return failure('STORE_SCHEMA_MISMATCH', message, details);
  const { schema: _schema, ...rest } = details as Record<string, unknown>;
  return failure('STORE_SCHEMA_MISMATCH', message, rest);
}

/** Any of the SDK's error codes (typed as `ErrorCode`; an enum in the OpenAPI document). */
const ErrorCodeSchema: z.ZodType<ErrorCode> = z
  .enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]])
  .describe('A stable error code.');

const IssueSchema = z.object({
  /** The Zod issue code. */
  code: z.string(),
  /** Where the issue is. */
  path: z.array(z.union([z.string(), z.number()])),
  /** What is wrong. */
  message: z.string(),
});

/** How one source read went for the artist of a 422 or 503 profile answer. */
const ReadStatusSchema = z.object({
  /** The read (`engagement`, `events`, `record`, ...). */
  read: z.string(),
  /** Its outcome. */
  status: z.enum(['ok', 'missing', 'timeout', 'error', 'absent']),
});

/** Zod schema of the failure envelope (for OpenAPI and for clients that validate). */
export const FailureEnvelopeSchema = z
  .object({
    /** Always `false`. */
    ok: z.literal(false),
    /** What went wrong. */
    error: z.object({
      /** A stable error code. */
      code: ErrorCodeSchema,
      /** What went wrong, in words. */
      message: z.string().describe('What went wrong, in words; never internals.'),
      /** Validation issues, or the request id of a 500. */
      details: z
        .union([z.array(IssueSchema), z.array(ReadStatusSchema), z.record(z.string(), z.unknown())])
        .optional()
        .describe(
          "Validation issues (code, path, message); each source read's outcome (read, status) for a profile that cannot be scored (422, 503); or an object: `{ requestId }` for a 500, the instants of a refused refresh.",
        ),
    }),
  })
  .meta({ id: 'FailureEnvelope', description: 'A failure: `ok` is false and `error` says why.' });

/**
 * Zod schema of the success envelope around `data`.
 * @param data - The schema of the payload.
 */
export function successEnvelopeSchema<T extends z.ZodType>(data: T) {
  return z.object({
    /** Always `true`. */
    ok: z.literal(true),
    /** The payload. */
    data,
    /** Always `null`. */
    error: z.null(),
  });
}
