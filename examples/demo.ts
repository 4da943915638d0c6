/**
 * `npm run demo`: builds the embedded demo world, runs the Scenes Engine and the Talent Radar over
 * it as of today and prints what a music company would look at: the hottest scenes, one region's
 * pulse, one scene's 90-day trend with the reasons behind its heat, the Talent Radar's global
 * pulse, one artist's profile with the explanation of each score, and the raw sources behind a
 * few artists. The tables live in memory, or in PostgreSQL with `--postgres <url>` (migrated at
 * start, in the schema `--schema` names, `public` by default; docs/persistence.md).
 *
 *   npm run demo -- [--artists 300] [--seed 42] [--end YYYY-MM-DD] [--region uk] [--scene <slug>] [--artist <slug>]
 *                   [--postgres postgres://user@host:5432/database [--schema <name>]] [--help]
 * A mistake on the command line (a bad number, an unknown scene, artist or region) exits 2 with the usage;
 * a failure while it runs (a refresh or a store that fails) exits 1 with one line naming the step, the
 * message and the error code (the stack too with SCENE_RADAR_DEBUG=1).
 */
import { parseArgs } from 'node:util';
import {
  createSceneRadar,
  fixedClock,
  isSceneRadarError,
  type PulseArtist,
  type ScenePulseSnapshot,
} from 'scene-radar';
import type { SignalContribution } from 'scene-radar/schemas';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { describeDemoTables, openDemoStores } from './demo-radar.js';

const DAY_MS = 86_400_000;
/** `YYYY-MM-DD` of an instant, in UTC. */
const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
/** The day `days` after `day` (`YYYY-MM-DD`). */
const addDays = (day: string, days: number): string => dayOf(Date.parse(`${day}T00:00:00.000Z`) + days * DAY_MS);

const USAGE =
  'usage: npm run demo -- [--artists <1-100000>] [--seed <integer>] [--end YYYY-MM-DD] [--region <code>] [--scene <slug>] [--artist <slug>] [--postgres <url> [--schema <name>]]';
/** A mistake on the command line: printed with the usage, exit 2 (no stack trace). */
const usage = (message: string): never => {
  console.error(`demo: ${message}\n${USAGE}`);
  process.exit(2);
};
/** The step the demo is at, for the line a failure prints. */
let step = 'starting';
/**
 * A failure while the demo runs: one line naming the step, the message and the code of a
 * SceneRadarError, exit 1; the stack only with SCENE_RADAR_DEBUG set (the CLI's switch).
 */
const failed = (error: unknown): never => {
  const message = error instanceof Error ? error.message : String(error);
  const code = isSceneRadarError(error) ? ` (${error.code})` : '';
  console.error(`demo: ${step} failed: ${message}${code}`);
  if (process.env.SCENE_RADAR_DEBUG && error instanceof Error && error.stack) console.error(error.stack);
  process.exit(1);
};
// Everything below runs at the top level: a rejection there would print Node's stack trace.
process.on('uncaughtException', failed);
process.on('unhandledRejection', failed);
const options = {
  artists: { type: 'string', default: '300' },
  seed: { type: 'string', default: '42' },
  end: { type: 'string' },
  region: { type: 'string', default: 'uk' },
  scene: { type: 'string' },
  artist: { type: 'string' },
  postgres: { type: 'string' },
  schema: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
let parsed: ReturnType<typeof parseArgs<{ options: typeof options }>>;
try {
  parsed = parseArgs({ options });
} catch (error) {
  parsed = usage(error instanceof Error ? error.message : String(error));
}
const args = parsed.values;
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
if (args.schema !== undefined && args.postgres === undefined)
  usage('--schema needs --postgres <url> (the tables are in memory without it)');
if (!/^\d+$/.test(args.artists) || Number(args.artists) < 1 || Number(args.artists) > 100_000)
  usage(`--artists must be an integer from 1 to 100000, got ${JSON.stringify(args.artists)}`);
if (!/^-?\d+$/.test(args.seed) || !Number.isSafeInteger(Number(args.seed)))
  usage(`--seed must be an integer, got ${JSON.stringify(args.seed)}`);
if (args.end !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(args.end))
  usage(`--end must be a day, YYYY-MM-DD, got ${JSON.stringify(args.end)}`);
// Years 1000-9999, as every instant the engines take (`scene-radar demo` says the same).
if (args.end?.startsWith('0')) usage(`--end must be a day in the years 1000-9999, got ${JSON.stringify(args.end)}`);
const end = args.end ?? dayOf(Date.now());
let world: ReturnType<typeof createDemoWorld>;
try {
  world = createDemoWorld({ artists: Number(args.artists), seed: Number(args.seed), end });
} catch (error) {
  // An impossible day (2026-02-30), or one the demo world refuses: its message names the field.
  world = usage(error instanceof Error ? error.message : String(error));
}
// A region, scene or artist the world does not have is a mistake on the command line, said before any work.
const regions = [...new Set(world.catalog.scenes.map((sc) => sc.region))].sort();
if (!regions.includes(args.region))
  usage(`--region ${args.region} has no scenes; the demo world's regions: ${regions.join(', ')}`);
if (args.scene !== undefined && !world.catalog.scenes.some((sc) => sc.slug === args.scene))
  usage(`--scene ${args.scene} is not a scene of the demo world (e.g. ${world.catalog.scenes[0]?.slug})`);
if (args.artist !== undefined && !world.dataset.artistSlugs().includes(args.artist))
  usage(`--artist ${args.artist} is not an artist of this demo world (e.g. ${world.dataset.artistSlugs()[0]})`);
const asOf = new Date(`${end}T00:00:00.000Z`);
const clock = fixedClock(asOf);

const line = (title: string): void => console.log(`\n${title}\n${'-'.repeat(title.length)}`);
// A value not known (null: no data that day) is a gap, not the lowest bar.
const spark = (xs: readonly (number | null)[]): string => {
  const known = xs.filter((x): x is number => x !== null);
  const lo = Math.min(...known);
  const hi = Math.max(...known);
  return xs
    .map((v) => (v === null ? ' ' : '▁▂▃▄▅▆▇█'[hi === lo ? 0 : Math.round(((v - lo) / (hi - lo)) * 7)]))
    .join('');
};
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;
const row = (p: ScenePulseSnapshot) => ({
  scene: p.scene_slug,
  heat: p.heat.toFixed(1),
  growth: pct(p.growth),
  stage: p.stage,
  members: p.total_members,
  rising: p.rising_members,
  confidence: p.confidence.toFixed(2),
});

console.log(
  `scene-radar demo: seed ${world.info.seed}, ${world.info.artists} artists, history ${world.info.start} .. ${world.info.end}, as of ${asOf.toISOString()}`,
);
console.log(
  `catalog: ${world.catalog.scenes.length} scenes and ${world.catalog.microgenres.length} microgenres with real Every Noise names (e.g. ${world.catalog.scenes
    .slice(0, 3)
    .map((s) => s.slug)
    .join(', ')})`,
);

// The owned tables: in memory, or in PostgreSQL with --postgres (migrated now, so a server that
// cannot be reached fails here, before any work).
const stores =
  args.postgres === undefined
    ? undefined
    : await openDemoStores({ url: args.postgres, schema: args.schema }).catch((error: unknown) => {
        console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      });
if (stores && args.postgres !== undefined) console.log(`tables: ${describeDemoTables(args.postgres, stores.schema)}`);

line('Ground truth of the demo world: careers, and what happened to them');
console.table(world.truth.summary().byCareer);

// Both engines, over the world's sources.
step = 'importing the catalog';
const radar = createSceneRadar({ sources: world.sources, clock, ...(stores ? { stores } : {}) });
await radar.scenes.importCatalog(world.catalog);
step = 'refreshing the radar';
let t0 = performance.now();
const refresh = await radar.refresh();
const refreshMs = performance.now() - t0;
step = 'backfilling the scene trends';
t0 = performance.now();
const backfill = await radar.scenes.backfillTrends({ from: addDays(end, -90), to: addDays(end, -1) });
console.log(
  `\nScenes Engine: ${refresh.scenes.memberships.memberships} memberships of ${refresh.scenes.memberships.artists} artists, ${refresh.scenes.relationships} relationships (refresh ${refreshMs.toFixed(0)} ms); ` +
    `${backfill.snapshots} daily snapshots backfilled over ${backfill.days} days (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
);
console.log(
  `Talent Radar: ${refresh.talent.scored} of ${refresh.talent.artists} artists scored (${refresh.talent.insufficient} without enough evidence) in ${refresh.talent.durationMs} ms; source reads ${JSON.stringify(refresh.talent.reads)}`,
);

step = 'reading the scenes';
const global = await radar.scenes.pulse.getGlobalPulse({ limit: 8 });
line(`Hottest scenes (${global.summary.ok} of ${global.summary.scenes} scenes computed)`);
console.table(global.hottest.map(row));
line('Cooling fastest');
console.table(global.cooling.slice(0, 4).map(row));

const regional = await radar.scenes.pulse.getRegionalPulse(args.region, { limit: 5 });
line(`Region ${args.region}: its scenes ranked by heat`);
console.table(regional.scenes.map(row));

const hottest = global.hottest[0];
if (args.scene === undefined && hottest === undefined)
  throw new Error(
    `no scene pulse could be computed (${global.summary.scenes} scenes: ${global.summary.error} failed, ${global.summary.timeout} timed out, ${global.summary.unavailable} unavailable); the source reads above say why`,
  );
const focus = args.scene ?? hottest!.scene_slug;
const pulse = await radar.scenes.pulse.getScenePulse(focus);
const trend = await radar.scenes.getSceneTrends(focus, { days: 90 });
line(`${pulse.name} (${focus}): 90-day trend of heat`);
console.log(`  ${spark(trend.series.map((r) => r.heat))}`);
if (trend.summary)
  console.log(
    `  change ${trend.summary.change >= 0 ? '+' : ''}${trend.summary.change} points, slope ${trend.summary.slope} a day, peak ${trend.summary.peak.heat} on ${trend.summary.peak.day}`,
  );
console.log(
  `  now: heat ${pulse.heat} (${pulse.stage}, ${pct(pulse.growth)} on the previous 30 days), confidence ${pulse.confidence}, ${pulse.active_members} active members, ${pulse.rising_members} rising, ${pulse.new_members} new`,
);
console.log('  what drove the heat:');
for (const e of pulse.explanation)
  console.log(
    `    ${e.signal.padEnd(20)} raw ${String(e.raw).padEnd(8)} normalised ${e.normalized.toFixed(2)} x weight ${e.weight.toFixed(2)} = ${e.contribution.toFixed(1)} points  (${e.source}: ${e.unit})`,
  );
console.log('  who drives it:');
for (const a of pulse.top_artists.slice(0, 5))
  console.log(`    ${a.artist_slug.padEnd(26)} ${a.reason} (membership ${a.confidence.toFixed(2)})`);
console.log(
  `  sound: ${pulse.microgenre_mix
    .slice(0, 5)
    .map((m) => `${m.microgenre} ${(m.share * 100).toFixed(0)}%`)
    .join(', ')}`,
);
console.log(
  `  tastemakers: ${pulse.tastemaker_activity.new_links} new links (${pulse.tastemaker_activity.previous_new_links} the 30 days before); ${pulse.campaign_activity.campaigning_members} members campaigning, paid share ${(pulse.campaign_activity.paid_share * 100).toFixed(0)}%`,
);
const related = await radar.scenes.getRelatedScenes(focus, { limit: 3 });
console.log(
  `  related: ${related.map((r) => `${r.scene_slug} (${r.links.map((l) => l.type).join(', ')})`).join('; ')}`,
);
const recs = await radar.scenes.recommendScenes({ limit: 3 });
console.log(`  worth watching: ${recs.items.map((r) => `${r.scene_slug} (${r.reasons.join(', ')})`).join('; ')}`);

// The Talent Radar: global pulse and one artist's profile, next to the demo world's ground truth.
step = 'reading the Talent Radar';
const talentPulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 8 });
const truthOf = (slug: string): string => {
  const tr = world.truth.artist(slug);
  if (!tr) return '-';
  return `${tr.career}${tr.brokeOutOn ? `, broke out ${tr.brokeOutOn}` : ''}${tr.declinedOn ? `, declined ${tr.declinedOn}` : ''}${tr.anomalies.length ? ', bought engagement' : ''}`;
};
const artistRow = (a: PulseArtist) => ({
  artist: a.artist_slug,
  momentum: a.momentum.toFixed(1),
  breakout: a.breakout_score.toFixed(2),
  risk: a.risk_score.toFixed(2),
  scene: a.scene_slug ?? '-',
  'truth (not seen by the radar)': truthOf(a.artist_slug),
});
const s = talentPulse.summary;
line(
  `Talent Radar global pulse: ${s.totalArtistsTracked} artists tracked, average momentum ${s.avgMomentum}, ${s.highBreakoutCount} high breakout, ${s.highRiskCount} high risk`,
);
console.log('Top rising artists');
console.table(talentPulse.topRisingArtists.map(artistRow));
console.log('Top breakout candidates');
if (talentPulse.topBreakoutCandidates.length) console.table(talentPulse.topBreakoutCandidates.map(artistRow));
else
  console.log(
    `  none at or above the medium band (breakout_score >= ${radar.config.talent.thresholds.breakout.medium}, config.talent.thresholds.breakout.medium): a breakthrough within the model's six months is rare (a few percent of artists on the charts it was fitted on), so its probabilities seldom reach the band; the rising and at-risk tables show their artists' breakout_score`,
  );
console.log('Artists at risk');
console.table(talentPulse.artistsAtRisk.map(artistRow));
console.log(
  `Hottest scenes (from the Scenes Engine): ${talentPulse.hottestScenes.map((h) => `${h.scene_slug} ${h.heat.toFixed(0)}`).join(', ')}`,
);
if (talentPulse.meta.degraded.length) console.log(`degraded: ${talentPulse.meta.degraded.join('; ')}`);

// A small world may have no rising artist (`--artists 1`): then the world's first.
const profileSlug =
  args.artist ??
  talentPulse.topBreakoutCandidates[0]?.artist_slug ??
  talentPulse.topRisingArtists[0]?.artist_slug ??
  world.dataset.artistSlugs()[0]!;
const profile = await radar.talent.aggregator.buildArtistProfile(profileSlug);
const a = profile.artist;
line(`Artist profile: ${profileSlug} (truth: ${truthOf(profileSlug)})`);
console.log(
  `  scene ${a.scene_slug ?? '-'} (${a.metadata.sceneConfidence.toFixed(2)}), microgenres ${a.microgenres.join(', ') || '-'}`,
);
console.log(
  `  momentum ${a.momentum} (${profile.trajectory.momentum}), breakout ${a.breakout_score} (${profile.trajectory.breakoutPotential}), risk ${a.risk_score} (${profile.trajectory.riskLevel}); confidence ${a.confidence}, model ${a.model_version}`,
);
console.log(
  `  creative shift ${a.creative_shift}, press ${a.coverage_velocity}/week at quality ${a.press_quality}, connectivity ${a.mig_connectivity}, ${a.metadata.tastemakerConnections} tastemakers, ${a.metadata.campaignCount} campaigns`,
);
const explain = (title: string, rows: readonly SignalContribution[], unit: string): void => {
  console.log(`  ${title}`);
  for (const e of rows) {
    const raw = e.raw === null ? 'n/a' : Number.isInteger(e.raw) ? String(e.raw) : e.raw.toFixed(3);
    const norm = e.normalized === null ? 'n/a' : e.normalized.toFixed(2);
    console.log(
      `    ${e.signal.padEnd(24)} ${e.source.padEnd(22)} raw ${raw.padEnd(10)} normalised ${norm.padEnd(6)} x ${e.weight.toFixed(2).padStart(5)} = ${e.contribution >= 0 ? '+' : ''}${e.contribution.toFixed(3)} ${unit}`,
    );
  }
};
const ex = profile.explanation;
explain(
  `momentum ${ex.momentum.score}: 100 x logistic(sum), peers from the ${ex.momentum.peers}`,
  ex.momentum.signals,
  'z',
);
explain(
  `breakout ${ex.breakout.score}: P(${ex.breakout.event}) within ${ex.breakout.horizonDays} days = logistic(${ex.breakout.intercept} + sum)`,
  ex.breakout.signals,
  'log-odds',
);
explain(
  `risk ${ex.risk.score}: noisy-OR of severity x component; contributions add up to the score`,
  ex.risk.signals,
  'of risk',
);
console.log(
  `  opportunities: ${profile.opportunities.map((o) => `${o.type} ${o.score} (${o.description})`).join('; ') || 'none'}`,
);
console.log(`  risks: ${profile.risks.map((o) => `${o.type} ${o.score} (${o.description})`).join('; ') || 'none'}`);
console.log(
  `  similar: ${profile.similarArtists.map((x) => `${x.artist_slug} ${x.similarity} [${x.reasons.join('; ')}]`).join(' | ') || 'none'}`,
);

// The raw observations behind it: one artist per career, read from the sources themselves.
step = 'reading the sources';
const members = (await radar.scenes.listMemberships({ sceneSlug: focus, limit: 200 })).items.map((m) => m.artist_slug);
const picks = new Map<string, string>();
for (const slug of [...members, ...world.dataset.artistSlugs()]) {
  const career = world.truth.artist(slug)?.career;
  if (career && !picks.has(career)) picks.set(career, slug);
}
const slugs = [...picks.values()];
const from = new Date(asOf.getTime() - 90 * DAY_MS);
const { fusion, mig, coverage } = world.sources;
const signal = AbortSignal.timeout(30_000);
const [engagement, networks, articles] = await Promise.all([
  fusion.getEngagement(slugs, { asOf, from, signal }),
  mig.getNetworks(slugs, { asOf, signal }),
  coverage.getArticles(slugs, { asOf, from, signal }),
]);
line('Raw sources behind one artist per career (last 90 days of organic engagement)');
for (const [career, slug] of picks) {
  const e = engagement.get(slug);
  const tr = world.truth.artist(slug)!;
  const outcome = tr.brokeOutOn
    ? `broke out ${tr.brokeOutOn}`
    : tr.declinedOn
      ? `declined ${tr.declinedOn}`
      : tr.anomalies.length
        ? `${tr.anomalies.length} bought-engagement window(s)`
        : 'no breakout, no decline';
  console.log(
    `  ${career.padEnd(18)} ${slug.padEnd(26)} ${e ? spark(e.organic) : '-'}  ${networks.get(slug)?.tastemakers.length ?? 0} tastemakers, ${articles.get(slug)?.length ?? 0} articles; truth: ${outcome}`,
  );
}
step = 'closing the radar';
await radar.close();
// The pool the PostgreSQL stores opened: the process would otherwise wait on its idle connections.
await stores?.close();
