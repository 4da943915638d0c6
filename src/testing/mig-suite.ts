/**
 * @module testing/mig-suite
 * Conformance suite for {@link MIGAdapter}: artist records and networks as batch reads, plus the
 * paged walk of the artist universe.
 */
import { ArtistRecordSchema, type ArtistRecord } from '../contracts/payloads.js';
import { BATCH_METHODS } from '../contracts/registry.js';
import type { MIGAdapter } from '../contracts/sources.js';
import { dayNotOver, firstProblem, instantAfter, missingId } from './as-of.js';
import { DAY_MS, dayStart, observedAtMs } from '../core/time.js';
import { batchMethodCases } from './batch-cases.js';
import {
  attempt,
  expectAbortRejects,
  latestOf,
  liveSignal,
  prepareSource,
  surfaceCase,
  violation,
  type SourceSuiteOptions,
} from './source-kit.js';
import type { ContractCase } from './suite.js';
import { show } from './violation.js';

const C = 'mig.listArtists';
/** Small on purpose: several pages even for a handful of artists. */
const PAGE = 2;
/** A walk longer than this is taken to never end. */
const MAX_PAGES = 100_000;

/** The first record known only after `asOf`: first seen after it, or a debut day not over at it. */
function recordAfter(records: readonly ArtistRecord[], asOf: Date): string | undefined {
  return firstProblem(
    instantAfter(
      records,
      (r) => `artist ${r.slug} (firstSeen)`,
      (r) => r.firstSeen,
      asOf,
    ),
    dayNotOver(
      records,
      (r) => `artist ${r.slug} (debut)`,
      (r) => r.debut,
      asOf,
    ),
  );
}

/** When a record is known: first seen, and its debut day over. */
function recordKnownAt(r: ArtistRecord): number {
  const seen = observedAtMs(r.firstSeen);
  return r.debut == null ? seen : Math.max(seen, dayStart(r.debut) + DAY_MS);
}

/** Walks every page of `listArtists`, checking each page on the way. */
async function walk(mig: MIGAdapter, asOf: Date, limit: number): Promise<ArtistRecord[]> {
  const out: ArtistRecord[] = [];
  const cursors = new Set<string>();
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = cursor === null ? { limit } : { cursor, limit };
    const res: unknown = await attempt(C, `resolve for ${show(query)}`, () =>
      mig.listArtists(query, { asOf, signal: liveSignal() }),
    );
    const { items, nextCursor } = (res ?? {}) as { items?: unknown; nextCursor?: unknown };
    if (!Array.isArray(items) || !(nextCursor === null || typeof nextCursor === 'string')) {
      throw violation(
        C,
        'resolve to { items: ArtistRecord[], nextCursor: string | null }',
        `it resolved to ${show(res)}`,
      );
    }
    if (items.length > limit)
      throw violation(C, 'return at most `limit` artists per page', `limit ${limit} gave ${items.length}`);
    for (const item of items) {
      const parsed = ArtistRecordSchema.safeParse(item);
      if (!parsed.success)
        throw violation(
          C,
          'list artist records that match the schema',
          `${show(item)} is invalid: ${parsed.error.issues[0]?.message ?? ''}`,
        );
      out.push(parsed.data);
    }
    if (nextCursor === null) return out;
    if (cursors.has(nextCursor))
      throw violation(C, 'move forward with every cursor', `cursor ${show(nextCursor)} came back twice`);
    cursors.add(nextCursor);
    cursor = nextCursor;
  }
  throw violation(C, 'reach a last page (nextCursor null)', `it was still paging after ${MAX_PAGES} pages`);
}

/**
 * Conformance cases for a {@link MIGAdapter}.
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { migContractSuite, registerContractSuite } from 'scene-radar/testing';
 *
 * registerContractSuite('postgres MIG', migContractSuite({
 *   create: () => createPgMig(pool),
 *   knownKeys: ['artist-a', 'artist-b'],
 *   unknownKey: 'artist-first-seen-next-year',
 *   asOf: new Date('2026-03-01T00:00:00Z'),
 *   earlierAsOf: new Date('2025-12-01T00:00:00Z'),
 *   from: new Date('2025-01-01T00:00:00Z'),
 * }), { describe, it });
 * ```
 */
export function migContractSuite(options: SourceSuiteOptions<MIGAdapter>): ContractCase[] {
  const { env, knownKeys, unknownKey } = prepareSource('migContractSuite', options);
  const create = async (): Promise<MIGAdapter> => attempt('mig', 'be created by options.create', env.create);
  return [
    surfaceCase('mig', ['listArtists', 'getArtists', 'getNetworks'], env),
    ...batchMethodCases(
      {
        contract: 'mig.getArtists',
        schema: BATCH_METHODS.mig.getArtists,
        invoke: (a, keys, o) => a.getArtists(keys, o),
        knownKeys,
        unknownKey,
        rules: [
          {
            requirement: 'return under each key the record of that artist',
            problem: (key, r) => (r.slug === key ? undefined : `the record's slug is ${r.slug}`),
          },
        ],
        asOfProblem: (r, asOf) => recordAfter([r], asOf),
        knownAt: recordKnownAt,
        monotoneProblem: () => undefined,
      },
      env,
    ),
    ...batchMethodCases(
      {
        contract: 'mig.getNetworks',
        schema: BATCH_METHODS.mig.getNetworks,
        invoke: (a, keys, o) => a.getNetworks(keys, o),
        knownKeys,
        unknownKey,
        asOfProblem: (n, asOf) =>
          firstProblem(
            instantAfter(
              n.tastemakers,
              (l) => `the link to tastemaker ${l.tastemaker}`,
              (l) => l.since,
              asOf,
            ),
            instantAfter(
              n.collaborators,
              (l) => `the link to collaborator ${l.artist}`,
              (l) => l.since,
              asOf,
            ),
          ),
        knownAt: (n) => latestOf([...n.tastemakers, ...n.collaborators], (l) => observedAtMs(l.since)),
        monotoneProblem: (e, l) =>
          firstProblem(
            missingId(
              'tastemaker link',
              e.tastemakers.map((t) => `${t.kind}:${t.tastemaker}`),
              l.tastemakers.map((t) => `${t.kind}:${t.tastemaker}`),
            ),
            missingId(
              'collaborator',
              e.collaborators.map((t) => t.artist),
              l.collaborators.map((t) => t.artist),
            ),
          ),
      },
      env,
    ),
    {
      name: 'listArtists: pages through every artist exactly once, in a stable order',
      async run() {
        const mig = await create();
        const small = (await walk(mig, env.asOf, PAGE)).map((r) => r.slug);
        const dup = small.find((s, i) => small.indexOf(s) !== i);
        if (dup !== undefined) throw violation(C, 'list every artist exactly once', `${dup} was listed twice`);
        const again = (await walk(mig, env.asOf, PAGE)).map((r) => r.slug);
        const big = (await walk(mig, env.asOf, 10_000)).map((r) => r.slug);
        if (again.join('\n') !== small.join('\n'))
          throw violation(
            C,
            'list artists in a stable order',
            'two walks with the same page size gave different orders',
          );
        if (big.join('\n') !== small.join('\n'))
          throw violation(
            C,
            'list artists in a stable order whatever the page size',
            `pages of ${PAGE} and of 10000 gave different sequences`,
          );
        const missing = (await knownKeys()).filter((k) => !small.includes(k));
        if (missing.length > 0)
          throw violation(C, 'list every artist known at asOf', `these known keys are missing: ${show(missing)}`);
      },
    },
    {
      name: 'listArtists: lists only artists first seen by asOf',
      async run() {
        const mig = await create();
        let latest: number | undefined;
        for (const asOf of [env.asOf, env.earlierAsOf]) {
          const records = await walk(mig, asOf, PAGE);
          const problem = recordAfter(records, asOf);
          if (problem) throw violation(C, 'list only artists first seen by asOf', problem);
          if (asOf === env.asOf) latest = latestOf(records, recordKnownAt);
        }
        // Again 1 ms before the latest record listed became known: a source that reads even a
        // little past asOf then lists it, whatever the host's data looks like (as the batch cases).
        if (latest !== undefined) {
          const before = new Date(latest - 1);
          const problem = recordAfter(await walk(mig, before, PAGE), before);
          if (problem)
            throw violation(
              C,
              'list only artists first seen by asOf',
              `as of ${before.toISOString()} (1 ms before something it listed became known): ${problem}`,
            );
        }
        if ((await walk(mig, env.asOf, PAGE)).some((r) => r.slug === unknownKey))
          throw violation(C, 'not list unknown artists', `it listed ${unknownKey}`);
      },
    },
    {
      name: 'listArtists: still lists at asOf every artist listed at earlierAsOf',
      async run() {
        const mig = await create();
        const earlier = (await walk(mig, env.earlierAsOf, PAGE)).map((r) => r.slug);
        const later = (await walk(mig, env.asOf, PAGE)).map((r) => r.slug);
        const problem = missingId('artist', earlier, later);
        if (problem) throw violation(C, 'be monotone in time', problem);
      },
    },
    {
      name: 'listArtists: rejects when the signal is already aborted',
      async run() {
        const mig = await create();
        await expectAbortRejects(C, (signal) => mig.listArtists({ limit: PAGE }, { asOf: env.asOf, signal }));
      },
    },
    {
      name: 'listArtists: does not mutate its query',
      async run() {
        const mig = await create();
        const query = Object.freeze({ limit: PAGE, cursor: null });
        await attempt(C, 'accept a frozen query and frozen options', () =>
          mig.listArtists(query, Object.freeze({ asOf: new Date(env.asOf), signal: liveSignal() })),
        );
      },
    },
  ];
}
