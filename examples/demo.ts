/**
 * `npm run demo`: builds the embedded demo world and shows what it holds, as of today, read
 * through the same source gateway the engines use.
 *
 *   npm run demo -- [--artists 300] [--seed 42] [--end YYYY-MM-DD]
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ArtistRecordSchema, ScenePulseSummarySchema, countOutcomes, createDeadline, createSourceGateway, dayOf, lastCompleteDay, type ItemOutcome } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const { values: args } = parseArgs({
  options: { artists: { type: 'string', default: '300' }, seed: { type: 'string', default: '42' }, end: { type: 'string' } },
});
const end = args.end ?? dayOf(Date.now());
const world = createDemoWorld({ artists: Number(args.artists), seed: Number(args.seed), end });
const asOf = new Date(`${end}T00:00:00.000Z`);
const gateway = createSourceGateway({ sources: world.sources });
const deadline = createDeadline(30_000);

const line = (title: string): void => console.log(`\n${title}\n${'-'.repeat(title.length)}`);
const spark = (xs: readonly (number | null)[]): string => {
  const vals = xs.map((x) => x ?? 0);
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  const bars = '▁▂▃▄▅▆▇█';
  return vals.map((v) => bars[hi === lo ? 0 : Math.round(((v - lo) / (hi - lo)) * 7)]).join('');
};
const ok = <T>(o: ItemOutcome<T> | undefined): T | undefined => (o?.status === 'ok' ? o.value : undefined);

console.log(`scene-radar demo world: seed ${world.info.seed}, ${world.info.artists} artists, ${world.info.start} .. ${world.info.end}, as of ${asOf.toISOString()}`);

line(`Catalog: ${world.catalog.scenes.length} scenes, ${world.catalog.microgenres.length} microgenres (Every Noise names)`);
for (const s of world.catalog.scenes.slice(0, 8)) console.log(`  ${s.slug.padEnd(32)} ${s.name.padEnd(26)} ${s.region}/${s.city ?? '-'}  [${s.microgenres.join(', ')}]`);
console.log(`  ... and ${world.catalog.scenes.length - 8} more`);

line('Ground truth (what a radar should find): careers and what happened to them');
console.table(world.truth.summary().byCareer);

// The universe, through MIG.
const PageSchema = z.object({ items: z.array(ArtistRecordSchema), nextCursor: z.string().nullable() });
type Page = z.infer<typeof PageSchema>;
const artists: Page['items'] = [];
let cursor: string | null = null;
do {
  const at: string | null = cursor;
  const page: Page | undefined = ok(await gateway.call('mig', 'listArtists', PageSchema, (mig, o) => mig.listArtists({ cursor: at, limit: 5_000 }, o), { asOf, deadline }));
  if (!page) break;
  artists.push(...page.items);
  cursor = page.nextCursor;
} while (cursor !== null);
line(`Artists known as of ${dayOf(asOf.getTime())}: ${artists.length}`);

// Pick a few artists with different careers to show.
const picks = artists
  .map((a) => ({ a, t: world.truth.artist(a.slug) }))
  .filter((x) => x.t)
  .reduce<Map<string, (typeof artists)[number]>>((m, x) => (m.has(x.t!.career) ? m : m.set(x.t!.career, x.a)), new Map());
const slugs = [...picks.values()].map((a) => a.slug);
const from = new Date(asOf.getTime() - 90 * 86_400_000);
const [networks, releases, campaigns, engagement, articles, events, coherence, memberships] = await Promise.all([
  gateway.batch('mig', 'getNetworks', slugs, { asOf, deadline }),
  gateway.batch('cmg', 'getReleases', slugs, { asOf, from: new Date(asOf.getTime() - 365 * 86_400_000), deadline }),
  gateway.batch('fusion', 'getCampaigns', slugs, { asOf, from, deadline }),
  gateway.batch('fusion', 'getEngagement', slugs, { asOf, from, deadline }),
  gateway.batch('coverage', 'getArticles', slugs, { asOf, from, deadline }),
  gateway.batch('rcf', 'getEvents', slugs, { asOf, from, deadline }),
  gateway.batch('identityKernel', 'getCoherence', slugs, { asOf, from, deadline }),
  gateway.batch('scenes', 'getMemberships', slugs, { asOf, deadline }),
]);

line('One artist per career, last 90 days (daily organic engagement as a sparkline)');
for (const [career, a] of picks) {
  const e = ok(engagement.get(a.slug));
  const n = ok(networks.get(a.slug));
  const m = ok(memberships.get(a.slug))?.[0];
  const t = world.truth.artist(a.slug)!;
  console.log(`\n  ${a.name} (${a.slug}), ${a.homeCity ?? '-'}/${a.homeRegion}, career: ${career}`);
  console.log(`    scene      ${m ? `${m.sceneSlug} (confidence ${m.confidence.toFixed(2)})` : '-'}`);
  console.log(`    engagement ${e ? spark(e.organic) : '-'}  last ${e?.organic.at(-1) ?? '-'} organic, ${e?.paid.at(-1) ?? '-'} paid`);
  console.log(`    network    ${n?.tastemakers.length ?? 0} tastemakers, ${n?.collaborators.length ?? 0} collaborators`);
  console.log(`    90 days    ${ok(articles.get(a.slug))?.length ?? 0} articles, ${ok(events.get(a.slug))?.length ?? 0} events, ${ok(campaigns.get(a.slug))?.length ?? 0} campaigns, ${ok(releases.get(a.slug))?.length ?? 0} releases in a year`);
  const c = ok(coherence.get(a.slug))?.values.filter((v): v is number => v !== null);
  console.log(`    identity   coherence ${c?.length ? (c.reduce((s, v) => s + v, 0) / c.length).toFixed(2) : '-'} (90-day mean)`);
  console.log(`    truth      broke out ${t.brokeOutOn ?? 'no'}, declined ${t.declinedOn ?? 'no'}, anomalies ${t.anomalies.length}`);
}

const hottest = ok(await gateway.call('scenes', 'listHottestScenes', z.array(ScenePulseSummarySchema), (s, o) => s.listHottestScenes({ limit: 5 }, o), { asOf, deadline }));
line('Hottest scenes (the demo ScenesAdapter, from the latent scene heat)');
for (const p of hottest ?? []) console.log(`  ${p.sceneSlug.padEnd(32)} heat ${p.heat.toFixed(1).padStart(5)}  growth ${(p.growth * 100).toFixed(1).padStart(6)}%  ${p.stage}`);

const all = [networks, releases, campaigns, engagement, articles, events, coherence, memberships].flatMap((m) => [...m.values()]);
line('Source outcomes for this demo run');
console.log(`  ${JSON.stringify(countOutcomes(all))}; daily series end at ${lastCompleteDay(asOf.getTime())} (the last complete day)`);
deadline.dispose();
gateway.close();
