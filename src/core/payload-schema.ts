/**
 * @module core/payload-schema
 * Helpers for the engines' result schemas (`scenes/schemas`, `talent/schemas`), where each result
 * type is written once, as a Zod schema, and TypeScript infers the type from it.
 *
 * A field's documentation is written once too, as the JSDoc comment on its property in the
 * schema's shape: TypeScript carries it through `z.output` to hovers and the API reference, and
 * `npx tsx scripts/schema-docs.ts` copies it into a generated module next to the
 * schemas, from which {@link describeFields} sets each field's `.describe()` text for the JSON
 * Schema and OpenAPI output. tests/api/schema-docs.test.ts fails when the generated module is stale.
 */
import { z } from 'zod';

/** Descriptions of the fields of one object schema, by field name (generated from their JSDoc). */
export type FieldDocs = Readonly<Record<string, string>>;

/**
 * `shape` with each field that has a description in `docs` replaced by a described copy
 * (`.describe()` clones, so a shared field schema such as a slug is described only where it is
 * used). The shape's type is returned unchanged: property declarations, and so their JSDoc, are
 * kept for `z.output`.
 */
export function describeFields<S extends Record<string, z.ZodType>>(docs: FieldDocs | undefined, shape: S): S {
  if (docs === undefined) return shape;
  const out: Record<string, z.ZodType> = {};
  for (const [name, field] of Object.entries(shape)) {
    const text = docs[name];
    out[name] = text === undefined ? field : field.describe(text);
  }
  return out as S;
}

/**
 * A parsed payload as the engines hand it out: every property and array read-only, all the way
 * down, except inside `Keep` (the stored rows a payload carries, which keep their own mutable
 * `z.infer` types, as they did when the engine types were written by hand). Zod infers mutable
 * types; this is the one place the engines' read-only contract is added back.
 */
export type ReadonlyPayload<T, Keep = never> = [T] extends [Keep]
  ? T
  : T extends ReadonlyArray<infer U>
    ? ReadonlyArray<ReadonlyPayload<U, Keep>>
    : T extends object
      ? { readonly [K in keyof T]: ReadonlyPayload<T[K], Keep> }
      : T;

/** A share, 0-1. */
export const unit = z.number().min(0).max(1);
/** A score or heat, 0-100. */
export const percent = z.number().min(0).max(100);
/** A count: an integer >= 0. */
export const count = z.number().int().min(0);
/** Any number: Zod 4's `z.number()` already rejects NaN and +-Infinity, which JSON cannot carry. */
export const finite = z.number();
