/**
 * @module api/serialise
 * The body of an answer: the envelope's JSON, byte for byte what `JSON.stringify(envelope)` gives,
 * written as little as possible.
 *
 * - A route served from an engine's cache returns the same value object on every hit until the
 *   entry expires: the JSON of its envelope (12 KB for the Talent pulse) is written and UTF-8
 *   encoded once per cached value, remembered by the value's identity (a `WeakMap`: the bytes go
 *   when the value does), and the same bytes serve every later hit. This relies on what the
 *   engines promise of a cached value: it is never modified once cached (a value served stale is
 *   a new object, and so is a recomputed one).
 * - Other routes build a new value per call, but a page of rows (`/scenes`, `/microgenres`,
 *   memberships) holds the store's rows themselves, which the memory store deep-freezes: the JSON
 *   of a value that is deep-frozen plain data cannot change, so it is written once per row and the
 *   page is put together around it. Only frozen plain data is remembered (checked once per row:
 *   frozen objects and arrays of the standard prototypes, data properties only, no `toJSON`), and
 *   only up to a bound, so the text of every row ever served is not kept. The encoded bytes of such
 *   a page are remembered too, by its first row: the same rows and counts are the same bytes, so a
 *   catalog page asked again is neither written nor encoded again.
 */
import type { ApiResult } from './envelope.js';
import type { RouteId } from './routes.js';

/**
 * Routes whose success answers are values of an engine's cache: the same object on each hit. The
 * others build a new value per call, which would never be asked for again.
 */
const CACHED_ROUTES: ReadonlySet<RouteId> = new Set<RouteId>([
  'getScenePulse',
  'getGlobalScenePulse',
  'getRegionalScenePulse',
  'getTalentPulse',
  'getArtistProfile',
  'getTopArtists',
]);

/** Rows whose JSON is remembered before the memo starts again (about 300 B of text each). */
const MAX_REMEMBERED_ROWS = 20_000;
/** Deepest nesting checked for frozen plain data (deeper is written each time). */
const MAX_DEPTH = 16;

const encoder = new TextEncoder();
const envelopes = new WeakMap<object, Uint8Array>();
let rows = new WeakMap<object, string>();
let remembered = 0;

/**
 * True when the success answers of `route` may be remembered by their value: the route is served
 * from a cache and this call did not bypass it.
 * @internal
 */
export function servesCachedValues(route: RouteId, skipCache: unknown): boolean {
  return skipCache !== true && CACHED_ROUTES.has(route);
}

/** An object or array of the standard prototypes. */
function isPlain(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return Array.isArray(value) ? proto === Array.prototype : proto === Object.prototype || proto === null;
}

/**
 * True when the JSON of `value` can never change and `JSON.stringify` writes it the same wherever
 * it sits: a primitive, or a frozen plain object or array whose properties are data properties
 * holding such values, without `toJSON`.
 */
function isFrozenData(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (depth > MAX_DEPTH || !Object.isFrozen(value) || !isPlain(value) || 'toJSON' in value) return false;
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
    if (!('value' in descriptor)) return false;
    if (typeof key === 'string' && descriptor.enumerable && !isFrozenData(descriptor.value, depth + 1)) return false;
  }
  return true;
}

/** The remembered JSON of `value` when it is frozen plain data, else undefined. */
function frozenJson(value: object): string | undefined {
  let json = rows.get(value);
  if (json !== undefined) return json;
  if (!Object.isFrozen(value) || !isFrozenData(value, 0)) return undefined;
  json = JSON.stringify(value);
  if (remembered >= MAX_REMEMBERED_ROWS) {
    rows = new WeakMap();
    remembered = 0;
  }
  rows.set(value, json);
  remembered++;
  return json;
}

/** Stands for "write the whole envelope with `JSON.stringify`": a value the pieces cannot vouch for. */
const NATIVE = Symbol('native');

/**
 * The JSON of a property value or an array item, as `JSON.stringify` writes it inside its parent
 * (undefined for a value it leaves out), or {@link NATIVE} for a value with a `toJSON` (which
 * would be told its key).
 */
function pieceJson(value: unknown): string | undefined | typeof NATIVE {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if ('toJSON' in value) return NATIVE;
  const json = frozenJson(value);
  if (json !== undefined) return json;
  // An array of rows: its items, each remembered, when its first item is a row.
  if (Array.isArray(value) && isPlain(value) && value.length > 0) {
    const first = value[0] as unknown;
    if (typeof first === 'object' && first !== null && frozenJson(first) !== undefined) {
      const parts: string[] = [];
      for (let i = 0; i < value.length; i++) {
        const item = pieceJson(value[i]);
        if (item === NATIVE) return NATIVE;
        parts.push(item ?? 'null');
      }
      return `[${parts.join(',')}]`;
    }
  }
  return JSON.stringify(value);
}

/** The JSON of a success envelope's `data` put together from remembered pieces, or {@link NATIVE}. */
function dataJson(data: object): string | typeof NATIVE {
  const whole = frozenJson(data);
  if (whole !== undefined) return whole;
  if (!isPlain(data) || Array.isArray(data) || 'toJSON' in data) return NATIVE;
  const parts: string[] = [];
  for (const key of Object.keys(data)) {
    const piece = pieceJson((data as Record<string, unknown>)[key]);
    if (piece === NATIVE) return NATIVE;
    if (piece !== undefined) parts.push(`${JSON.stringify(key)}:${piece}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * Whether `body` is a success envelope as `success` makes it, `{ ok: true, data, error: null }` in
 * that order, with object data and no `toJSON`: the only shape written from its pieces.
 */
function isSuccessEnvelope(
  body: ApiResult['body'],
): body is ApiResult['body'] & { readonly ok: true; readonly data: object } {
  if (body.ok !== true || typeof body.data !== 'object' || body.data === null || 'toJSON' in body) return false;
  const keys = Object.keys(body);
  return keys.length === 3 && keys[0] === 'ok' && keys[1] === 'data' && keys[2] === 'error' && body.error === null;
}

/** The envelope's JSON, what `JSON.stringify(result.body)` gives. */
function envelopeJson(result: ApiResult): string {
  const body = result.body;
  if (!isSuccessEnvelope(body)) return JSON.stringify(body);
  const data = dataJson(body.data);
  return data === NATIVE ? JSON.stringify(body) : `{"ok":true,"data":${data},"error":null}`;
}

/**
 * The body of `result`: its envelope as JSON. With `cached`, a success's envelope is encoded once
 * per value (by identity) and its bytes shared; otherwise the JSON text for this call, put
 * together from the remembered JSON of the frozen rows it holds. Either way the text is what
 * `JSON.stringify(result.body)` gives, and throws what it throws.
 * @internal
 */
export function bodyOf(result: ApiResult, cached: boolean): Uint8Array | string {
  const data: unknown = result.body.ok ? result.body.data : undefined;
  if (!cached && result.status === 200 && typeof data === 'object' && data !== null) return pageBody(result, data);
  if (!cached || result.status !== 200 || typeof data !== 'object' || data === null) return envelopeJson(result);
  let bytes = envelopes.get(data);
  if (bytes === undefined) {
    bytes = encoder.encode(JSON.stringify(result.body));
    envelopes.set(data, bytes);
  }
  return bytes;
}

/** Pages whose bytes are remembered before the memo starts again. */
const MAX_REMEMBERED_PAGES = 1_000;
/** Marks where a list of rows starts among a page's pieces. */
const ROWS = Symbol('rows');
let pages = new WeakMap<object, { readonly pieces: readonly unknown[]; readonly bytes: Uint8Array }>();
let rememberedPages = 0;

/**
 * What a page's JSON is made of, flat: each key of `data` and its value, a primitive or, for an
 * array, a marker, its length and its items (rows by identity); undefined for data of any other
 * shape. Two pieces lists equal item by item (`Object.is`) give the same JSON when the rows are
 * frozen plain data, which {@link pageBody} checks before it remembers the bytes.
 */
function pagePieces(data: object): unknown[] | undefined {
  if (!isPlain(data) || Array.isArray(data) || 'toJSON' in data) return undefined;
  const pieces: unknown[] = [];
  for (const key of Object.keys(data)) {
    const value = (data as Record<string, unknown>)[key];
    pieces.push(key);
    if (typeof value !== 'object' || value === null) pieces.push(value);
    // An array with a `toJSON` (its own or a prototype's) is written as it says, not item by item.
    else if (Array.isArray(value) && isPlain(value) && !('toJSON' in value)) {
      pieces.push(ROWS, value.length);
      for (let i = 0; i < value.length; i++) pieces.push(value[i]);
    } else return undefined;
  }
  return pieces;
}

/**
 * The body of a success built for this call that is a page of stored rows (`/scenes`,
 * `/microgenres`, memberships): its rows are the store's own frozen objects, so the same rows with
 * the same counts give the same bytes, remembered by the page's first row and served again while
 * every piece is the same (a row rewritten is a new object; another total, another page). The
 * encoded bytes also spare the socket write a UTF-8 encoding per answer. Anything else is written
 * as {@link envelopeJson} writes it.
 */
function pageBody(result: ApiResult, data: object): Uint8Array | string {
  const pieces = isSuccessEnvelope(result.body) ? pagePieces(data) : undefined;
  const anchor = pieces?.find((p): p is object => typeof p === 'object' && p !== null);
  if (!pieces || anchor === undefined) return envelopeJson(result);
  const known = pages.get(anchor);
  if (known && known.pieces.length === pieces.length && known.pieces.every((p, i) => Object.is(p, pieces[i])))
    return known.bytes;
  const json = envelopeJson(result);
  // Remembered only when every object in it is a row of frozen plain data (its JSON never changes).
  if (!pieces.every((p) => typeof p !== 'object' || p === null || frozenJson(p) !== undefined)) return json;
  const bytes = encoder.encode(json);
  if (rememberedPages >= MAX_REMEMBERED_PAGES) {
    pages = new WeakMap();
    rememberedPages = 0;
  }
  pages.set(anchor, { pieces, bytes });
  rememberedPages++;
  return bytes;
}
