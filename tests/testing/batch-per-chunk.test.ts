/**
 * The contract suites split a call into batches of the adapter's `maxBatchSize` (as the gateway
 * does). Each batch's answer is checked on its own for keys it did not ask: a source that answers a
 * batch with a key of another batch of the same call (a stale per-key cache, an off-by-one window
 * over the key list) is caught, where the merged answer alone would hide it.
 */
import { describe, expect, it } from 'vitest';
import { createEagerDataset, createMemorySources, type ArtistHistory } from '../../adapters/memory/index.js';
import type { RCFAdapter } from '../../src/contracts/sources.js';
import { isContractViolation, rcfContractSuite, type ContractCase } from '../../src/testing/index.js';

const ASOF = new Date('2026-03-10T00:00:00Z');
const EARLIER = new Date('2026-03-05T00:00:00Z');
const FROM = new Date('2026-01-01T00:00:00Z');

type Ev = ArtistHistory['events'][number];
const ev = (id: string, at: string): Ev => ({ id, type: 'radio_play', at, weight: 1, region: 'uk' });
const history = (slug: string, events: Ev[]): ArtistHistory => ({
  record: { slug, name: slug, homeRegion: 'uk', homeCity: null, firstSeen: '2025-01-01T00:00:00Z' },
  tastemakers: [],
  collaborators: [],
  releases: [],
  campaigns: [],
  engagement: { start: '2026-01-01', organic: [1], paid: [0] },
  articles: [],
  events,
  coherence: { start: '2026-01-01', values: [0.5] },
  memberships: [],
});
const inner = (): RCFAdapter =>
  createMemorySources(
    createEagerDataset({
      histories: [
        history('artist-a', [ev('a1', '2026-02-01T10:00:00Z')]),
        history('artist-b', [ev('b1', '2026-03-01T10:00:00Z')]),
      ],
    }),
  ).rcf;

async function failures(cases: readonly ContractCase[]): Promise<string[]> {
  const failed: string[] = [];
  for (const c of cases) {
    try {
      await c.run();
    } catch (e) {
      if (!isContractViolation(e)) throw e;
      failed.push(c.name);
    }
  }
  return failed;
}
const suite = (create: () => RCFAdapter) =>
  rcfContractSuite({ create, knownKeys: ['artist-a', 'artist-b'], asOf: ASOF, earlierAsOf: EARLIER, from: FROM });

describe('contract suites, batch by batch', () => {
  it('a per-item source that answers each batch with the key it was asked passes', async () => {
    const source = inner();
    const perItem: RCFAdapter = { maxBatchSize: 1, getEvents: (keys, o) => source.getEvents(keys, o) };
    expect(await failures(suite(() => perItem))).toEqual([]);
  });

  it('a per-item source that answers a batch with the key of the batch before it too is failed', async () => {
    const source = inner();
    let previous: readonly string[] = [];
    const leaky: RCFAdapter = {
      maxBatchSize: 1,
      async getEvents(keys, o) {
        const answer = await source.getEvents([...new Set([...previous, ...keys])], o);
        previous = keys;
        return answer;
      },
    };
    const failed = await failures(suite(() => leaky));
    expect(failed).toContain('getEvents: returns every known key');
    expect(failed.length).toBeGreaterThan(1);
  });
});
