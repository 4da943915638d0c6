/**
 * Streaming import keeps memory bounded by the folded data, not by the file: the same 6,000
 * distinct engagement rows (100 artists x 60 days), delivered again and again in one gzipped CSV
 * generated and compressed on the fly, are imported at two sizes (40 MB and 240 MB of text). Were
 * the text, the raw rows or the block strings held, the live heap would grow with the file (the
 * larger import would need over 200 MB more); folded as they arrive, both peaks are about the same.
 */
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createGzip } from 'node:zlib';
import { createTabularSourcesFromStreams } from '../../adapters/tabular/index.js';

export const ARTISTS = 100;
export const DAYS = 60;
const NOTE = 'n'.repeat(400);

/** One delivery of every artist and day; `variant` changes the organic values (the max is variant 1). */
function delivery(variant: number): Buffer {
  let text = '';
  for (let a = 0; a < ARTISTS; a++)
    for (let d = 0; d < DAYS; d++) {
      const day = new Date(Date.UTC(2025, 0, 1 + d)).toISOString().slice(0, 10);
      text += `artist-${String(a).padStart(5, '0')},${day},${a * 10 + d + variant},${variant},${NOTE}\n`;
    }
  return Buffer.from(text);
}

const DELIVERIES = [delivery(0), delivery(1)];

// A full collection before each sample measures what is live, not garbage awaiting collection.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Imports `bytes` of generated text; the live-heap peak over the baseline, the time, the counts,
 * and two folded values (the largest delivery's: 1 and 99 * 10 + 59 + 1).
 */
export async function importOf(bytes: number): Promise<{
  peakMb: number;
  seconds: number;
  read: number;
  accepted: number;
  values: (number | null | undefined)[];
}> {
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  const sample = (): void => {
    gc();
    const used = process.memoryUsage().heapUsed - base;
    if (used > peak) peak = used;
  };
  function* text(): Generator<Buffer> {
    yield Buffer.from('artist,day,organic,paid,note\n');
    let sent = 0;
    for (let r = 0; sent < bytes; r++) {
      // About every 10 MB of text.
      if (r % 4 === 3) sample();
      const chunk = DELIVERIES[r % 2]!;
      sent += chunk.length;
      yield chunk;
    }
  }
  const gzipped = Readable.from(text()).pipe(createGzip({ level: 1 }));
  const t0 = performance.now();
  const { report, dataset } = await createTabularSourcesFromStreams({
    engagement: { input: gzipped, format: 'csv', gzip: true, source: 'engagement.csv.gz' },
  });
  const seconds = (performance.now() - t0) / 1000;
  // The fold kept the largest value of every artist and day (variant 1).
  const values = [
    dataset.artistHistory('artist-00000')?.engagement.organic[0],
    dataset.artistHistory('artist-00099')?.engagement.organic[59],
  ];
  const table = report.tables.engagement!;
  return { peakMb: peak / 1e6, seconds, read: table.read, accepted: table.accepted, values };
}
