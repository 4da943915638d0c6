/**
 * The streaming reader gives exactly what the whole-text parsers give, however the bytes are cut
 * (one byte at a time, a CRLF split in two, a quoted cell across pieces, a multi-byte character
 * split), and the streaming import builds exactly the sources the in-memory one builds.
 */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createTabularSources,
  createTabularSourcesFromStreams,
  parseCsv,
  parseJsonLines,
  streamTable,
  type TableBatch,
  type TabularTableName,
} from 'scene-radar/adapters/tabular';
import { isSceneRadarError } from 'scene-radar';
import { CSV } from './tabular-fixture.js';

const TRICKY_CSV =
  '\ufeffartist,title,note\r\n' +
  'nova-static,"Hello, ""world""",12" vinyl\r\n' +
  '\r\n' +
  'pale-harbour,"two\r\nlines",ünïcödé ✓\n' +
  'glass-orchard,,"trailing"\r' +
  'late-bloom,plain,last';

const TRICKY_JSONL = '\ufeff{"artist":"nova-static","n":1}\r\n\n  \n{"artist":"ünï","list":["a"]}\n{"artist":"x"}';

/** `bytes` cut at the given offsets, as a byte source. */
function piecesOf(bytes: Uint8Array, cuts: readonly number[]): AsyncIterable<Uint8Array> {
  const at = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b);
  return (async function* () {
    let from = 0;
    for (const c of [...at, bytes.length]) {
      if (c > from) yield bytes.subarray(from, c);
      from = Math.max(from, c);
    }
  })();
}

async function collect(
  batches: AsyncIterable<TableBatch>,
): Promise<{ rows: unknown[]; lines: number[]; columns: readonly string[] }> {
  const rows: unknown[] = [];
  const lines: number[] = [];
  let columns: readonly string[] = [];
  for await (const batch of batches) {
    rows.push(...batch.rows.map((r) => ({ ...r })));
    lines.push(...batch.lines);
    columns = batch.columns;
  }
  return { rows, lines, columns };
}

const plain = (table: { rows: readonly object[]; lines: readonly number[]; columns: readonly string[] }) => ({
  rows: table.rows.map((r) => ({ ...r })),
  lines: [...table.lines],
  columns: [...table.columns],
});

describe('streamTable', () => {
  it('gives the same rows and lines as parseCsv and parseJsonLines, one byte at a time', async () => {
    const csv = new TextEncoder().encode(TRICKY_CSV);
    const byByte = Array.from({ length: csv.length }, (_, i) => i);
    expect(await collect(streamTable(piecesOf(csv, byByte), { format: 'csv' }))).toEqual(plain(parseCsv(TRICKY_CSV)));
    const jsonl = new TextEncoder().encode(TRICKY_JSONL);
    expect(
      await collect(
        streamTable(
          piecesOf(
            jsonl,
            Array.from({ length: jsonl.length }, (_, i) => i),
          ),
          { format: 'jsonl' },
        ),
      ),
    ).toEqual(plain(parseJsonLines(TRICKY_JSONL)));
  });

  it('gives the same rows wherever the bytes are cut (property)', async () => {
    // Quoted cells with doubled quotes and CRLFs inside, and two-byte characters, on every line.
    const more = Array.from({ length: 40 }, (_, i) => `a-${i},"q ""${i}""\r\nx",${'é'.repeat(i % 4)}`);
    const text = `${TRICKY_CSV}\n${more.join('\r\n')}\n`;
    const csv = new TextEncoder().encode(text);
    const expected = plain(parseCsv(text));
    expect(expected.rows).toHaveLength(44);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: csv.length }), { maxLength: 40 }), async (cuts) => {
        expect(await collect(streamTable(piecesOf(csv, cuts), { format: 'csv' }))).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('reads gzipped bytes and names the input, line and column of a broken row', async () => {
    const good = gzipSync(Buffer.from(CSV.events));
    const { rows } = await collect(streamTable(Readable.from([good]), { format: 'csv', gzip: true }));
    expect(rows).toEqual(plain(parseCsv(CSV.events)).rows);

    const broken = 'artist,at,weight\nnova-static,2025-01-01,1\npale-harbour,"2025-01-02,2\n';
    const error = await collect(
      streamTable(piecesOf(new TextEncoder().encode(broken), [5, 30]), { format: 'csv', source: 'events.csv' }),
    ).catch((e: unknown) => e);
    expect(isSceneRadarError(error)).toBe(true);
    expect((error as Error).message).toBe('events.csv line 3: a quoted cell is never closed');
    expect((error as { details: unknown }).details).toMatchObject({ source: 'events.csv', line: 3, column: 14 });

    const ragged = 'a,b\n1,2\n3,4,5\n';
    const raggedError = await collect(
      streamTable(piecesOf(new TextEncoder().encode(ragged), [9]), { format: 'csv' }),
    ).catch((e: unknown) => e);
    expect((raggedError as { details: unknown }).details).toMatchObject({ line: 3, column: 5 });

    const json = await collect(
      streamTable(piecesOf(new TextEncoder().encode('{"a":1}\n{"a":}\n'), [3]), { format: 'jsonl', source: 'x.jsonl' }),
    ).catch((e: unknown) => e);
    expect((json as { details: unknown }).details).toMatchObject({ source: 'x.jsonl', line: 2, column: 6 });

    const notGzip = await collect(
      streamTable(Readable.from([Buffer.from('plain text')]), { format: 'csv', gzip: true, source: 'e.csv.gz' }),
    ).catch((e: unknown) => e);
    expect((notGzip as Error).message).toMatch(/^Cannot read table e\.csv\.gz: not valid gzip data/);
    const latin1 = await collect(
      streamTable(piecesOf(Uint8Array.from([0x61, 0x0a, 0xe9, 0x0a]), []), { format: 'csv' }),
    ).catch((e: unknown) => e);
    // Named with its line, as docs/adapters.md ("Errors") says of text that is not UTF-8.
    expect((latin1 as Error).message).toBe('stream line 2: not valid UTF-8 text');
    expect((latin1 as { details: unknown }).details).toMatchObject({ line: 2 });
  });
});

describe('createTabularSourcesFromStreams', () => {
  it('builds the same report and histories as createTabularSources over parsed text', async () => {
    const names = Object.keys(CSV) as TabularTableName[];
    const parsed = createTabularSources(Object.fromEntries(names.map((n) => [n, parseCsv(CSV[n], { source: n })])), {
      onInvalidRow: 'skip',
    });
    const streamed = await createTabularSourcesFromStreams(
      Object.fromEntries(
        names.map((n) => [
          n,
          { input: piecesOf(gzipSync(Buffer.from(CSV[n])), [7, 100, 101, 2000]), format: 'csv', gzip: true, source: n },
        ]),
      ),
      { onInvalidRow: 'skip' },
    );
    expect(streamed.report).toEqual(parsed.report);
    for (const slug of parsed.dataset.artistSlugs())
      expect(streamed.dataset.artistHistory(slug)).toEqual(parsed.dataset.artistHistory(slug));
    expect(streamed.dataset.artistSlugs()).toEqual(parsed.dataset.artistSlugs());
  });
});
