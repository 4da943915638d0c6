/**
 * @module cli/demo
 * `scene-radar demo`: the embedded demo world through both engines, as of its last day, printed
 * as a music company would read it (what `npm run demo` shows, in brief): the hottest scenes, the
 * Talent Radar's global pulse, and one artist's profile with the explanation of each score.
 */
import { isSceneRadarError } from '../core/errors.js';
import type { SceneRadar } from '../radar.js';
import type { GlobalPulse, PulseArtist } from '../talent/schemas.js';
import type { CliIo } from './io.js';
import type { OpenedRadar } from './open-radar.js';
import { oneLine } from '../core/text.js';
import { refreshLines } from './report.js';

const pad = (s: string | number, n: number): string => String(s).padEnd(n);
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;

/**
 * An artist to show as an example (the demo's profile, `serve`'s curl line): the first of the
 * pulse's lists, else the strongest scene member, whose profile any radar over its sources can
 * build; undefined when the radar knows no artist. The pulse's lists apply thresholds, so a small
 * world may have nobody in them.
 */
export async function exampleArtist(radar: SceneRadar, pulse: GlobalPulse): Promise<string | undefined> {
  const listed =
    pulse.topBreakoutCandidates[0]?.artist_slug ??
    pulse.topRisingArtists[0]?.artist_slug ??
    pulse.artistsAtRisk[0]?.artist_slug;
  if (listed !== undefined) return listed;
  const members = await radar.scenes.listMemberships({ limit: 1 }).catch(() => null);
  return members?.items[0]?.artist_slug;
}

/** Prints the demo report of an opened (and refreshed) radar. */
export async function printDemo(opened: OpenedRadar, io: CliIo): Promise<void> {
  const { radar } = opened;
  io.out(`scene-radar demo: ${opened.title}; tables ${opened.tables}`);
  for (const line of refreshLines(opened.refresh)) io.out(line);

  const global = await radar.scenes.pulse.getGlobalPulse({ limit: 8 });
  io.out('');
  const g = global.summary;
  io.out(
    `Hottest scenes (${g.ok} of ${g.scenes} computed${g.degraded ? `, ${g.degraded} with a source failing` : ''})`,
  );
  io.out(`  ${pad('scene', 40)} ${pad('heat', 6)} ${pad('growth', 7)} ${pad('stage', 9)} members`);
  // A heat computed with a source failing, or a last good one served stale, says so on its row.
  for (const p of global.hottest)
    io.out(
      `  ${pad(p.scene_slug, 40)} ${pad(p.heat.toFixed(1), 6)} ${pad(pct(p.growth), 7)} ${pad(p.stage, 9)} ${p.total_members}${p.status === 'ok' ? '' : ` (${p.status})`}`,
    );
  for (const note of global.notes) io.out(`  note: ${note}`);

  const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 5 });
  const s = pulse.summary;
  io.out('');
  io.out(
    `Talent Radar: ${s.totalArtistsTracked} artists tracked, average momentum ${s.avgMomentum}, ${s.highBreakoutCount} high breakout, ${s.highRiskCount} high risk`,
  );
  const list = (title: string, artists: readonly PulseArtist[]): void => {
    io.out(`  ${title}`);
    for (const a of artists)
      io.out(
        `    ${pad(a.artist_slug, 28)} momentum ${pad(a.momentum.toFixed(1), 5)} breakout ${a.breakout_score.toFixed(2)} risk ${a.risk_score.toFixed(2)} ${a.scene_slug ?? ''}`,
      );
  };
  list('Top rising', pulse.topRisingArtists);
  list('Breakout candidates', pulse.topBreakoutCandidates);
  list('At risk', pulse.artistsAtRisk);
  for (const note of pulse.meta.degraded) io.out(`  note: ${note}`);

  const slug = await exampleArtist(radar, pulse);
  if (slug === undefined) return;
  // A scene member found as the example may have no activity evidence yet: then no profile is
  // shown. Its sources failing or late: the report says so and ends (a failing source never fails the demo).
  const profile = await radar.talent.aggregator.buildArtistProfile(slug).catch((e: unknown) => {
    if (isSceneRadarError(e) && e.code === 'TALENT_INSUFFICIENT_DATA') return null;
    if (isSceneRadarError(e) && (e.code === 'SOURCES_UNAVAILABLE' || e.code === 'TALENT_TIMEOUT')) {
      io.out('');
      io.out(`Artist profile: ${slug}: unavailable, its sources failed (${e.code}: ${e.message})`);
      return null;
    }
    throw e;
  });
  if (profile === null) return;
  const a = profile.artist;
  io.out('');
  io.out(`Artist profile: ${slug}`);
  io.out(
    `  momentum ${a.momentum} (${profile.trajectory.momentum}), breakout ${a.breakout_score} (${profile.trajectory.breakoutPotential}), risk ${a.risk_score} (${profile.trajectory.riskLevel}); confidence ${a.confidence}`,
  );
  // The reads of this profile (made now) that failed: its numbers were computed without them.
  const failed = Object.entries(profile.explanation.sources).filter(
    ([, o]) => o.status === 'error' || o.status === 'timeout',
  );
  const sound = profile.explanation.similarSound;
  for (const [read, o] of failed)
    io.out(
      `  note: ${read} read ${o.status === 'timeout' ? 'timed out' : 'failed'}${o.reason ? ` (${oneLine(o.reason)})` : ''}: the scores are computed without it`,
    );
  if (sound && (sound.status === 'error' || sound.status === 'timeout'))
    io.out(
      `  note: similar artists' sound read ${sound.status === 'timeout' ? 'timed out' : 'failed'}${sound.reason ? ` (${oneLine(sound.reason)})` : ''}: their similarity leaves the sound out`,
    );
  // A signal without evidence has no contribution to show (n/a), not a contribution of 0.
  for (const e of profile.explanation.breakout.signals.slice(0, 6))
    io.out(
      `    ${pad(e.signal, 24)} ${pad(e.source, 20)} ${e.normalized === null ? 'n/a' : `${e.contribution >= 0 ? '+' : ''}${e.contribution.toFixed(3)} log-odds`}`,
    );
  io.out(`  opportunities: ${profile.opportunities.map((o) => `${o.type} ${o.score}`).join(', ') || 'none'}`);
  io.out(`  risks: ${profile.risks.map((o) => `${o.type} ${o.score}`).join(', ') || 'none'}`);
}
