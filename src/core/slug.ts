/**
 * @module core/slug
 * The one slug schema used for scenes, microgenres, artists and tastemakers.
 */
import { z } from 'zod';

/** Longest slug accepted anywhere. */
export const MAX_SLUG_LENGTH = 128;

/**
 * Lowercase letters and digits in hyphen-separated groups. The length cap is checked before the
 * pattern, and the pattern has no nested quantifier that can backtrack, so matching is linear.
 */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Message used when a slug does not match {@link SLUG_PATTERN} (the seed's wording). */
export const SLUG_MESSAGE = 'Slug must contain only lowercase letters, numbers, and hyphens';

/**
 * Zod schema for a slug: 1-128 characters, `^[a-z0-9]+(?:-[a-z0-9]+)*$`.
 * @example
 * ```ts
 * SlugSchema.parse('indie-uk-brighton'); // ok
 * SlugSchema.safeParse('invalid-slug-!!!').success; // false
 * ```
 */
export const SlugSchema = z
  .string()
  .min(1, 'Slug must not be empty')
  .max(MAX_SLUG_LENGTH, `Slug must be at most ${MAX_SLUG_LENGTH} characters`)
  .regex(SLUG_PATTERN, SLUG_MESSAGE);

/** A validated slug. */
export type Slug = z.infer<typeof SlugSchema>;

/** True if `value` is a valid slug (cheap; no allocation on failure). */
export function isSlug(value: unknown): value is Slug {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_SLUG_LENGTH && SLUG_PATTERN.test(value);
}

/**
 * Turns free text into a slug: lowercases, strips accents, joins word groups with hyphens.
 * Returns an empty string when nothing slug-worthy is left.
 * @example
 * ```ts
 * slugify('Brighton Indie'); // 'brighton-indie'
 * ```
 */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/g, '');
}
