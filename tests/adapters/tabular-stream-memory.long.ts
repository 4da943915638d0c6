/**
 * The long run of the streaming-import memory check (`npm run test:long`): 60 MB and 600 MB of
 * gzipped CSV generated on the fly, the same distinct rows repeated; the live heap stays flat.
 */
import { describe, expect, it } from 'vitest';
import { ARTISTS, DAYS, importOf } from './tabular-stream-memory-kit.js';

describe('streaming import memory (long)', () => {
  it('peaks at about the same live heap for a 60 MB and a 600 MB gzipped file', async () => {
    const small = await importOf(60e6);
    const large = await importOf(600e6);
    console.log(
      `streaming import: 60 MB live heap +${small.peakMb.toFixed(1)} MB in ${small.seconds.toFixed(2)} s; 600 MB live heap +${large.peakMb.toFixed(1)} MB in ${large.seconds.toFixed(2)} s (${large.read} rows read, ${(600e6 / 1e6 / large.seconds).toFixed(0)} MB/s)`,
    );
    expect(large.accepted).toBe(ARTISTS * DAYS);
    expect(large.read).toBeGreaterThan(9 * small.read);
    expect(large.peakMb).toBeLessThan(small.peakMb + 15);
    expect(large.peakMb).toBeLessThan(40);
    // The fold kept the largest value of every artist and day.
    expect(large.values).toEqual([1, 99 * 10 + 59 + 1]);
  }, 300_000);
});
