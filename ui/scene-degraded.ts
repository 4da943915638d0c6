/**
 * @module ui/scene-degraded
 * What a scene pulse (or a list of them) says about its sources, as banner lines that name them.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { GlobalScenePulse, ScenePulseSnapshot, SceneBatchItem } from '../src/scenes/schemas.js';
import { isolated, num, sceneName, sourceLabel, when } from './words.js';

/** A ranking row's marks: `degraded` (a source missing) and `stale` (an earlier pulse served). */
export function pulseMarks(
  pulse: ScenePulseSnapshot,
  place: 'after' | 'before' = 'after',
): TemplateResult | typeof nothing {
  if (pulse.status !== 'degraded' && !pulse.stale) return nothing;
  // Spaced from the text they follow, or precede (where a long name after them is cut, not they).
  const [a, b] = place === 'after' ? [' ', ''] : ['', ' '];
  return html`${pulse.status === 'degraded' ? html`${a}<span class="pill" title="computed with a source failing or late">degraded</span>${b}` : nothing}${
    pulse.stale
      ? html`${a}<span class="pill" title=${`served from the pulse of ${when(pulse.asOf)}: ${pulse.stale.reason}`}>stale</span>${b}`
      : nothing
  }`;
}

/**
 * Per source, the failing reads behind `pulses`: one line per source with a problem; then one
 * line per pulse served from an earlier one (its `stale` mark), with why.
 */
export function failingSources(pulses: readonly ScenePulseSnapshot[]): string[] {
  const bySource = new Map<string, { timeout: number; error: number }>();
  for (const pulse of pulses) {
    for (const [source, counts] of Object.entries(pulse.sources ?? {})) {
      if (!counts) continue;
      const sum = bySource.get(source) ?? { timeout: 0, error: 0 };
      sum.timeout += counts.timeout;
      sum.error += counts.error;
      bySource.set(source, sum);
    }
  }
  const lines: string[] = [];
  for (const [source, c] of bySource) {
    const parts: string[] = [];
    if (c.error) parts.push(`${num(c.error)} member read${c.error === 1 ? '' : 's'} failed`);
    if (c.timeout) parts.push(`${num(c.timeout)} timed out`);
    // A source the host does not have is its configuration, not a failure: not listed here (the
    // explanation shows its signals as "no data").
    if (parts.length) lines.push(`${sourceLabel(source)}: ${parts.join(', ')}`);
  }
  if (pulses.some((p) => p.memberships_as_of === null))
    lines.push('Scene memberships were never computed: run a refresh so members are counted.');
  for (const p of pulses)
    if (p.stale)
      lines.push(
        `${isolated(sceneName(p.name, p.scene_slug))}: served from the pulse of ${when(p.asOf)}, as computing it failed at ${when(p.stale.at)} (${isolated(p.stale.reason)})`,
      );
  return lines;
}

/** Scenes served without a fresh pulse, by status, in words. */
export function unavailableLines(items: readonly SceneBatchItem[]): string[] {
  return items.map((item) => `${item.slug}: ${item.status}${item.message ? ` (${item.message})` : ''}`);
}

/** The banner lines of the global scene pulse: its notes, its summary counts, failing sources. */
export function globalPulseLines(pulse: GlobalScenePulse, shown: readonly ScenePulseSnapshot[]): string[] {
  const s = pulse.summary;
  const lines = [...pulse.notes];
  const counts: string[] = [];
  if (s.stale) counts.push(`${num(s.stale)} served from an earlier pulse`);
  if (s.timeout) counts.push(`${num(s.timeout)} timed out`);
  if (s.error) counts.push(`${num(s.error)} failed`);
  if (s.unavailable) counts.push(`${num(s.unavailable)} with unknown heat`);
  if (s.degraded) counts.push(`${num(s.degraded)} computed with a source failing or late`);
  if (counts.length) lines.push(`Of ${num(s.scenes)} scenes: ${counts.join(', ')}.`);
  return [...lines, ...failingSources(shown)];
}
