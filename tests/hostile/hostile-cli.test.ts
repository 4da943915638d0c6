/**
 * Hostile use of the `scene-radar` command: a day that does not exist (`2025-02-30`, which
 * `Date.parse` silently rolls into March) is a usage error, before any file is read; Ctrl-C stops
 * a refresh at once with exit 130 instead of being ignored until the import, refresh and backfill
 * have all run; a manifest saved with a byte-order mark is read like the CSV files beside it.
 */
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';

const dir = mkdtempSync(join(tmpdir(), 'hostile-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, 'artists.csv'),
  'slug,name,home_region,first_seen\nnova-static,Nova Static,uk,2024-01-01T00:00:00Z\n',
);
writeFileSync(
  join(dir, 'events.csv'),
  'artist,type,at,weight,region\nnova-static,radio_play,2025-03-01T00:00:00Z,1,uk\n',
);

async function cli(args: readonly string[], signal?: AbortSignal): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, signal);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('scene-radar command under hostile use', () => {
  it.each([
    [['refresh', '--data', dir, '--as-of', '2025-02-30'], /--as-of must be 'now', a day YYYY-MM-DD/],
    // Checked before the folder is read: the folder here does not even exist.
    [['backtest', '--data', join(dir, 'missing'), '--from', '2025-02-30'], /--from must be a day YYYY-MM-DD/],
    // A year the engines cannot take fails here, not late in the catalog with exit 1.
    [['refresh', '--data', dir, '--as-of', '0000-01-01'], /--as-of must be 'now', a day YYYY-MM-DD .*years 1000-9999/],
    [['demo', '--end', '0000-01-01'], /--end must be a day YYYY-MM-DD in the years 1000-9999/],
  ])('refuses the impossible day in %j with exit 2, never serving another day', async (args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(message);
    expect(run.out).toBe('');
  });

  it('accepts a real leap day', async () => {
    const run = await cli(['refresh', '--data', dir, '--as-of', '2024-02-29', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out).refresh.talent.asOf).toBe('2024-02-29T00:00:00.000Z');
  });

  it('reads a scene-radar.json saved with a byte-order mark, as the CSV files are', async () => {
    const withManifest = mkdtempSync(join(tmpdir(), 'hostile-cli-bom-'));
    try {
      writeFileSync(
        join(withManifest, 'scene-radar.json'),
        `\ufeff${JSON.stringify({ name: 'bom', tables: { artists: join(dir, 'artists.csv'), events: join(dir, 'events.csv') } })}`,
      );
      const run = await cli(['refresh', '--data', withManifest, '--json']);
      expect(run.err).not.toMatch(/not valid JSON/);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.out).import.artists).toBe(1);
    } finally {
      rmSync(withManifest, { recursive: true, force: true });
    }
  });

  it('stops a refresh at once when interrupted (exit 130), instead of running to its end', async () => {
    const controller = new AbortController();
    controller.abort();
    const run = await cli(['refresh', '--data', dir], controller.signal);
    expect(run.code).toBe(130);
    expect(run.err).toMatch(/scene-radar refresh: interrupted/);
    expect(run.out).toBe('');
  });

  it('backtest over events with one mistyped year 9999 refuses at once (exit 1: the data, not the command line; hostile review 148), not 95,697 monthly cutoffs', async () => {
    const typo = join(dir, 'typo');
    mkdirSync(typo);
    for (const f of ['artists.csv', 'events.csv']) copyFileSync(join('examples/backtest-data', f), join(typo, f));
    appendFileSync(join(typo, 'events.csv'), 'lycy-draka,,radio_play,9999-01-01T00:00:00Z,1,gb\n');
    const run = await cli(['backtest', '--data', typo]);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(
      /monthly cutoffs .* \(180 days after the first event and the horizon before the last event; at most 600\): the events run from .* to 9999-01-01; is a date mistyped\?/,
    );
  });

  it('a data folder with two files for one table, or a manifest that is a directory, is a usage error naming them (exit 2)', async () => {
    const two = join(dir, 'two-events');
    mkdirSync(two);
    for (const f of ['artists.csv', 'events.csv']) copyFileSync(join('examples/backtest-data', f), join(two, f));
    writeFileSync(join(two, 'events.jsonl'), '');
    const run = await cli(['backtest', '--data', two]);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/events\.csv and events\.jsonl are both files for the events table/);
    const manifestDir = join(dir, 'manifest-dir');
    mkdirSync(join(manifestDir, 'scene-radar.json'), { recursive: true });
    const again = await cli(['backtest', '--data', manifestDir]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/scene-radar\.json is a directory, not a manifest file/);
  });

  it('--from and --to past the data (no cutoff it can judge) is refused naming the span (exit 2), not a table of n/a with exit 0', async () => {
    for (const [from, to] of [
      ['2030-01-01', '2031-06-01'],
      ['1990-01-01', '1991-06-01'],
    ] as const) {
      const run = await cli(['backtest', '--data', 'examples/backtest-data', '--from', from, '--to', to]);
      expect(run.code).toBe(2);
      expect(run.err).toContain(
        `no monthly cutoff between ${from} and ${to} (--from and --to) can be judged: the events run from 2023-07-08 to 2025-12-31`,
      );
      expect(run.out).toBe('');
    }
  });

  it('a table file the name rule does not read (events.json, Events.csv) and no readable one for that table is a usage error naming it (exit 2), not a run without the table', async () => {
    for (const [name, other] of [
      ['events.json', 'events.csv.bak'],
      ['Events.csv', undefined],
    ] as const) {
      const odd = join(dir, `odd-${name}`);
      mkdirSync(odd);
      copyFileSync(join('examples/backtest-data', 'artists.csv'), join(odd, 'artists.csv'));
      copyFileSync(join('examples/backtest-data', 'events.csv'), join(odd, name));
      if (other) writeFileSync(join(odd, other), '');
      const run = await cli(['refresh', '--data', odd]);
      expect(run.code).toBe(2);
      const named = other ? `${other} and ${name} look like files` : `${name} looks like a file`;
      expect(run.err).toContain(`${named} for the events table, but files are read by name only as events.csv,`);
      expect(run.out).toBe('');
    }
    // Beside a readable file, another file for the same table is left alone (a backup, notes).
    const withBackup = join(dir, 'with-backup');
    mkdirSync(withBackup);
    for (const f of ['artists.csv', 'events.csv']) copyFileSync(join('examples/backtest-data', f), join(withBackup, f));
    writeFileSync(join(withBackup, 'events.csv.bak'), 'not read');
    const run = await cli(['refresh', '--data', withBackup, '--json']);
    expect(run.err).not.toContain('look');
    expect(run.code).toBe(0);
  });
});
