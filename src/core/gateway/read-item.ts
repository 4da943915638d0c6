/**
 * @module core/gateway/read-item
 * What the gateway makes of one key's raw answer: its size read before anything is parsed, the
 * schema (through the payload shortcuts), the sanity bounds, then each observation once. One
 * function, used by the gateway for every key and by the benchmark that prices it.
 */
import type { z } from 'zod';
import type { PayloadBounds } from '../../config.js';
import { canonicalObservations, forKey, oversize, outOfBounds } from './bounds.js';
import { parseEngagementWithin, parsePayload } from './fast-parse.js';

/** A key's answer, validated, or why it is not. */
export type ItemRead =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problem: string };

/** The first three issues of a Zod error, `path: message`, for an outcome's message. */
function summarizeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`)
    .join('; ');
}

/**
 * Validates `raw`, the answer of `method` (`source.method`) for one key, as of `asOfMs` (and, given
 * `key`, checks that it is about that key: `forKey`), and puts it in the SDK's one form, trimmed
 * to the read's window start `fromMs` when given (`canonicalObservations`). May throw
 * if the answer throws when read (a getter, a revoked Proxy): the caller makes that an
 * invalid payload too.
 */
export function readItem(
  method: string,
  schema: z.ZodType,
  raw: unknown,
  asOfMs: number,
  bounds: PayloadBounds,
  key?: string,
  fromMs?: number,
): ItemRead {
  const tooBig = oversize(method, raw, bounds);
  if (tooBig) return { ok: false, problem: tooBig };
  // Engagement (every member of every scene pulse): values and their ceiling in the parse's one pass.
  const within = method === 'fusion.getEngagement' ? parseEngagementWithin(raw, bounds.maxDailyEngagement) : undefined;
  const parsed = within !== undefined ? { success: true as const, data: within } : parsePayload(schema, raw);
  if (!parsed.success) return { ok: false, problem: summarizeIssues(parsed.error) };
  // Again on what was parsed (lengths only): a getter that answered short when measured first
  // must not pass a longer list.
  const grown = oversize(method, parsed.data, bounds);
  if (grown) return { ok: false, problem: grown };
  const problem = outOfBounds(method, parsed.data, asOfMs, bounds, within !== undefined);
  if (problem !== undefined) return { ok: false, problem };
  const value = canonicalObservations(method, parsed.data, fromMs);
  if (key === undefined) return { ok: true, value };
  const keyed = forKey(method, value, key);
  return keyed.problem === undefined ? { ok: true, value: keyed.value } : { ok: false, problem: keyed.problem };
}
