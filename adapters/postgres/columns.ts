/**
 * @module adapters/postgres/columns
 * How a row schema maps to SQL columns, read from the Zod schema itself: strings (slugs, ISO days
 * and instants, enums, UUIDs) are `text COLLATE "C"`, integers `bigint`, other numbers
 * `double precision`, booleans `boolean`, lists of strings `text[]`, and anything nested `jsonb`.
 * Instants and days stay text because rows store them as ISO strings and must come back exactly as
 * written (a `timestamptz` would rewrite `+02:00` as UTC and drop or pad fractions); `"C"`
 * collation orders them, and every other string, byte by byte as the in-memory store does.
 */
import type { z } from 'zod';
import type { ScalarColumns, TableSpec } from '../../src/stores/table.js';

/** How a column is stored and read back. */
export type ColumnKind = 'text' | 'int' | 'float' | 'bool' | 'text[]' | 'jsonb';

/** One column of an owned table. */
export interface Column {
  /** Column name (the row's key). */
  readonly name: string;
  /** Storage kind. */
  readonly kind: ColumnKind;
  /** SQL type as declared in the migrations. */
  readonly sqlType: string;
  /** True when the schema accepts null. */
  readonly nullable: boolean;
  /** True when the schema lets the key be absent (read back as absent, not null). */
  readonly optional: boolean;
  /** The column's schema, unwrapped (restores key order inside `jsonb` values). */
  readonly schema: z.ZodType;
}

const SQL_TYPES: Record<ColumnKind, string> = {
  text: 'text COLLATE "C"',
  int: 'bigint',
  float: 'double precision',
  bool: 'boolean',
  'text[]': 'text[]',
  jsonb: 'jsonb',
};

/** Element type of a key or filter array parameter (`unnest($1::text[])`). */
export const ARRAY_CAST: Record<ColumnKind, string> = {
  text: 'text[]',
  int: 'bigint[]',
  float: 'double precision[]',
  bool: 'boolean[]',
  'text[]': 'text[][]',
  jsonb: 'jsonb[]',
};

interface Introspected {
  readonly def: { readonly type: string };
  readonly format?: string | null;
  readonly isInt?: boolean;
  unwrap?: () => z.ZodType;
  readonly element?: z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
}
const look = (schema: z.ZodType): Introspected => schema as unknown as Introspected;

function kindOf(schema: z.ZodType): ColumnKind {
  const s = look(schema);
  switch (s.def.type) {
    case 'string':
    case 'enum':
      return 'text';
    case 'number':
      return s.isInt || s.format === 'safeint' || s.format === 'int32' ? 'int' : 'float';
    case 'boolean':
      return 'bool';
    case 'array': {
      const element = s.element ? look(s.element).def.type : '';
      return element === 'string' || element === 'enum' ? 'text[]' : 'jsonb';
    }
    default:
      return 'jsonb';
  }
}

/** The columns of a spec's row schema, in the schema's key order. */
export function columnsOf<Row, K extends ScalarColumns<Row>>(spec: TableSpec<Row, K>): readonly Column[] {
  const shape = look(spec.schema).shape;
  if (!shape) throw new TypeError(`${spec.name}: the row schema must be a Zod object`);
  return Object.entries(shape).map(([name, field]) => {
    let schema = field;
    let nullable = false;
    let optional = false;
    for (;;) {
      const t = look(schema).def.type;
      if (t !== 'nullable' && t !== 'optional') break;
      if (t === 'nullable') nullable = true;
      else optional = true;
      schema = look(schema).unwrap!();
    }
    const kind = kindOf(schema);
    return { name, kind, sqlType: SQL_TYPES[kind], nullable: nullable || optional, optional, schema };
  });
}

/**
 * A `jsonb` value with its object keys back in schema order (`jsonb` stores keys sorted by length,
 * then bytes), so a row reads back exactly as the in-memory store returns it; keys an object's
 * schema does not declare are dropped, as parsing drops them before the in-memory store holds a row.
 */
export function restoreOrder(value: unknown, schema: z.ZodType): unknown {
  if (value === null || typeof value !== 'object') return value;
  const s = look(schema);
  const t = s.def.type;
  if ((t === 'nullable' || t === 'optional') && s.unwrap) return restoreOrder(value, s.unwrap());
  if (Array.isArray(value)) return s.element ? value.map((v) => restoreOrder(v, s.element!)) : value;
  if (t === 'object' && s.shape) {
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(s.shape))
      if (Object.hasOwn(record, key)) out[key] = restoreOrder(record[key], field);
    // Keys the schema does not declare (a value edited by hand) are dropped, as the in-memory
    // store's parse drops them on write; a schema that takes any key keeps them.
    if ((s.def as { catchall?: unknown }).catchall !== undefined)
      for (const key of Object.keys(record)) if (!Object.hasOwn(out, key)) out[key] = record[key];
    return out;
  }
  return value;
}

/** Quotes an SQL identifier (`"scene_trends"`, `"my ""odd"" schema"`). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const NEEDS_ESCAPE = /["\\]/;
/** One quoted element of an array literal, with `\` and `"` escaped. */
const quoted = (text: string): string =>
  NEEDS_ESCAPE.test(text) ? `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"` : `"${text}"`;

/**
 * A PostgreSQL array literal of one column's values (`{"a",NULL,"b"}`), one element per row, for
 * `unnest($1::text[], ...)`. A `text[]` value becomes the quoted literal of its own array and a
 * `jsonb` value its quoted JSON, each cast back per row (unnest takes no ragged 2-D array); null
 * and absent are `NULL`.
 * @example
 * ```ts
 * arrayLiteral(['a', null, 'say "hi"'], 'text'); // '{"a",NULL,"say \"hi\""}'
 * arrayLiteral([['x', 'y'], []], 'text[]'); // '{"{\"x\",\"y\"}","{}"}'
 * ```
 */
export function arrayLiteral(values: readonly unknown[], kind: ColumnKind): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else if (kind === 'text') out += quoted(v as string);
    else if (kind === 'text[]') out += quoted(arrayLiteral(v as readonly unknown[], 'text'));
    else if (kind === 'jsonb') out += quoted(JSON.stringify(v));
    // Negative zero keeps its sign (`String(-0)` is `'0'`): float8 stores it, as memory does.
    else if (Object.is(v, -0)) out += '-0';
    // Other numbers and booleans as node-postgres writes a parameter: their string form.
    else out += String(v);
  }
  return `${out}}`;
}
