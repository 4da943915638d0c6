/**
 * @module core/region
 * Region codes as the engines compare them.
 */
import { UNKNOWN_REGION } from '../contracts/payloads.js';

/**
 * The region a code names, as the engines compare codes: trimmed and lowercase (`' UK'` is `uk`);
 * undefined for no region (null, empty, or the {@link UNKNOWN_REGION} placeholder).
 * The engines' one rule for region codes (memberships' place, workspace fit, event breadth and spread).
 */
export function regionKey(region: string | null | undefined): string | undefined {
  if (typeof region !== 'string') return undefined;
  const code = region.trim().toLowerCase();
  return code === '' || code === UNKNOWN_REGION ? undefined : code;
}
