/**
 * @module cli/commands
 * The `scene-radar` commands: demo, serve, refresh, backtest, openapi. Each names its flags once
 * (parsed by `node:util` `parseArgs` through `parseCommandLine`), its usage text, and what it runs.
 */
import { constants, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { createServer } from 'node:net';
import { basename, dirname } from 'node:path';
import type { RcfEventType } from '../contracts/payloads.js';
import { createOpenApiDocument } from '../api/openapi.js';
import { normaliseBasePath } from '../api/operations.js';
import { backtestConsoleTable, backtestMarkdown } from '../backtest/markdown.js';
import { backtestJson } from '../backtest/json.js';
import { backtestFolder } from './backtest.js';
import {
  type FlagSpecs,
  type FlagValues,
  inYears1000To9999,
  isCalendarDay,
  postgresTarget,
  UsageError,
} from './command-line.js';
import { printDemo } from './demo.js';
import { type CliIo, EXIT, untilAborted } from './io.js';
import { openRadar, type OpenedRadar, type RadarInput } from './open-radar.js';
import { progressView } from './progress.js';
import { importLines, mapsAsObjects, refreshLines } from './report.js';
import { serveRadar } from './serve.js';

/** One command of `scene-radar`. */
export interface CliCommand<F extends FlagSpecs = FlagSpecs> {
  /** Its name (`serve`). */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Its usage text (printed by `--help` and after a usage mistake). */
  readonly usage: string;
  /** Its flags. */
  readonly flags: F;
  /** Runs it; resolves with the exit code. */
  run(values: FlagValues<F>, io: CliIo, signal: AbortSignal): Promise<number>;
}

const help = { type: 'boolean', short: 'h' } as const;
const db = { postgres: { type: 'string' }, schema: { type: 'string' } } as const;
const source = {
  data: { type: 'string' },
  demo: { type: 'boolean' },
  artists: { type: 'string' },
  'as-of': { type: 'string' },
} as const;

/** An integer flag in `[min, max]`, or a {@link UsageError} naming it. */
export function integer(flag: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return Number(text);
}

const AS_OF = /^(now|[1-9]\d{3}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?)$/;

/** `onProgress`, silent once `signal` has aborted (the work abandoned may still report). */
function quietOnceAborted<P>(onProgress: (progress: P) => void, signal: AbortSignal): (progress: P) => void {
  return (progress) => {
    if (!signal.aborted) onProgress(progress);
  };
}

/** {@link openRadar} with its progress drawn on stderr (a bar on a terminal, lines otherwise). */
async function openWithProgress(
  io: CliIo,
  input: RadarInput,
  postgres: Parameters<typeof openRadar>[1],
  signal: AbortSignal,
): Promise<OpenedRadar> {
  const view = progressView(io);
  try {
    // Ctrl-C stops the command at once, not after the import, refresh and backfill have run; the
    // import is told too, so that it lets go of its files (a FIFO's open would hold the exit).
    return await untilAborted(
      openRadar(input, postgres, { onProgress: quietOnceAborted(view.onProgress, signal), signal }),
      signal,
      (opened) => opened.close(),
    );
  } finally {
    view.end();
  }
}

/** The radar input of `--data <dir>` or `--demo` (one of them, not both). */
function radarInput(values: FlagValues<typeof source>, demoByDefault = false): RadarInput {
  if (values.data !== undefined && values.demo) throw new UsageError('give --data <dir> or --demo, not both');
  const asOf = values['as-of'];
  if (
    asOf !== undefined &&
    (!AS_OF.test(asOf) || (asOf !== 'now' && (!inYears1000To9999(Date.parse(asOf)) || !isCalendarDay(asOf))))
  )
    throw new UsageError(
      `--as-of must be 'now', a day YYYY-MM-DD or an ISO 8601 instant (years 1000-9999), got ${JSON.stringify(asOf)}`,
    );
  if (values.data !== undefined) {
    if (values.artists !== undefined) throw new UsageError('--artists is for --demo (the data folder has its own)');
    return { kind: 'data', dir: values.data, asOf };
  }
  // The demo world ends at a day: an instant would be dropped and the world would run as of now.
  if (asOf !== undefined && asOf !== 'now' && !/^\d{4}-\d{2}-\d{2}$/.test(asOf))
    throw new UsageError(`--as-of with --demo takes a day YYYY-MM-DD or now, got ${JSON.stringify(asOf)}`);
  if (!values.demo && !demoByDefault) throw new UsageError('give --data <dir> (your files) or --demo (the demo world)');
  return {
    kind: 'demo',
    artists: integer('artists', values.artists ?? '300', 1, 100_000),
    ...(asOf !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? { end: asOf } : {}),
  };
}

const DATA_FLAGS = `  --data <dir>       a folder of table files: a scene-radar.json manifest, or files named artists.csv, events.csv.gz, ... (docs/cli.md)
  --demo             the demo world instead (--artists <1-100000>, default 300)
  --as-of <when>     serve the data as of a day or instant, or 'now' (default: the manifest's asOf, else the end of the latest day in the files)
  --postgres <url>   keep the owned tables in PostgreSQL, migrated at start (default in memory; env SCENE_RADAR_POSTGRES_URL)
  --schema <name>    the PostgreSQL schema (default public; env SCENE_RADAR_POSTGRES_SCHEMA)`;

const serve: CliCommand<
  typeof source &
    typeof db & {
      port: { type: 'string' };
      host: { type: 'string' };
      'rate-limit': { type: 'string' };
      'rate-window': { type: 'string' };
      help: typeof help;
    }
> = {
  name: 'serve',
  summary: 'serve the HTTP API over your files (--data <dir>) or the demo world (--demo)',
  usage: `usage: scene-radar serve (--data <dir> | --demo) [--port 8787] [--host 127.0.0.1] [--rate-limit 120] [--rate-window 60] [--as-of <when>] [--postgres <url> [--schema <name>]]
${DATA_FLAGS}
  --port <0-65535>   the port (default 8787; 0 picks a free one)
  --host <address>   the interface (default 127.0.0.1)
  --rate-limit <n>   requests per client address and window, 0 for no limit (default 120)
  --rate-window <s>  the window in seconds (default 60)`,
  flags: {
    ...source,
    ...db,
    port: { type: 'string' },
    host: { type: 'string' },
    'rate-limit': { type: 'string' },
    'rate-window': { type: 'string' },
    help,
  },
  async run(values, io, signal) {
    const input = radarInput(values);
    const port = integer('port', values.port ?? '8787', 0, 65_535);
    const host = values.host ?? '127.0.0.1';
    if (host.trim() === '') throw new UsageError('--host must not be empty');
    const rateLimit = integer('rate-limit', values['rate-limit'] ?? '120', 0, 1_000_000);
    const rateWindowSeconds = integer('rate-window', values['rate-window'] ?? '60', 1, 86_400);
    const postgres = postgresTarget(values);
    // Where it will listen, tried first: a port in use or a host that cannot be listened on fails
    // at once, not after the import and the first refresh.
    await probeListen(port, host);
    const t0 = performance.now();
    io.out(
      input.kind === 'data'
        ? `Reading ${input.dir} and refreshing both engines...`
        : 'Building the demo world and refreshing both engines...',
    );
    const opened = await openWithProgress(io, input, postgres, signal);
    try {
      if (input.kind === 'data') io.out(`${opened.title} (tables ${opened.tables})`);
      if (opened.importReport) for (const line of importLines(opened.importReport)) io.out(line);
      for (const line of refreshLines(opened.refresh)) io.out(line);
      const running = await serveRadar(opened.radar, {
        port,
        host,
        rateLimit,
        rateWindowSeconds,
        health: { sources: opened.sources },
        onError: (error, requestId) =>
          io.err(`[${requestId}] ${error instanceof Error ? error.message : String(error)}`),
      });
      io.out(
        `scene-radar API on ${running.url}/api (ready in ${((performance.now() - t0) / 1000).toFixed(1)} s; tables ${opened.tables})`,
      );
      io.out('Try:');
      for (const line of running.curlLines) io.out(`  ${line}`);
      io.out('Ctrl-C stops it.');
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      io.out('Stopping: closing the server and the radar');
      await running.close();
    } finally {
      await opened.close();
    }
    return 0;
  },
};

const refresh: CliCommand<typeof source & typeof db & { json: { type: 'boolean' }; help: typeof help }> = {
  name: 'refresh',
  summary: 'import your files (or the demo world), refresh both engines once and print the report',
  usage: `usage: scene-radar refresh (--data <dir> | --demo) [--as-of <when>] [--json] [--postgres <url> [--schema <name>]]
${DATA_FLAGS}
  --json             print the import and refresh reports as JSON`,
  flags: { ...source, ...db, json: { type: 'boolean' }, help },
  async run(values, io, signal) {
    const opened = await openWithProgress(io, radarInput(values), postgresTarget(values), signal);
    try {
      if (values.json) {
        // The reports hold Maps (the scenes' circles): written as objects, not as `{}`.
        io.out(JSON.stringify({ import: opened.importReport ?? null, refresh: opened.refresh }, mapsAsObjects, 2));
      } else {
        io.out(`${opened.title} (tables ${opened.tables})`);
        if (opened.importReport) for (const line of importLines(opened.importReport)) io.out(line);
        for (const line of refreshLines(opened.refresh)) io.out(line);
      }
    } finally {
      await opened.close();
    }
    return 0;
  },
};

const demo: CliCommand<
  { artists: { type: 'string' }; seed: { type: 'string' }; end: { type: 'string' }; help: typeof help } & typeof db
> = {
  name: 'demo',
  summary: 'run both engines over the built-in demo world and print what they find',
  usage: `usage: scene-radar demo [--artists 300] [--seed 42] [--end YYYY-MM-DD] [--postgres <url> [--schema <name>]]
  --artists <n>      artists in the demo world (1-100000, default 300)
  --seed <n>         the world's seed (default 42)
  --end <day>        the world's last day, and the as-of of the refresh (default today)`,
  flags: { artists: { type: 'string' }, seed: { type: 'string' }, end: { type: 'string' }, ...db, help },
  async run(values, io, signal) {
    const end = values.end;
    // Years 1000-9999, as every instant the engines take (a year 0 day fails late, in the catalog).
    if (end !== undefined && !(/^[1-9]\d{3}-\d{2}-\d{2}$/.test(end) && isCalendarDay(end)))
      throw new UsageError('--end must be a day YYYY-MM-DD in the years 1000-9999');
    const opened = await openWithProgress(
      io,
      {
        kind: 'demo',
        artists: integer('artists', values.artists ?? '300', 1, 100_000),
        seed: integer('seed', values.seed ?? '42', 0, 2 ** 31),
        end: end ?? new Date().toISOString().slice(0, 10),
      },
      postgresTarget(values),
      signal,
    );
    try {
      await printDemo(opened, io);
    } finally {
      await opened.close();
    }
    return 0;
  },
};

const EVENT_TYPES = ['playlist_add', 'radio_play', 'chart_entry', 'social_spike', 'sync_placement', 'live_show'];

const backtest: CliCommand<{
  data: { type: 'string' };
  event: { type: 'string' };
  horizon: { type: 'string' };
  from: { type: 'string' };
  to: { type: 'string' };
  'train-until': { type: 'string' };
  calibrate: { type: 'boolean' };
  out: { type: 'string' };
  json: { type: 'boolean' };
  help: typeof help;
}> = {
  name: 'backtest',
  summary: 'check the breakout score on your history with the public harness (scene-radar/backtest)',
  usage: `usage: scene-radar backtest --data <dir> [--event chart_entry] [--horizon 90] [--from <day>] [--to <day>] [--train-until <day>] [--calibrate] [--out <file.md>] [--json]
  --data <dir>         a folder with an artists table and an events table (docs/cli.md)
  --event <type>       the event that counts as breaking out (${EVENT_TYPES.join(', ')}; default chart_entry)
  --horizon <days>     days after a cutoff in which it must happen (1-730, default 90)
  --from, --to <day>   first and last monthly cutoff (default: 180 days after the first event, the horizon before the last)
  --train-until <day>  cutoffs up to this day train, later ones test (default: the middle cutoff)
  --calibrate          fit the breakout model on the training cutoffs (default: the published model)
  --out <file.md>      also write the report as Markdown (and the result as JSON beside it)
  --json               print the result as JSON instead of the table`,
  flags: {
    data: { type: 'string' },
    event: { type: 'string' },
    horizon: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'train-until': { type: 'string' },
    calibrate: { type: 'boolean' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    help,
  },
  async run(values, io, signal) {
    if (values.data === undefined) throw new UsageError('give --data <dir>');
    // Checked before the run: a bad path must not throw a finished backtest away.
    const out = values.out === undefined ? undefined : reportPaths(values.out);
    const event = values.event ?? 'chart_entry';
    if (!EVENT_TYPES.includes(event)) throw new UsageError(`--event must be one of ${EVENT_TYPES.join(', ')}`);
    const view = progressView(io);
    const result = await untilAborted(
      backtestFolder({
        dir: values.data,
        event: event as RcfEventType,
        horizonDays: integer('horizon', values.horizon ?? '90', 1, 730),
        ...(values.from === undefined ? {} : { from: values.from }),
        ...(values.to === undefined ? {} : { to: values.to }),
        ...(values['train-until'] === undefined ? {} : { trainUntil: values['train-until'] }),
        calibrate: values.calibrate ?? false,
        // On stderr: stdout may be the JSON result (--json). Only when a row was rejected, as `skip` promises.
        onImport: (report) => {
          if (Object.values(report.tables).some((t) => (t?.rejected ?? 0) > 0))
            for (const line of importLines(report)) view.print(line);
        },
        onProgress: quietOnceAborted(view.onProgress, signal),
        signal,
      }),
      signal,
    ).finally(() => view.end());
    io.out(values.json ? backtestJson(result) : backtestConsoleTable(result));
    if (out !== undefined) {
      await writeTogether(
        [
          [out.markdown, backtestMarkdown(result, { resultFile: basename(out.json) })],
          [out.json, backtestJson(result)],
        ],
        signal,
      );
      io.err(`wrote ${out.markdown} and ${out.json}`);
    }
    // The breakout score is what this command measures: when it could not be run, the command failed.
    if (result.scorer?.error) {
      io.err(`backtest: ${result.scorer.name} failed: ${result.scorer.error}`);
      return EXIT.failed;
    }
    return 0;
  },
};

/**
 * The report files of `backtest --out <name>.md`: the Markdown and the JSON beside it, checked
 * before the run (a `.md` name, an existing folder, neither file a folder): `UsageError` otherwise.
 */
function reportPaths(markdown: string): { markdown: string; json: string } {
  if (!/\.md$/i.test(markdown))
    throw new UsageError(`--out must name a Markdown file (report.md; the JSON is written beside it), got ${markdown}`);
  const json = `${markdown.replace(/\.md$/i, '')}.json`;
  for (const file of [markdown, json]) {
    checkOutFile(file);
    isStream(file);
  }
  return { markdown, json };
}

/**
 * Checks a file an `--out` names before any work: not a name ending in a slash, its folder exists,
 * and it is not a folder. `UsageError` naming the flag otherwise (never a raw ENOENT about a
 * temporary file the operator never typed).
 */
function checkOutFile(file: string): void {
  // A name that can only be a folder: a trailing separator (a backslash is one on Windows only), or
  // a last segment `.` or `..`.
  const separators = process.platform === 'win32' ? /[/\\]/ : /\//;
  const last = file.split(separators).at(-1);
  if (last === '' || last === '.' || last === '..') throw new UsageError(`--out: ${file} names a folder, not a file`);
  // The folder as typed, not resolved: `<missing>/../x.json` resolves on paper, but the system
  // walks through the missing folder. A path through a file (ENOTDIR) is no folder either.
  const stat = (path: string): ReturnType<typeof statSync> | undefined => {
    try {
      return statSync(path, { throwIfNoEntry: false });
    } catch {
      return undefined;
    }
  };
  const folder = dirname(file);
  const found = stat(folder);
  if (found === undefined) throw new UsageError(`--out: the folder ${folder} does not exist`);
  if (!found.isDirectory()) throw new UsageError(`--out: ${folder} is not a folder`);
  if (stat(file)?.isDirectory()) throw new UsageError(`--out: ${file} is a folder`);
}

/**
 * Whether `path` names a named pipe or a device (written into, never replaced); a socket, which
 * cannot be opened as a file, is a {@link UsageError}.
 */
function isStream(path: string): boolean {
  const found = statSync(path, { throwIfNoEntry: false });
  if (found?.isSocket()) throw new UsageError(`--out: ${path} is a socket; give a file, a named pipe or a device`);
  return found !== undefined && !found.isFile() && !found.isDirectory();
}

/** The file `path` names, through any symbolic links (the path itself when nothing is there yet). */
function realTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Writes the files together: each to a temporary file beside it first, then all renamed into
 * place, so a write that fails (a full disk, a folder in the way) leaves none of them new: a file
 * already renamed into place is taken back and the one it replaced restored; the temporary files
 * are removed. A named pipe or a device among them is written into, once the files are in place.
 */
async function writeTogether(given: readonly (readonly [string, string])[], signal: AbortSignal): Promise<void> {
  // A named pipe or a device (`--out /dev/stdout`, a FIFO) is written into, after the files: a
  // rename onto it would replace it with a file its reader never sees.
  const streams: (readonly [string, string])[] = [];
  const files: (readonly [string, string])[] = [];
  for (const [path, text] of given)
    if (isStream(path)) streams.push([path, text]);
    // A symbolic link is written through: its target gets the text, beside it the temporary and
    // backup files, and the link stays (a rename onto the link replaced it with a file).
    else files.push([realTarget(path), text]);
  const temps = files.map(([path]) => `${path}.${process.pid}.tmp`);
  const backups = files.map(([path]) => `${path}.${process.pid}.bak`);
  const placed: number[] = [];
  const saved: number[] = [];
  try {
    files.forEach(([, text], i) => {
      writeFileSync(temps[i]!, text);
    });
    // Checked again at the end of a long run: something may have taken a name meanwhile.
    for (const [path] of files)
      if (statSync(path, { throwIfNoEntry: false })?.isDirectory())
        throw new Error(`${path} is a folder: neither report was written`);
    files.forEach(([path], i) => {
      if (statSync(path, { throwIfNoEntry: false }) !== undefined) {
        renameSync(path, backups[i]!);
        saved.push(i);
      }
      renameSync(temps[i]!, path);
      placed.push(i);
    });
  } catch (error) {
    for (const i of placed) rmSync(files[i]![0], { force: true });
    for (const i of saved) renameSync(backups[i]!, files[i]![0]);
    for (const temp of temps) rmSync(temp, { force: true });
    throw error;
  }
  for (const i of saved) rmSync(backups[i]!, { force: true });
  for (const [path, text] of streams) await writeInto(path, text, signal);
}

/**
 * Writes `text` into a named pipe or a device without blocking any thread: a pipe's open waits for
 * a reader, and a full pipe for its reader, in steps Ctrl-C ends (a thread blocked in the system
 * would hold the process's exit too).
 */
async function writeInto(path: string, text: string, signal: AbortSignal): Promise<void> {
  const pause = (): Promise<unknown> => untilAborted(new Promise((resolve) => setTimeout(resolve, 50)), signal);
  const busy = (e: unknown, code: string): boolean => (e as { code?: unknown }).code === code;
  let handle: FileHandle | undefined;
  while (handle === undefined)
    try {
      handle = await open(path, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (e) {
      if (!busy(e, 'ENXIO')) throw e;
      await pause();
    }
  try {
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; )
      try {
        at += (await handle.write(bytes, at)).bytesWritten;
      } catch (e) {
        // The reader went away (`--out /dev/stdout | head -c1`): not a failure, as for stdout.
        if (busy(e, 'EPIPE')) return;
        if (!busy(e, 'EAGAIN')) throw e;
        await pause();
      }
  } finally {
    await handle.close();
  }
}

/**
 * Listens on `port` and `host` for a moment and closes again: an Error naming the flag when it
 * cannot (the address in use, a host that does not resolve or is not this machine's).
 */
async function probeListen(port: number, host: string): Promise<void> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new Error(
      code === 'EADDRINUSE'
        ? `--port ${port}: the address ${host}:${port} is already in use`
        : `--host ${host} (--port ${port}): cannot listen there (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  await new Promise((resolve) => server.close(resolve));
}

/** The OpenAPI document as the commands write it: two-space JSON and a final newline. */
export function openApiText(basePath = '/api'): string {
  return `${JSON.stringify(createOpenApiDocument({ basePath }), null, 2)}\n`;
}

const openapi: CliCommand<{ 'base-path': { type: 'string' }; out: { type: 'string' }; help: typeof help }> = {
  name: 'openapi',
  summary: 'print the OpenAPI 3.1 document of the HTTP API',
  usage: `usage: scene-radar openapi [--base-path /api] [--out <file>]
  --base-path <path>  where the routes are mounted (default /api)
  --out <file>        write it to a file instead of stdout`,
  flags: { 'base-path': { type: 'string' }, out: { type: 'string' }, help },
  async run(values, io, signal) {
    const base = values['base-path'] ?? '/api';
    // The handler's own rule (no empty, `.` or `..` segment either), as a usage mistake naming the flag.
    try {
      normaliseBasePath(base);
    } catch {
      throw new UsageError('--base-path must be a path like /api (URL path characters, no empty, . or .. segment)');
    }
    // Checked as backtest --out checks its names: a usage mistake, not a raw ENOENT.
    if (values.out !== undefined) checkOutFile(values.out);
    const text = openApiText(base);
    if (values.out === undefined) io.out(text.trimEnd());
    else {
      // Whole or not at all: a full disk leaves the previous file, never a truncated one.
      await writeTogether([[values.out, text]], signal);
      io.err(`wrote ${values.out} (${Buffer.byteLength(text)} bytes)`);
    }
    return 0;
  },
};

/** Every command, in the order `scene-radar --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [demo, serve, refresh, backtest, openapi] as unknown as CliCommand[];
