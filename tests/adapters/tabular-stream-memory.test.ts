/**
 * Streaming import keeps memory bounded by the folded data, not by the file: one gzipped CSV
 * generated on the fly at 25 MB and at 150 MB of text (the same 6,000 distinct rows repeated) peaks
 * at about the same live heap. Holding the text, the raw rows or the block strings would take
 * 125 MB (or ~50 MB of rows) more for the larger one. The long run (`*.long.ts`) does 60 MB and
 * 600 MB.
 */
import { describe, expect, it } from 'vitest';
import { ARTISTS, DAYS, importOf } from './tabular-stream-memory-kit.js';

describe('streaming import memory', () => {
  it('peaks at about the same live heap for a 25 MB and a 150 MB gzipped file', async () => {
    const small = await importOf(25e6);
    const large = await importOf(150e6);
    console.log(
      `streaming import: 25 MB live heap +${small.peakMb.toFixed(1)} MB in ${small.seconds.toFixed(2)} s; 150 MB live heap +${large.peakMb.toFixed(1)} MB in ${large.seconds.toFixed(2)} s (${large.read} rows read)`,
    );
    expect(small.accepted).toBe(ARTISTS * DAYS);
    expect(large.accepted).toBe(ARTISTS * DAYS);
    expect(large.read).toBeGreaterThan(5 * small.read);
    // Six times the file, not six times the memory.
    expect(large.peakMb).toBeLessThan(small.peakMb + 15);
    expect(large.peakMb).toBeLessThan(40);
    // The fold kept the largest value of every artist and day.
    expect(large.values).toEqual([1, 99 * 10 + 59 + 1]);
  }, 60_000);
});
