/**
 * The fold of rows that share a key, against a plain reference: a `'last'` fold writes later rows
 * over the kept one (numbers held apart until `finish`), and keeps its own copy of every row it
 * keeps, so the parse and validation never see their rows outlive a young collection.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTableFold } from '../../adapters/tabular/aggregate-rows.js';
import { RejectionLog } from '../../adapters/tabular/rejections.js';
import type { TabularRowOf } from '../../adapters/tabular/row-schemas.js';
import type { Located } from '../../adapters/tabular/validate-rows.js';

type EventRow = TabularRowOf<'events'>;

function foldOf(keep: 'first' | 'last' = 'last') {
  const log = new RejectionLog();
  log.open('events', 0);
  const fold = createTableFold('events', { aggregate: { events: keep }, sources: { events: 'events.csv' } }, log);
  return { fold, combined: () => log.tables().events!.combined };
}

/** What folding `rows` must give: per artist and id, the first or last row, at its key's first place. */
function reference(rows: readonly Located<EventRow>[], keep: 'first' | 'last'): Located<EventRow>[] {
  const order: string[] = [];
  const byKey = new Map<string, Located<EventRow>>();
  rows.forEach((located, i) => {
    const key = located.row.id === null ? `#${i}` : `${located.row.artist}\u0000${located.row.id}`;
    if (!byKey.has(key)) order.push(key);
    if (keep === 'last' || !byKey.has(key)) byKey.set(key, located);
  });
  return order.map((k) => byKey.get(k)!);
}

const event = (artist: string, id: string | null, weight: number, region: string | null, line: number) => ({
  row: { artist, id, type: 'radio_play' as const, at: '2025-03-01T00:00:00.000Z', weight, region },
  line,
});

describe('tabular fold', () => {
  it('gives every key its last (or first) row in first-seen order, across many slots and deliveries', () => {
    const rows: Located<EventRow>[] = [];
    // 3,000 ids delivered three times (more slots than the held numbers start with), weights revised.
    for (let d = 0; d < 3; d++)
      for (let i = 0; i < 3000; i++)
        rows.push(event(`artist-${i % 7}`, `e${i}`, i + d / 4, d === 1 ? null : 'uk', rows.length + 2));
    for (const keep of ['first', 'last'] as const) {
      const { fold, combined } = foldOf(keep);
      for (const located of rows) fold.push(located);
      expect(fold.finish()).toEqual(reference(rows, keep));
      expect(combined()).toBe(6000);
    }
  });

  it('matches the reference on any mix of keys, numbers and blanks', () => {
    const cell = fc.record({
      artist: fc.constantFrom('a', 'b'),
      id: fc.option(fc.constantFrom('x', 'y', 'z'), { nil: null }),
      weight: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.double({ min: 0, max: 9, noNaN: true }), fc.constant(-0)),
      region: fc.option(fc.constantFrom('uk', 'us'), { nil: null }),
    });
    fc.assert(
      fc.property(
        fc.array(cell, { maxLength: 40 }),
        fc.constantFrom('first' as const, 'last' as const),
        (cells, keep) => {
          const rows = cells.map((c, i) => event(c.artist, c.id, c.weight, c.region, i + 2));
          const { fold } = foldOf(keep);
          for (const located of rows) fold.push(located);
          const out = fold.finish();
          expect(out).toEqual(reference(rows, keep));
          // -0 and 0 are different numbers to Object.is: the last one given is the one kept.
          expect(out.map((o) => Object.is(o.row.weight, -0))).toEqual(
            reference(rows, keep).map((r) => Object.is(r.row.weight, -0)),
          );
        },
      ),
    );
  });

  it('writes a later non-number over a held number, and a later number over a non-number', () => {
    // A row whose `weight` is sometimes null (no schema gives that for events; a fold is generic).
    const rows = [1.5, null, 2.5, null, 3.5].map((w, i) => ({
      row: { ...event('a', 'x', 0, null, 0).row, weight: w as number },
      line: i + 2,
    }));
    for (let n = 1; n <= rows.length; n++) {
      const { fold } = foldOf('last');
      for (const located of rows.slice(0, n)) fold.push(located);
      expect(fold.finish()).toEqual([rows[n - 1]]);
    }
  });

  it('keeps copies of its rows, never the objects pushed', () => {
    const { fold } = foldOf('last');
    const pushed = [event('a', 'x', 1, 'uk', 2), event('a', 'y', 2, 'uk', 3), event('a', 'x', 3, 'us', 4)];
    for (const located of pushed) fold.push(located);
    const out = fold.finish();
    expect(out).toEqual([pushed[2], pushed[1]]);
    for (const o of out)
      for (const p of pushed) {
        expect(o).not.toBe(p);
        expect(o.row).not.toBe(p.row);
      }
  });
});
