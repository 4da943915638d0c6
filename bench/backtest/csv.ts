/**
 * @module bench/backtest/csv
 * A small RFC 4180 CSV reader: quoted fields (with commas, doubled quotes and line breaks inside),
 * LF or CRLF line ends, optional gzip. Enough for the chart files a backtest reads, no dependency.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** A parsed CSV file: the header and one record per row, keyed by column name. */
export interface CsvTable {
  /** Column names, from the first row. */
  readonly columns: readonly string[];
  /** Rows, as column name -> raw text. */
  readonly rows: readonly Readonly<Record<string, string>>[];
}

/**
 * Splits CSV text into rows of fields.
 * @example
 * ```ts
 * parseCsvRows('a,b\n"x, y","say ""hi"""\n'); // [['a', 'b'], ['x, y', 'say "hi"']]
 * ```
 */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      field = '';
      rows.push(row);
      row = [];
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else field += c;
    i++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * Reads a CSV file (gunzipped first when the name ends in `.gz`) and checks that the columns
 * it needs are there. Throws an Error naming the file on a missing file or column.
 * @example
 * ```ts
 * const t = readCsv('/data/hot100_artist_events.csv', ['artist', 'first_chart_date']);
 * t.rows[0]?.artist;
 * ```
 */
export function readCsv(path: string, required: readonly string[]): CsvTable {
  const bytes = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  const [header, ...body] = parseCsvRows(text).filter((r) => !(r.length === 1 && r[0] === ''));
  if (!header) throw new Error(`${path}: empty file`);
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length) throw new Error(`${path}: missing column(s) ${missing.join(', ')} (found ${header.join(', ')})`);
  const rows = body.map((fields, r) => {
    if (fields.length !== header.length)
      throw new Error(`${path}: row ${r + 2} has ${fields.length} fields, expected ${header.length}`);
    const record: Record<string, string> = {};
    header.forEach((name, i) => (record[name] = fields[i]!));
    return record;
  });
  return { columns: header, rows };
}
