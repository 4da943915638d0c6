/**
 * A large export, in the long runs (`npm run test:long`): a 350,000-row gzipped events file is
 * read and built completely. Speed is the benchmarks' business; this checks nothing is lost.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createTabularSources, readTable } from 'scene-radar/adapters/tabular';

const dir = mkdtempSync(join(tmpdir(), 'scene-radar-tabular-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readTable on a large file', () => {
  it('loads and builds 350,000 gzipped event rows', async () => {
    const artists = 2000;
    const lines = ['artist,type,at,weight,region'];
    const base = Date.parse('2025-01-01T00:00:00Z');
    for (let i = 0; i < 350_000; i++)
      lines.push(`artist-${i % artists},playlist_add,${new Date(base + i * 60_000).toISOString()},${i % 97},uk`);
    const path = join(dir, 'big-events.csv.gz');
    writeFileSync(path, gzipSync(lines.join('\n')));
    const table = await readTable(path);
    const { report } = createTabularSources({ events: table });
    expect(table.rows).toHaveLength(350_000);
    expect(report).toMatchObject({ artists, tables: { events: { accepted: 350_000 } } });
  }, 60_000);
});
