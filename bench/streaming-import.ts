/**
 * `npm run bench:streaming-import [-- --size-mb 1024 --runs 1 --keep --reuse --before <tree>/adapters/tabular/index.ts]`: the tabular adapter's
 * streaming import of a large generated events CSV (docs/performance.md, "Streaming import"). Not
 * part of `npm run bench`: generating and reading a gigabyte takes minutes.
 *
 * Generates, deterministically, in `os.tmpdir()`:
 * - `scene-radar-bench-events-<size>mb.csv`: the events table (`artist,id,type,at,weight,region`),
 *   a history of 200,000 distinct events (5,000 artists, 40 each) delivered again and again until
 *   the file has the size asked (each delivery sends every event with its id again, the weights
 *   revised, as an export that resends its whole history does): the import folds it to 200,000
 *   events, so what it holds is bounded while the file grows;
 * - the same file gzipped (`.csv.gz`);
 * - two smaller files of distinct events only (64 and 256 MB), where everything read is kept:
 *   memory follows the data there, and the pair gives the cost of one held event.
 *
 * Each measurement runs in a child process of its own, so peak RSS is its alone: sampled every
 * 20 ms (`process.memoryUsage.rss`) and read from `/proc/self/status` (`VmHWM`) at the end.
 * - `import`: `createTabularSourcesFromStreams` over `createReadStream` (parse, validate, fold, build);
 * - `parse`: `streamTable` alone (rows parsed into objects, nothing kept);
 * - `csv-parse`: csv-parse's streaming API (`parse({ columns: true })`), the same minimal work;
 * - `baseline`: the child loading the same modules and doing nothing;
 * - `import-before` (with `--before <path>`): `import` over another tree's adapters/tabular, in the
 *   same rounds (the "before" of a change, measured side by side).
 * Rows per second are data rows over the time from opening the file to the last row.
 * Deletes the generated files at the end unless `--keep`.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createGunzip, createGzip } from 'node:zlib';
import { parseCommandLine } from '../scripts/command-line.js';
import { mulberry32 as rng } from '../src/core/random.js';

const TYPES = ['playlist_add', 'radio_play', 'chart_entry', 'social_spike', 'sync_placement', 'live_show'] as const;
const REGIONS = ['uk', 'us', 'de', 'nz', 'fr', ''] as const;
const ARTISTS = 5000;
const EVENTS_PER_ARTIST = 40;
const HEADER = 'artist,id,type,at,weight,region\n';
const START_MS = Date.parse('2024-01-01T00:00:00.000Z');
const SPAN_MS = 700 * 86_400_000;

/** The fixed part of every event (artist, id, type, at, region) and the base of its weight. */
interface EventShape {
  readonly prefix: string;
  readonly region: string;
  readonly weight: number;
}

function eventShapes(): EventShape[] {
  const rand = rng(17);
  const shapes: EventShape[] = [];
  for (let a = 0; a < ARTISTS; a++) {
    const artist = `artist-${String(a).padStart(5, '0')}`;
    for (let e = 0; e < EVENTS_PER_ARTIST; e++) {
      const at = new Date(START_MS + Math.floor(rand() * SPAN_MS)).toISOString();
      const type = TYPES[Math.floor(rand() * TYPES.length)]!;
      shapes.push({
        prefix: `${artist},${artist}-e${e},${type},${at},`,
        region: REGIONS[Math.floor(rand() * REGIONS.length)]!,
        weight: 1 + Math.floor(rand() * 500),
      });
    }
  }
  return shapes;
}

/** Writes the repeated-deliveries file: every event once per delivery, weights revised each time. */
function writeDeliveries(path: string, bytes: number): { rows: number; deliveries: number } {
  const shapes = eventShapes();
  const fd = openSync(path, 'w');
  let written = writeSync(fd, HEADER);
  let rows = 0;
  let deliveries = 0;
  try {
    while (written < bytes) {
      const parts: string[] = [];
      for (let i = 0; i < shapes.length; i++) {
        const s = shapes[i]!;
        // A weight with two decimals that changes from delivery to delivery.
        const w = (s.weight + ((deliveries * 7 + i) % 100) / 100).toFixed(2);
        parts.push(`${s.prefix}${w},${s.region}\n`);
      }
      written += writeSync(fd, parts.join(''));
      rows += shapes.length;
      deliveries++;
    }
  } finally {
    closeSync(fd);
  }
  return { rows, deliveries };
}

/** Writes a file of distinct events only (every row a new event), about `bytes` long. */
function writeDistinct(path: string, bytes: number): { rows: number } {
  const rand = rng(29);
  const fd = openSync(path, 'w');
  let written = writeSync(fd, HEADER);
  let rows = 0;
  const perArtist = new Array<number>(ARTISTS).fill(0);
  try {
    while (written < bytes) {
      const parts: string[] = [];
      for (let i = 0; i < 100_000; i++) {
        const a = Math.floor(rand() * ARTISTS);
        const artist = `artist-${String(a).padStart(5, '0')}`;
        const at = new Date(START_MS + Math.floor(rand() * SPAN_MS)).toISOString();
        const type = TYPES[Math.floor(rand() * TYPES.length)]!;
        const region = REGIONS[Math.floor(rand() * REGIONS.length)]!;
        parts.push(
          `${artist},${artist}-e${perArtist[a]!++},${type},${at},${(1 + rand() * 500).toFixed(2)},${region}\n`,
        );
      }
      written += writeSync(fd, parts.join(''));
      rows += 100_000;
    }
  } finally {
    closeSync(fd);
  }
  return { rows };
}

// ------------------------------------------------------------------------------------ the child

interface ChildResult {
  readonly mode: string;
  readonly file: string;
  readonly rows: number;
  readonly kept: number | null;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly peakRssMb: number;
  readonly vmHwmMb: number;
  readonly baseRssMb: number;
}

function vmHwmMb(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = /VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1];
  return kb === undefined ? Number.NaN : Number(kb) / 1024;
}

async function child(mode: string, file: string): Promise<void> {
  // Every mode loads the same modules first, so their RSS starts from the same base.
  // `SCENE_RADAR_BENCH_TABULAR`: another tree's adapters/tabular/index.ts, to measure a "before" side by side.
  const other = process.env.SCENE_RADAR_BENCH_TABULAR;
  const tabular = (
    other ? await import(pathToFileURL(other).href) : await import('../adapters/tabular/index.js')
  ) as typeof import('../adapters/tabular/index.js');
  const { parse } = await import('csv-parse');
  const gzip = file.endsWith('.gz');
  const baseRssMb = process.memoryUsage.rss() / 2 ** 20;
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  }, 20);
  const t0 = performance.now();
  let rows = 0;
  let kept: number | null = null;
  if (mode === 'import') {
    const { report, dataset } = await tabular.createTabularSourcesFromStreams({
      events: { input: createReadStream(file), format: 'csv', gzip, source: basename(file) },
    });
    const events = report.tables.events!;
    rows = events.read;
    kept = events.accepted;
    if (events.rejected > 0) throw new Error(`import rejected ${events.rejected} rows`);
    // Keep the sources alive until the clock stops: what they hold is part of the peak.
    if (dataset.artistHistory('artist-00000') === undefined) throw new Error('import lost artist-00000');
  } else if (mode === 'parse') {
    for await (const batch of tabular.streamTable(file)) rows += batch.rows.length;
  } else if (mode === 'csv-parse') {
    const parser = parse({ columns: true });
    const done = new Promise<void>((resolve, reject) => {
      parser.on('readable', () => {
        while (parser.read() !== null) rows++;
      });
      parser.on('end', resolve);
      parser.on('error', reject);
    });
    const source = createReadStream(file);
    await Promise.all([gzip ? pipeline(source, createGunzip(), parser) : pipeline(source, parser), done]);
  } else if (mode !== 'baseline') throw new Error(`unknown mode ${mode}`);
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  const rss = process.memoryUsage.rss();
  if (rss > peak) peak = rss;
  const result: ChildResult = {
    mode,
    file: basename(file),
    rows,
    kept,
    seconds,
    rowsPerSecond: rows / seconds,
    peakRssMb: peak / 2 ** 20,
    vmHwmMb: vmHwmMb(),
    baseRssMb,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Runs one measurement in a child; `import-before` is `import` over the tree given with `--before`. */
function runChild(mode: string, file: string, before?: string): Promise<ChildResult> {
  const env = mode === 'import-before' ? { ...process.env, SCENE_RADAR_BENCH_TABULAR: before } : process.env;
  return new Promise((resolve, reject) => {
    const args = [
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--child',
      mode === 'import-before' ? 'import' : mode,
      file,
    ];
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`child ${mode} ${file} exited with ${code}`));
      resolve({ ...(JSON.parse(out.trim().split('\n').pop()!) as ChildResult), mode });
    });
  });
}

// ----------------------------------------------------------------------------------- the parent

async function main(): Promise<void> {
  const { values } = parseCommandLine(process.argv.slice(2), {
    'size-mb': { type: 'string' },
    runs: { type: 'string' },
    keep: { type: 'boolean' },
    reuse: { type: 'boolean' },
    'skip-distinct': { type: 'boolean' },
    'skip-gzip': { type: 'boolean' },
    before: { type: 'string' },
  });
  const before = values.before;
  const sizeMb = Number(values['size-mb'] ?? 1024);
  const runs = Number(values.runs ?? 1);
  if (!(sizeMb >= 1) || !Number.isInteger(runs) || runs < 1) throw new Error('--size-mb >= 1 and --runs >= 1, please');
  const dir = tmpdir();
  const csv = join(dir, `scene-radar-bench-events-${sizeMb}mb.csv`);
  const gz = `${csv}.gz`;
  const created: string[] = [];
  const mb = (path: string): number => statSync(path).size / 2 ** 20;
  try {
    // `--reuse`: files from an earlier `--keep` run (the generation is deterministic) are read again.
    const reuse = (path: string): boolean => values.reuse === true && existsSync(path);
    created.push(csv);
    if (reuse(csv)) process.stderr.write(`reusing ${csv} (${mb(csv).toFixed(0)} MB)\n`);
    else {
      process.stderr.write(`generating ${csv}...\n`);
      const t0 = performance.now();
      const { rows, deliveries } = writeDeliveries(csv, sizeMb * 2 ** 20);
      process.stderr.write(
        `  ${mb(csv).toFixed(0)} MB, ${rows} rows (${deliveries} deliveries of ${ARTISTS * EVENTS_PER_ARTIST} events) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
      );
    }
    if (!values['skip-gzip'] && reuse(gz)) created.push(gz);
    else if (!values['skip-gzip']) {
      const t1 = performance.now();
      await pipeline(createReadStream(csv), createGzip(), createWriteStream(gz));
      created.push(gz);
      process.stderr.write(`  gzipped: ${mb(gz).toFixed(0)} MB in ${((performance.now() - t1) / 1000).toFixed(1)} s\n`);
    }
    const distinct: string[] = [];
    if (!values['skip-distinct'])
      for (const size of [64, 256]) {
        const path = join(dir, `scene-radar-bench-events-distinct-${size}mb.csv`);
        if (!reuse(path)) writeDistinct(path, size * 2 ** 20);
        created.push(path);
        distinct.push(path);
      }

    const results: ChildResult[] = [];
    const show = (r: ChildResult): void => {
      results.push(r);
      process.stderr.write(
        `  ${r.mode.padEnd(9)} ${r.file.padEnd(44)} ${String(r.rows).padStart(9)} rows${r.kept === null ? '' : ` (${r.kept} kept)`} ` +
          `${r.seconds.toFixed(1)} s, ${Math.round(r.rowsPerSecond).toLocaleString('en')} rows/s, peak RSS ${r.peakRssMb.toFixed(0)} MB (VmHWM ${r.vmHwmMb.toFixed(0)} MB, base ${r.baseRssMb.toFixed(0)} MB)\n`,
      );
    };
    show(await runChild('baseline', csv));
    const files = values['skip-gzip'] ? [csv] : [csv, gz];
    for (let run = 0; run < runs; run++) {
      process.stderr.write(`run ${run + 1} of ${runs}\n`);
      // Interleaved; the order flips each run.
      const modes = [...(before ? ['import-before'] : []), 'import', 'parse', 'csv-parse'];
      if (run % 2) modes.reverse();
      for (const file of files) for (const mode of modes) show(await runChild(mode, file, before));
    }
    for (const path of distinct) show(await runChild('import', path));

    // Summary: medians over the runs per mode and file; the ratio import / csv-parse in rows per second.
    const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const summary: Record<string, number> = {};
    for (const file of files) {
      const of = (mode: string): ChildResult[] => results.filter((r) => r.mode === mode && r.file === basename(file));
      const tag = file.endsWith('.gz') ? 'gzip' : 'csv';
      for (const mode of [...(before ? ['import-before'] : []), 'import', 'parse', 'csv-parse']) {
        const rs = of(mode);
        summary[`${tag}.${mode}_rows_per_s`] = Math.round(med(rs.map((r) => r.rowsPerSecond)));
        summary[`${tag}.${mode}_peak_rss_mb`] = Math.round(med(rs.map((r) => Math.max(r.peakRssMb, r.vmHwmMb))));
      }
      summary[`${tag}.import_vs_csv_parse_x`] = +(
        summary[`${tag}.import_rows_per_s`]! / summary[`${tag}.csv-parse_rows_per_s`]!
      ).toFixed(3);
      if (before)
        summary[`${tag}.import_vs_before_x`] = +(
          summary[`${tag}.import_rows_per_s`]! / summary[`${tag}.import-before_rows_per_s`]!
        ).toFixed(3);
      summary[`${tag}.parse_vs_csv_parse_x`] = +(
        summary[`${tag}.parse_rows_per_s`]! / summary[`${tag}.csv-parse_rows_per_s`]!
      ).toFixed(3);
    }
    if (distinct.length === 2) {
      const [small, large] = distinct.map((p) => results.find((r) => r.mode === 'import' && r.file === basename(p))!);
      summary['distinct.bytes_per_held_event'] = Math.round(
        ((Math.max(large!.peakRssMb, large!.vmHwmMb) - Math.max(small!.peakRssMb, small!.vmHwmMb)) * 2 ** 20) /
          (large!.rows - small!.rows),
      );
    }
    console.table(Object.entries(summary).map(([figure, value]) => ({ figure, value })));
    const peakImport = Math.max(
      ...results
        .filter((r) => r.mode === 'import' && files.some((f) => basename(f) === r.file))
        .map((r) => Math.max(r.peakRssMb, r.vmHwmMb)),
    );
    console.log(
      `import peak RSS, worst run: ${peakImport.toFixed(0)} MB (target < 300 MB: ${peakImport < 300 ? 'met' : 'MISSED'})`,
    );
  } finally {
    if (!values.keep) for (const path of created) if (existsSync(path)) rmSync(path);
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!);
else await main();
