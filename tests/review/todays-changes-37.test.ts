/**
 * Review of the day's changes 37 (b2e65d0): `noteTableFiles` replacing the manifest delimiter map
 * of `csvHeaderOf` (src/cli/io.ts, called by src/cli/manifest.ts on each folder read), and the
 * Redis tier's `isWrongType` matching a WRONGTYPE inside a script's error (Redis 6).
 * Functions are called in-process (runCli in-process too; no CLI child process). Redis keys live
 * under `tc37:<random>:`, dropped afterwards.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: the registry is
 * gone; `withFolderColumns` marks an import's failure with `folderColumnsOf(folder.files)`, each
 * file's header read as the import reads it, and `describeFailure` uses it. The tests that read
 * the registry through `csvHeaderOf` read `folderColumnsOf` now, and the import helper marks its
 * failure as the CLI does).
 *
 * FAULTS:
 *
 * 1. src/cli/io.ts `csvHeaderOf` / `noteTableFiles`: an entry the manifest says is NOT plain CSV is
 *    simply left out of the registry, and `csvHeaderOf` then falls back to the file's name. So
 *    `{ "path": "events.csv", "format": "jsonl" }` has its first JSON line split as a CSV header,
 *    and a JSONL rejection is given a made-up position ("column 2 (weight)" for a JSON line that
 *    holds `"note": "x,weight,y"`); `{ "path": "events.csv", "gzip": true }` has its gzip bytes
 *    returned as a "header". Fix: register every manifest entry with its resolved format/gzip
 *    (e.g. `{ csv: false }` for non-CSV), and let a registered entry win over the name.
 *
 * 2. src/cli/io.ts `noteTableFiles` / `csvHeaderOf`: the "is it plain CSV" and "which delimiter"
 *    rules differ from the import's (`detectTableFormat` + `options.gzip` + `options.delimiter ?? ','`).
 *    `{ "path": "events.tsv", "format": "csv" }` (no delimiter) is imported with a comma but its
 *    header is split on a tab; `{ "path": "events.csv.gz", "gzip": false }` is imported as plain
 *    CSV but not registered (`/\.(csv|tsv)$/` fails on `.gz`) and not readable by name. Both lose the
 *    bad cell's column number ("column weight:"). Fix: compute format/gzip exactly as
 *    stream-table does (detectTableFormat(path) overridden by spec.format / spec.gzip) and store the
 *    delimiter as the import uses it (spec.delimiter ?? ','), the `.tsv`→tab default only for files
 *    not named by a manifest.
 *
 * 3. src/cli/io.ts `noteTableFiles` (module-level `manifestCsv`, cleared on every folder read):
 *    "the folder read last" is process-global, so two commands run in one process at once
 *    (`Promise.all([runCli(refresh A), runCli(refresh B)])`, as a host or test may) have B's read
 *    wipe A's `;` delimiter while A is still importing; A's failure is then described with a
 *    comma ("column weight:" instead of "column 5 (weight)"). Before this change (never cleared)
 *    this case worked. Fix: carry the table specs with the DataFolder / the rejection to
 *    `describeFailure` (e.g. a `columnsOf` built from `folder.files`) instead of a global registry.
 *
 * Verified correct (plain `it`): a folder whose manifest gave `;` and is re-read with a string entry
 * (comma) reports column 5; a manifest `format: "csv"` on `.txt` with `;`; a folder read by a
 * relative path and through a symlinked folder and a symlinked file keys the header as the
 * rejection names it; `describeFailure` uses a custom `columnsOf` (not the registry); Redis: a
 * Redis 7 WRONGTYPE from the script is refused 'corrupt' (no l2Error, still ok); a Redis 6 style
 * `ERR Error running script (...): @user_script:2: WRONGTYPE ...` from a host client is refused
 * too; an outage error that is not WRONGTYPE (`READONLY`, `LOADING`, a message with
 * `'WRONGTYPE'` quoted without a space, `NOWRONGTYPE`) still counts an l2Error and degrades.
 * No realistic false positive of the new regex was found: the tier's scripts never echo a key or
 * value into an error, and Redis's own messages that echo arguments quote them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { readDataFolder } from '../../src/cli/manifest.js';
import { describeFailure, folderColumnsOf, withFolderColumns } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/index.js';
import { createTabularSourcesFromFiles } from '../../adapters/tabular/index.js';
import { createRedisCacheTier, type RedisCacheTier, type RedisCacheTierEvent } from '../../adapters/redis/index.js';
import { dropPrefix, lazyTestRedis } from '../helpers/redis-test.js';

const root = mkdtempSync(join(tmpdir(), 'todays-changes-37-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let nf = 0;
function folder(files: Record<string, string | Buffer>): string {
  const dir = join(root, `f${nf++}`);
  mkdirSync(dir);
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

const ARTISTS = 'slug,name,home_region,home_city,first_seen\nann,Ann,gb,,2024-01-01\nbob,Bob,gb,,2024-01-01\n';
const EVENTS = 'artist,id,type,at,weight,region\nann,,playlist_add,2024-02-01T00:00:00Z,3,gb\n';
const BAD_EVENTS = `${EVENTS}ann,,playlist_add,2024-02-01,heavy,gb\n`;
const SEMI = BAD_EVENTS.replace(/,/g, ';');

async function importFailure(dir: string): Promise<string> {
  const f = readDataFolder(dir);
  try {
    await createTabularSourcesFromFiles(f.files, f.options);
  } catch (e) {
    // As the CLI does: the failure carries how the folder's files name their columns.
    return describeFailure(withFolderColumns(e, f.files)).join('\n');
  }
  throw new Error('the import did not fail');
}

// ---------------------------------------------------------------------------------------------
// noteTableFiles / csvHeaderOf
// ---------------------------------------------------------------------------------------------

describe("the columns of a folder's files, carried by its import failure", () => {
  it('FAULT: a manifest `format: "jsonl"` on a .csv name is split as a CSV header: a JSONL rejection gets a made-up column position', async () => {
    const jsonl =
      '{"note": "x,weight,y", "artist": "ann", "type": "playlist_add", "at": "2024-02-01T00:00:00Z", "weight": 3, "region": "gb"}\n' +
      '{"artist": "ann", "type": "playlist_add", "at": "2024-02-01T00:00:00Z", "weight": "heavy", "region": "gb"}\n';
    const dir = folder({
      'artists.csv': ARTISTS,
      'events.csv': jsonl,
      'scene-radar.json': '{"tables":{"artists":"artists.csv","events":{"path":"events.csv","format":"jsonl"}}}',
    });
    const out = await importFailure(dir);
    expect(out).toContain('events.csv:2:');
    expect(out).toContain('weight');
    // A JSON line has no column positions: the field is named, never numbered.
    expect(out).not.toMatch(/column \d+ \(weight\)/);
    expect(folderColumnsOf(readDataFolder(dir).files)(join(dir, 'events.csv'))).toBeUndefined();
  });

  it('FAULT: a manifest `gzip: true` on a .csv name: csvHeaderOf returns the gzip bytes as a header', () => {
    const dir = folder({
      'artists.csv': ARTISTS,
      'events.csv': gzipSync(BAD_EVENTS),
      'scene-radar.json': '{"tables":{"artists":"artists.csv","events":{"path":"events.csv","gzip":true}}}',
    });
    // "The header of an uncompressed CSV file ... undefined otherwise."
    expect(folderColumnsOf(readDataFolder(dir).files)(join(dir, 'events.csv'))).toBeUndefined();
  });

  it('FAULT: `{ "path": "events.tsv", "format": "csv" }` is imported with a comma but its header is split on a tab', async () => {
    const dir = folder({
      'artists.csv': ARTISTS,
      'events.tsv': BAD_EVENTS,
      'scene-radar.json': '{"tables":{"artists":"artists.csv","events":{"path":"events.tsv","format":"csv"}}}',
    });
    const out = await importFailure(dir);
    expect(out).toContain('events.tsv:3:');
    expect(out).toContain('column 5 (weight)');
  });

  it('FAULT: `{ "path": "events.csv.gz", "gzip": false }` is imported as plain CSV but its header is never read', async () => {
    const dir = folder({
      'artists.csv': ARTISTS,
      'events.csv.gz': BAD_EVENTS,
      'scene-radar.json': '{"tables":{"artists":"artists.csv","events":{"path":"events.csv.gz","gzip":false}}}',
    });
    const out = await importFailure(dir);
    expect(out).toContain('events.csv.gz:3:');
    expect(out).toContain('column 5 (weight)');
  });

  it('FAULT: two commands in one process: the second folder read wipes the first one\'s ";" before its failure is described', async () => {
    const a = folder({
      'artists.csv': ARTISTS,
      'events.csv': SEMI,
      'scene-radar.json': '{"tables":{"artists":"artists.csv","events":{"path":"events.csv","delimiter":";"}}}',
    });
    const b = folder({ 'artists.csv': ARTISTS, 'events.csv': BAD_EVENTS });
    const errA: string[] = [];
    const errB: string[] = [];
    const io = (err: string[]) => ({ out: () => undefined, err: (line: string) => err.push(line) });
    const codes = await Promise.all([
      runCli(['refresh', '--data', a], io(errA) as never),
      runCli(['refresh', '--data', b], io(errB) as never),
    ]);
    expect(codes).toEqual([1, 1]);
    // Alone, each says column 5 (checked in the next test); together, A's must still say it.
    expect(errB.join('\n')).toContain('column 5 (weight)');
    expect(errA.join('\n')).toContain('column 5 (weight)');
  });

  it('each command alone reports column 5 (the baseline of the test above)', async () => {
    const a = folder({
      'artists.csv': ARTISTS,
      'events.csv': SEMI,
      'scene-radar.json': '{"tables":{"artists":"artists.csv","events":{"path":"events.csv","delimiter":";"}}}',
    });
    const errA: string[] = [];
    const code = await runCli(['refresh', '--data', a], {
      out: () => undefined,
      err: (line: string) => errA.push(line),
    } as never);
    expect(code).toBe(1);
    expect(errA.join('\n')).toContain('column 5 (weight)');
  });

  it('a ";" manifest re-read as a string entry (comma file) reports column 5; format csv on .txt with ";" too', async () => {
    const dir = folder({
      'artists.csv': ARTISTS,
      'events.csv': SEMI,
      'scene-radar.json': '{"tables":{"artists":"artists.csv","events":{"path":"events.csv","delimiter":";"}}}',
    });
    expect(await importFailure(dir)).toContain('column 5 (weight)');
    writeFileSync(join(dir, 'events.csv'), BAD_EVENTS);
    writeFileSync(join(dir, 'scene-radar.json'), '{"tables":{"artists":"artists.csv","events":"events.csv"}}');
    expect(await importFailure(dir)).toContain('column 5 (weight)');
    const txt = folder({
      'artists.csv': ARTISTS,
      'events.txt': SEMI,
      'scene-radar.json':
        '{"tables":{"artists":"artists.csv","events":{"path":"events.txt","format":"csv","delimiter":";"}}}',
    });
    const out = await importFailure(txt);
    expect(out).toContain('events.txt:3:');
    expect(out).toContain('column 5 (weight)');
  });

  it('a relative folder path, a symlinked folder and a symlinked file name the header as the rejection does', async () => {
    const dir = folder({
      'artists.csv': ARTISTS,
      'real-events.txt': SEMI,
      'scene-radar.json': '{"tables":{"artists":"artists.csv","events":{"path":"events.csv","delimiter":";"}}}',
    });
    symlinkSync(join(dir, 'real-events.txt'), join(dir, 'events.csv'));
    const rel = relative(process.cwd(), dir);
    expect(await importFailure(rel)).toContain('column 5 (weight)');
    const link = join(root, `link${nf++}`);
    symlinkSync(dir, link);
    const out = await importFailure(link);
    expect(out).toContain(`${link}/events.csv:3:`);
    expect(out).toContain('column 5 (weight)');
  });

  it('describeFailure uses a custom columnsOf, not the registry', async () => {
    const dir = folder({
      'artists.csv': ARTISTS,
      'events.csv': SEMI,
      'scene-radar.json': '{"tables":{"artists":"artists.csv","events":{"path":"events.csv","delimiter":";"}}}',
    });
    const f = readDataFolder(dir);
    let error: unknown;
    try {
      await createTabularSourcesFromFiles(f.files, f.options);
    } catch (e) {
      error = e;
    }
    const asked: string[] = [];
    const lines = describeFailure(error, (file) => {
      asked.push(file);
      return ['weight'];
    });
    expect(asked).toEqual([join(dir, 'events.csv')]);
    expect(lines.join('\n')).toContain('column 1 (weight)');
    expect(describeFailure(error, () => undefined).join('\n')).toContain('column weight:');
  });
});

// ---------------------------------------------------------------------------------------------
// Redis tier: isWrongType
// ---------------------------------------------------------------------------------------------

const ROOT = `tc37:${randomBytes(4).toString('hex')}:`;
const connect = lazyTestRedis();
let redis: Redis;
const open: RedisCacheTier[] = [];
const clients: Redis[] = [];
let nt = 0;
beforeEach(async () => {
  redis = await connect();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
  for (const c of clients.splice(0)) c.disconnect();
});
afterAll(async () => {
  if (!redis) return;
  await dropPrefix(redis, ROOT);
  redis.disconnect();
});

async function tier(
  events: RedisCacheTierEvent[] = [],
  client?: Redis,
): Promise<{ prefix: string; t: RedisCacheTier }> {
  const keyPrefix = `${ROOT}${nt++}:`;
  const t = createRedisCacheTier({
    redis: client ?? { host: '127.0.0.1', port: 6379 },
    keyPrefix,
    onEvent: (e) => events.push(e),
  });
  open.push(t);
  await t.ready();
  return { prefix: keyPrefix, t };
}

/**
 * A host client whose run of the read script fails with `message` (as a Redis reply error): by
 * EVALSHA, as the tier runs it, and by EVAL, should the server not know the script.
 */
function failingReads(message: string): Redis {
  const c = new Redis({ host: '127.0.0.1', port: 6379 });
  clients.push(c);
  const real = c.eval.bind(c) as (...args: unknown[]) => Promise<unknown>;
  const patched = (...args: unknown[]): Promise<unknown> => {
    if (typeof args[0] === 'string' && args[0].includes('PTTL')) return Promise.reject(new Error(message));
    return real(...args);
  };
  (c as unknown as { eval: unknown }).eval = patched;
  // The read script's SHA is the only one of a 40-hex digit argument sent with one key here.
  const realSha = c.evalsha.bind(c) as (...args: unknown[]) => Promise<unknown>;
  const read = createHash('sha1')
    .update(
      "\nlocal v = redis.call('GET', KEYS[1])\nif not v then return nil end\nreturn { v, redis.call('PTTL', KEYS[1]) }\n",
    )
    .digest('hex');
  (c as unknown as { evalsha: unknown }).evalsha = (...args: unknown[]): Promise<unknown> =>
    args[0] === read ? Promise.reject(new Error(message)) : realSha(...args);
  return c;
}

describe('isWrongType', () => {
  it('Redis 7: a list at an entry key read by the script is refused corrupt, no l2Error', async () => {
    const events: RedisCacheTierEvent[] = [];
    const { prefix, t } = await tier(events);
    await redis.rpush(`${prefix}v:k`, 'a');
    expect(await t.get('k')).toBeUndefined();
    expect(t.health().state).toBe('ok');
    expect(t.health().counters.l2Errors).toBe(0);
    expect(events).toContainEqual({ type: 'refused', key: 'k', reason: 'corrupt' });
  });

  it('a Redis 6 style script error with WRONGTYPE inside is refused corrupt, no outage', async () => {
    const events: RedisCacheTierEvent[] = [];
    const { t } = await tier(
      events,
      failingReads(
        'ERR Error running script (call to f_0123456789abcdef0123456789abcdef01234567): @user_script:2: WRONGTYPE Operation against a key holding the wrong kind of value',
      ),
    );
    expect(await t.get('k')).toBeUndefined();
    expect(t.health().state).toBe('ok');
    expect(t.health().counters.l2Errors).toBe(0);
    expect(events).toContainEqual({ type: 'refused', key: 'k', reason: 'corrupt' });
  });

  for (const message of [
    "ERR Error running script (call to f_01): @user_script:2: READONLY You can't write against a read only replica.",
    'LOADING Redis is loading the dataset in memory',
    "ERR unknown command 'eval', with args beginning with: 'WRONGTYPE'",
    'ERR NOWRONGTYPE-proxy upstream closed',
  ]) {
    it(`an outage that is not a wrong type still degrades: ${message.slice(0, 40)}`, async () => {
      const events: RedisCacheTierEvent[] = [];
      const { t } = await tier(events, failingReads(message));
      expect(await t.get('k')).toBeUndefined();
      expect(t.health().counters.l2Errors).toBe(1);
      expect(t.health().state).toBe('degraded');
      expect(events.some((e) => e.type === 'refused')).toBe(false);
    });
  }
});
