/**
 * Review 39: the `scene-radar` command (src/cli) under hostile use, in-process through `runCli`
 * with captured io (and a simulated terminal where the progress bar matters). Each test asserts
 * the documented (or, where the docs are silent, the expected) behaviour and fails on the code it
 * was written against, for a real fault.
 */
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../../src/cli/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/backtest-data');
const STACK = /^\s+at /m;

const dir = mkdtempSync(join(tmpdir(), 'hostile-review-39 '));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  out: string;
  /** stderr without the progress lines. */
  err: string;
  /** The progress lines. */
  progress: string[];
  /** stdout and stderr lines in the order written, tagged. */
  order: string[];
}

async function cli(args: readonly string[], io: Partial<CliIo> = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const order: string[] = [];
  const code = await runCli(args, {
    out: (l) => {
      out.push(l);
      order.push(`out:${l}`);
    },
    err: (l) => {
      err.push(l);
      order.push(`err:${l}`);
    },
    ...io,
  });
  return {
    code,
    out: out.join('\n'),
    err: err.filter((l) => !l.startsWith('progress: ')).join('\n'),
    progress: err.filter((l) => l.startsWith('progress: ')),
    order,
  };
}

/** A fresh folder (its name with a space) holding the example's artists and events, and `files`. */
function folder(name: string, files: Record<string, string | Buffer> = {}): string {
  const at = join(dir, `${name} folder`);
  mkdirSync(at, { recursive: true });
  writeFileSync(join(at, 'artists.csv'), readFileSync(join(EXAMPLE, 'artists.csv')));
  writeFileSync(join(at, 'events.csv'), readFileSync(join(EXAMPLE, 'events.csv')));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(at, file), text);
  return at;
}

describe('scene-radar openapi --base-path: a bad value', () => {
  it('a path with an empty segment (//x) is a usage mistake: exit 2 with the usage, naming --base-path (today: exit 1, "basePath must be ...")', async () => {
    const run = await cli(['openapi', '--base-path', '//x']);
    expect(run.out).toBe('');
    expect(run.err).toContain('--base-path');
    expect(run.err).toContain('usage: scene-radar openapi');
    expect(run.code).toBe(2);
  });
});

describe('scene-radar --schema: a schema name PostgreSQL reserves', () => {
  it('--schema pg_radar is a bad value: exit 2 with the usage, as a name over 63 bytes is (today: exit 1, CONFIG_INVALID)', async () => {
    const data = folder('schema-pg');
    const run = await cli([
      'refresh',
      '--data',
      data,
      '--postgres',
      'postgres://postgres@127.0.0.1:5432/test',
      '--schema',
      'pg_radar',
    ]);
    expect(run.err).toContain('--schema');
    expect(run.err).toContain('usage: scene-radar refresh');
    expect(run.code).toBe(2);
    expect(run.progress).toEqual([]); // nothing imported
  });
});

describe('scene-radar refresh: a catalog file the engine refuses', () => {
  it('is reported naming the catalog file, before the table files are imported (today: "Invalid catalog: ..." with no file, after the whole import)', async () => {
    const data = folder('bad-catalog', {
      'catalog.json': '{ "scenes": [{ "slug": "Not A Slug" }], "microgenres": [] }\n',
    });
    const run = await cli(['refresh', '--data', data]);
    expect(run.code).toBe(1);
    expect(run.err).not.toMatch(STACK);
    expect(run.err).toContain(join(data, 'catalog.json'));
    // "The catalog before the table files: a missing or broken one fails before a long import."
    expect(run.progress.filter((l) => l.startsWith('progress: import'))).toEqual([]);
  });
});

describe('scene-radar openapi --out: a symbolic link', () => {
  it('writes the document to the file the link points to and keeps the link (today: the link is replaced by a new file, the target left stale)', async () => {
    const at = join(dir, 'symlink-out');
    mkdirSync(join(at, 'shared'), { recursive: true });
    const target = join(at, 'shared', 'openapi.json');
    writeFileSync(target, '{"stale":true}\n');
    const link = join(at, 'openapi.json');
    symlinkSync(target, link);
    const run = await cli(['openapi', '--out', link]);
    expect(run.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, 'utf8')).openapi).toBe('3.1.0');
  });
});

describe('scene-radar backtest on a terminal: rejected rows and the progress bar', () => {
  it('the rejection lines start on a line of their own, never glued to the end of the bar (today: "[####...] import build 1/1 (100%)Imported ...")', async () => {
    const events = readFileSync(join(EXAMPLE, 'events.csv'), 'utf8').replace(/\n?$/, '\n');
    const data = folder('tty-skip', {
      'events.csv': `${events}lycy-draka,,playlist_add,2024-03-01T00:00:00Z,heavy,gb\n`,
      'scene-radar.json': JSON.stringify({
        tables: { artists: 'artists.csv', events: 'events.csv' },
        import: { onInvalidRow: 'skip' },
      }),
    });
    // One terminal: stderr's bar and stderr's lines go to the same screen.
    let screen = '';
    const run = await cli(['backtest', '--data', data, '--from', '2024-09-01', '--to', '2024-10-01'], {
      err: (l) => {
        screen += `${l}\n`;
      },
      stderr: {
        isTTY: true,
        columns: 200,
        write: (text: string) => {
          screen += text;
          return true;
        },
      },
    });
    expect(run.code).toBe(0);
    expect(screen).toContain('Imported ');
    // What the terminal shows on the line where "Imported" is printed: after the last carriage
    // return or newline before it, nothing of the bar may be left.
    const at = screen.indexOf('Imported ');
    const lineStart = Math.max(screen.lastIndexOf('\n', at), screen.lastIndexOf('\r', at));
    const shown = screen
      .slice(lineStart + 1, at)
      .split('\u001b[2K')
      .join('');
    expect(shown).toBe('');
  });
});
