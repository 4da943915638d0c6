/**
 * Hostile review 79 of scene-radar, area: the byte-level reading of tabular files and streams
 * (adapters/tabular/stream-table.ts, csv.ts, json-lines.ts, read-table.ts, abort.ts): how bytes
 * and text pieces are decoded, where records are cut, and what the errors say.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createTabularSourcesFromStreams,
  readTable,
  streamTable,
  type TableByteSource,
} from '../../adapters/tabular/index.js';

const dir = mkdtempSync(join(tmpdir(), 'hostile-review-79-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The given pieces, in order, as a byte source. */
function pieces(...ps: (Uint8Array | string)[]): TableByteSource {
  return (async function* () {
    for (const p of ps) yield p;
  })();
}

/** Everything a stream read gives, or the error it throws. */
async function readAll(
  input: unknown,
  options: Parameters<typeof streamTable>[1],
): Promise<{ rows: unknown[]; lines: number[]; error: unknown }> {
  const rows: unknown[] = [];
  const lines: number[] = [];
  try {
    for await (const batch of streamTable(input as TableByteSource, options)) {
      rows.push(...batch.rows.map((r) => ({ ...r })));
      lines.push(...batch.lines);
    }
  } catch (error) {
    return { rows, lines, error };
  }
  return { rows, lines, error: undefined };
}

const EVENTS = 'artist,id,type,at,weight,region\nnova,e1,chart_entry,2025-01-01,1,uk\n';

describe('hostile review 79: bytes given whole', () => {
  // Fault: a Uint8Array (docs: `streamTable(pathOrBytes, ...)`) is accepted as a "byte source" because
  // it is iterable (abort.ts isByteSource), then iterated byte by byte as numbers; the decoder's
  // TypeError is reported as "not valid UTF-8 text" (stream-table.ts meteredTable `decode`), although
  // the same bytes read fine gzipped (Readable.from takes a Buffer whole) or wrapped in an array.
  it('streamTable reads bytes given as one Uint8Array as it reads them in one piece', async () => {
    const bytes = new Uint8Array(Buffer.from('a,b\n1,é\n'));
    const whole = await readAll(bytes, { format: 'csv' });
    const piece = await readAll(pieces(bytes), { format: 'csv' });
    expect(piece.rows).toEqual([{ a: '1', b: 'é' }]);
    expect(whole.error).toBeUndefined();
    expect(whole.rows).toEqual(piece.rows);
  });

  // Fault: same cause (abort.ts isByteSource accepts a Buffer, stream-table.ts `decode` mislabels the
  // TypeError): valid UTF-8 is refused as "not valid UTF-8 text" instead of being read, or refused as
  // "events.input must be a byte source" as docs/adapters.md "Errors" promises for a non-byte-source.
  it('createTabularSourcesFromStreams does not call a valid UTF-8 Buffer "not valid UTF-8 text"', async () => {
    let error: unknown;
    let read = -1;
    try {
      const { report } = await createTabularSourcesFromStreams({
        // biome-ignore lint/suspicious/noExplicitAny: a Buffer from untyped host code, as the docs' "bytes"
        events: { input: Buffer.from(EVENTS) as any, format: 'csv' },
      });
      read = report.tables.events?.read ?? -1;
    } catch (e) {
      error = e;
    }
    if (error === undefined) expect(read).toBe(1);
    else expect(String((error as Error).message)).toMatch(/events\.input/);
  });
});

describe('hostile review 79: decoding', () => {
  // Fault: docs/adapters.md "Errors" says text that is not UTF-8 throws CONFIG_INVALID "naming the file
  // and line"; stream-table.ts meteredTable `decode` throws `fail(name, 'not valid UTF-8 text')` with
  // only `details.source`, so a Latin-1 byte deep in a large export cannot be found.
  it('a Latin-1 byte on line 3 is reported with its line', async () => {
    const path = join(dir, 'latin1.csv');
    writeFileSync(path, Buffer.concat([Buffer.from('a,b\n1,2\n3,caf'), Buffer.from([0xe9]), Buffer.from('\n5,6\n')]));
    let error: unknown;
    try {
      await readTable(path);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as { details?: { line?: unknown } }).details?.line).toBe(3);
    expect(String((error as Error).message)).toMatch(/line 3/);
  });

  // Fault: stream-table.ts meteredTable passes a text piece straight through while the streaming
  // TextDecoder still holds the first byte of a split character; the held byte is completed by the
  // next byte piece and emitted after the text, so `é` + `x` is silently read as `xé`. The incomplete
  // sequence before a text piece should be an error (flush the decoder, fatal, before a text piece).
  it('a character split around a text piece is not silently moved after that text', async () => {
    const out = await readAll(
      pieces(Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0xc3]), 'x', Buffer.from([0xa9, 0x2c, 0x31])),
      {
        format: 'csv',
      },
    );
    expect(out.rows).not.toEqual([{ a: 'xé', b: '1' }]);
    expect(out.error).toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('hostile review 79: byte-order mark', () => {
  // Fault: csv.ts columnAt counts from the block's first character, and a text input keeps its BOM at
  // index 0 (parseCsvBlock skips it for parsing, not for columns), so a header error's column is one
  // more than for the same bytes (whose BOM the TextDecoder drops): the column depends on text vs bytes.
  it('a header error names the same column whether the BOM-prefixed input is text or bytes', async () => {
    const text = '\ufeffartist,artist\n1,2\n';
    const asText = await readAll(pieces(text), { format: 'csv' });
    const asBytes = await readAll(pieces(Buffer.from(text)), { format: 'csv' });
    expect(asBytes.error).toMatchObject({ details: { line: 1, column: 8 } });
    expect(asText.error).toMatchObject({ details: { line: 1, column: 8 } });
  });
});
