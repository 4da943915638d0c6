/**
 * @module adapters/tabular/csv
 * An RFC 4180 CSV parser with no platform dependency: quoted cells, doubled quotes, CRLF or LF
 * line ends, newlines inside quoted cells, a header row, an optional byte-order mark. One pass
 * over the text with `charCodeAt`; unquoted cells are sliced, not built character by character,
 * which keeps a few hundred thousand rows well under a second.
 */
import { SceneRadarError } from '../../src/core/errors.js';
import { checkParseInput, parseError, type ParseOptions, type ParsedTable } from './parsed-table.js';

/** Options for {@link parseCsv}. */
export interface CsvOptions extends ParseOptions {
  /** Cell separator, one character other than a quote, CR or LF. @default ',' */
  readonly delimiter?: string;
}

/** A CSV row: every cell is a string (an empty cell is `''`). */
export type CsvRow = Readonly<Record<string, string>>;

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * Parses CSV text with a header row into rows keyed by the header's names.
 *
 * - The first record is the header; names are trimmed and must be non-empty and unique.
 * - Every other record must have exactly as many cells as the header (a ragged row is an error
 *   naming its line: it usually means a quoting mistake that shifts every later cell).
 * - Empty lines are skipped; a byte-order mark at the start is dropped.
 * - A quote inside an unquoted cell is kept as text (`12" vinyl`); after a closing quote only a
 *   delimiter or a line end may follow.
 *
 * Throws a `CONFIG_INVALID` `SceneRadarError` naming the line of the problem.
 * @example
 * ```ts
 * const table = parseCsv('artist,at\r\nnova-static,"2025-01-02T10:00:00Z"\r\n');
 * table.rows[0]?.artist; // 'nova-static'
 * table.lines[0];        // 2
 * ```
 */
export function parseCsv(text: string, options: CsvOptions = {}): ParsedTable<CsvRow> {
  checkParseInput(text, options, 'parseCsv');
  const state = createCsvState(options);
  const rows: CsvRow[] = [];
  const lines: number[] = [];
  parseCsvBlock(text, state, (row, line) => {
    rows.push(row);
    lines.push(line);
  });
  return { columns: state.header ?? [], rows, lines, source: options.source };
}

/**
 * What a CSV parse carries from one block of text to the next (the stream reader parses a file a
 * block at a time, each block ending at a record boundary).
 * @internal
 */
export interface CsvState {
  /** The input's name in errors. */
  readonly source: string | undefined;
  /** The delimiter's char code. */
  readonly delim: number;
  /** Applied to every cell with its 0-based column (the stream reader detaches cells from the block's text). */
  readonly cell: ((text: string, column: number) => string) | undefined;
  /** The header, once read. */
  header: string[] | undefined;
  /** The line the next block starts on. */
  line: number;
  /** True before the first block (which may start with a byte-order mark). */
  first: boolean;
}

/**
 * A parse state for {@link parseCsvBlock}; checks the delimiter.
 * @internal
 */
export function createCsvState(options: CsvOptions, cell?: (text: string, column: number) => string): CsvState {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
    throw new SceneRadarError(
      'CONFIG_INVALID',
      `delimiter must be one character other than a quote, CR or LF, got ${JSON.stringify(String(delimiter)).slice(0, 40)}`,
    );
  }
  return {
    source: options.source,
    delim: delimiter.charCodeAt(0),
    cell,
    header: undefined,
    line: 1,
    first: true,
  };
}

/** 1-based column of `pos` on its line (the block starts at a line start). */
function columnAt(text: string, pos: number): number {
  const lf = text.lastIndexOf('\n', pos - 1);
  const cr = text.lastIndexOf('\r', pos - 1);
  return pos - (Math.max(lf, cr) + 1) + 1;
}

/** Index where cell `k` (0-based) of the record starting at `start` begins, or -1. */
function cellStart(text: string, start: number, k: number, delim: number): number {
  let inQuotes = false;
  let cells = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (!inQuotes && c === delim) {
      cells++;
      if (cells === k) return i + 1;
    } else if (!inQuotes && (c === LF || c === CR)) return -1;
  }
  return -1;
}

/**
 * Parses one block of CSV text that ends at a record boundary (or is the last), continuing
 * `state`: the first record of the input is the header; each other record goes to `emit` with the
 * line it starts on. Errors name the line and, in `details.column`, the column.
 * @internal
 */
export function parseCsvBlock(
  text: string,
  state: CsvState,
  emit: (row: Record<string, string>, line: number) => void,
): void {
  const { source, delim: DELIM, cell: map } = state;
  const n = text.length;
  let i = state.first && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (n > 0) state.first = false;
  // Columns count from the first character after a byte-order mark, as when the bytes were
  // decoded (the decoder drops the mark): one header error, one column, text or bytes.
  const bom = i;
  const col = (pos: number): number =>
    columnAt(text, pos) -
    (bom === 1 && text.lastIndexOf('\n', pos - 1) < 0 && text.lastIndexOf('\r', pos - 1) < 0 ? 1 : 0);
  let line = state.line;
  let header = state.header;
  let cells: string[] = [];
  let recordLine = line;
  let recordStart = i;
  let lastCellQuoted = false;

  const endRecord = (end: number): void => {
    // A record that is one empty, unquoted cell is an empty line: skipped.
    if (cells.length === 1 && cells[0] === '' && !lastCellQuoted) {
      cells = [];
      return;
    }
    if (header === undefined) {
      header = cells.map((c) => c.trim());
      const seen = new Set<string>();
      header.forEach((name, k) => {
        const at = (): number => {
          const p = cellStart(text, recordStart, k, DELIM);
          return p < 0 ? 1 : col(p);
        };
        if (name === '') throw parseError(source, recordLine, `header column ${k + 1} has no name`, undefined, at());
        if (seen.has(name)) throw parseError(source, recordLine, `duplicate header column "${name}"`, undefined, at());
        seen.add(name);
      });
      state.header = header;
    } else {
      if (cells.length !== header.length) {
        const extra = cells.length > header.length ? cellStart(text, recordStart, header.length, DELIM) : -1;
        throw parseError(
          source,
          recordLine,
          `expected ${header.length} cells (as in the header), found ${cells.length}`,
          undefined,
          col(extra >= 0 ? extra : end),
        );
      }
      // Prototype-less: a `__proto__` column is an own key, never the row's prototype.
      const row: Record<string, string> = Object.create(null) as Record<string, string>;
      if (map) for (let k = 0; k < cells.length; k++) row[header[k]!] = map(cells[k]!, k);
      else for (let k = 0; k < cells.length; k++) row[header[k]!] = cells[k]!;
      emit(row, recordLine);
    }
    cells = [];
  };

  while (i <= n) {
    // Start of a cell.
    if (cells.length === 0) {
      recordLine = line;
      recordStart = i;
    }
    if (i < n && text.charCodeAt(i) === QUOTE) {
      const openLine = line;
      const openAt = i;
      let value = '';
      let segment = i + 1;
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1) throw parseError(source, openLine, 'a quoted cell is never closed', undefined, col(openAt));
        // Count the newlines the quoted text spans, so later line numbers stay right.
        for (let k = i; k < q; k++)
          if (text.charCodeAt(k) === LF || (text.charCodeAt(k) === CR && text.charCodeAt(k + 1) !== LF)) line++;
        if (text.charCodeAt(q + 1) === QUOTE) {
          value += text.slice(segment, q + 1);
          i = q + 2;
          segment = i;
          continue;
        }
        value += text.slice(segment, q);
        i = q + 1;
        break;
      }
      cells.push(value);
      lastCellQuoted = true;
      const c = i < n ? text.charCodeAt(i) : -1;
      if (c !== -1 && c !== DELIM && c !== CR && c !== LF)
        throw parseError(source, line, 'expected a delimiter or a line end after a closing quote', undefined, col(i));
    } else {
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === DELIM || c === CR || c === LF) break;
        j++;
      }
      cells.push(text.slice(i, j));
      lastCellQuoted = false;
      i = j;
    }
    // After a cell: a delimiter, a line end, or the end of the text.
    if (i >= n) {
      endRecord(i);
      break;
    }
    const c = text.charCodeAt(i);
    if (c === DELIM) {
      i++;
      // A delimiter at the very end still opens one (empty) last cell.
      if (i === n) {
        cells.push('');
        lastCellQuoted = false;
        endRecord(i);
        break;
      }
      continue;
    }
    const end = i;
    i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    endRecord(end);
    line++;
    if (i >= n) break;
  }
  state.line = line;
}

/**
 * Finds where complete CSV records end in text that arrives in pieces: a newline outside a quoted
 * cell. It scans each piece once, keeping its state between pieces, and never looks back at an
 * earlier piece (a record longer than a piece costs no rescans, however long it grows).
 * @internal
 */
export class CsvBoundaryScanner {
  /** 0 at a cell start, 1 in an unquoted cell, 2 in a quoted cell, 3 just after a quote in a quoted cell. */
  #state = 0;
  /** True when the last piece ended with a CR outside quotes: a record ended there, maybe half of a CRLF. */
  #pendingCr = false;
  /** True until the first character of the text is seen: a byte-order mark there is no cell text. */
  #atStart = true;
  readonly #delim: number;

  /** @param delim - The delimiter's char code. */
  constructor(delim: number) {
    this.#delim = delim;
  }

  /**
   * Scans the next piece of the text: the index in `piece` just after the last record boundary
   * in it (0 when the records of the earlier pieces end exactly before it), or -1 for none.
   */
  feed(piece: string): number {
    const n = piece.length;
    let last = -1;
    let i = 0;
    let state = this.#state;
    if (this.#atStart && n > 0) {
      this.#atStart = false;
      // Dropped by the parser too: read as text, it would make a quoted header cell unquoted.
      if (piece.charCodeAt(0) === 0xfeff) i = 1;
    }
    if (this.#pendingCr && n > 0) {
      // The CR that ended the last piece ended a record; a LF right after it belongs to it.
      this.#pendingCr = false;
      if (piece.charCodeAt(0) === LF) i = 1;
      last = i;
    }
    for (; i < n; i++) {
      const c = piece.charCodeAt(i);
      if (state === 2) {
        if (c === QUOTE) state = 3;
        continue;
      }
      if (c === LF || c === CR) {
        if (c === CR) {
          // A CR at the very end may be half of a CRLF: decide when the next piece comes.
          if (i + 1 === n) {
            this.#pendingCr = true;
            state = 0;
            break;
          }
          if (piece.charCodeAt(i + 1) === LF) i++;
        }
        state = 0;
        last = i + 1;
        continue;
      }
      if (c === this.#delim) state = 0;
      else if (c === QUOTE) state = state === 0 ? 2 : state === 3 ? 2 : 1;
      else if (state !== 1) state = 1;
    }
    this.#state = state;
    return last;
  }
}
