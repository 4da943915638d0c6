/**
 * Review 22: the `scene-radar` command (src/cli) and configuration validation (src/config.ts,
 * src/talent/model-config.ts) under hostile use, run in-process through `runCli` with captured io.
 * Each test not marked "guard" asserts the right behaviour and fails on the code it was written
 * against, for a real fault:
 * - `backtest --calibrate` whose breakout scorer cannot be fitted (no training cutoff, or one)
 *   prints "failed" in its table and exits 0;
 * - a `demo --end` / `--as-of` day near the documented floor (years 1000-9999) passes the flag
 *   check, then fails late in the trend backfill (exit 1, an engine message about `from`);
 * - an `--as-of` instant written with an offset is checked by its text, not by the instant, so one
 *   that falls in the year 999 or 10000 fails late in the engines (exit 1) instead of exit 2;
 * - the column position of an invalid cell is counted with a naive split of the header, so a
 *   quoted header cell holding a comma moves every later column by one;
 * - a scene-radar.json saved with a byte-order mark puts a schema error one column too far right;
 * - `backtest --out`: a folder appearing where the JSON goes during the run leaves the new
 *   Markdown report written ("both or neither");
 * - `serve` over a world where nobody is rising prints `unknown-artist` (a 404) as the example of a
 *   profile, although every artist was scored;
 * - a manifest `asOf` instant with an offset that falls in the year 999 passes the manifest's
 *   check and fails after the whole import, without its place in scene-radar.json;
 * - `backtest` over a manifest with `onInvalidRow: skip` never says a row was rejected (the
 *   manifest's documentation: "skip serves the rest and prints the rejections");
 * - `--postgres` refuses a valid PostgreSQL URL that reaches the server by its Unix socket
 *   (`postgresql:///radar?host=/var/run/postgresql`), which `pg` and `describePostgres` take;
 * - `demo` over a small world where nobody is rising prints no artist profile at all, although
 *   docs/cli.md says it prints one;
 * - configuration layers whose objects have a null prototype (what `pg-connection-string`, `ini`
 *   and others return) replace earlier layers wholesale instead of "field by field";
 * - configuration weights that sum to 0 (nothing to renormalise) are accepted, and the engines
 *   then find no membership at all, or a heat of 0 for every scene, without a word.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresTarget, UsageError } from '../../src/cli/command-line.js';
import { type CliIo, runCli } from '../../src/cli/index.js';
import { resolveConfig, type SceneRadarConfigInput } from '../../src/config.js';
import { isSceneRadarError } from '../../src/core/errors.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/backtest-data');
const STACK = /^\s+at /m;

const dir = mkdtempSync(join(tmpdir(), 'hostile-review-22-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  out: string;
  /** stderr without the progress lines. */
  err: string;
  /** The progress lines. */
  progress: string[];
}

async function cli(
  args: readonly string[],
  hooks: { onErr?: (line: string) => void; onOut?: (line: string) => void } = {},
  signal?: AbortSignal,
): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (l) => {
      out.push(l);
      hooks.onOut?.(l);
    },
    err: (l) => {
      err.push(l);
      hooks.onErr?.(l);
    },
  };
  const code = await runCli(args, io, signal);
  return {
    code,
    out: out.join('\n'),
    err: err.filter((l) => !l.startsWith('progress: ')).join('\n'),
    progress: err.filter((l) => l.startsWith('progress: ')),
  };
}

/** A fresh folder under the test's temporary folder, holding `files` (name to content). */
function folder(name: string, files: Record<string, string | Buffer> = {}): string {
  const at = join(dir, name);
  mkdirSync(at, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(at, file), text);
  return at;
}

const exampleFiles = (): Record<string, Buffer> => ({
  'artists.csv': readFileSync(join(EXAMPLE, 'artists.csv')),
  'events.csv': readFileSync(join(EXAMPLE, 'events.csv')),
});

describe('scene-radar backtest --calibrate: the scorer under test cannot be fitted', () => {
  it('exits non-zero, saying why, when no cutoff is left to train on (today: a table of "failed" and exit 0)', async () => {
    const run = await cli(['backtest', '--data', EXAMPLE, '--train-until', '2000-01-01', '--calibrate']);
    // The only thing this command measures is the breakout score: when it failed, the command failed.
    expect(run.code).not.toBe(0);
    expect(run.err).toMatch(/calibrat|train/i);
    expect(run.err).not.toMatch(STACK);
  }, 60_000);

  it('exits non-zero when one training cutoff is all there is to fit on (today: exit 0)', async () => {
    const run = await cli(['backtest', '--data', EXAMPLE, '--from', '2024-09-01', '--to', '2024-10-01', '--calibrate']);
    expect(run.code).not.toBe(0);
    expect(run.err).toMatch(/calibrat|train/i);
    expect(run.err).not.toMatch(STACK);
  }, 60_000);

  it('guard: without --calibrate, a run whose cutoffs are all test cutoffs still runs (the published model needs no training)', async () => {
    const run = await cli(['backtest', '--data', EXAMPLE, '--train-until', '2000-01-01', '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.out) as { scorer: { error: string | null } | null };
    expect(result.scorer?.error ?? null).toBeNull();
  }, 60_000);
});

describe('scene-radar: days near the documented floor of the years 1000-9999', () => {
  it('demo --end 1000-01-05 runs, or is refused as a usage mistake naming --end; never a late engine failure (today: exit 1, "from must be a date")', async () => {
    const run = await cli(['demo', '--artists', '5', '--end', '1000-01-05']);
    expect(run.err).not.toMatch(/\bfrom must be/);
    expect(run.code === 0 || (run.code === 2 && run.err.includes('--end')), `exit ${run.code}: ${run.err}`).toBe(true);
  }, 60_000);

  it('refresh --demo --as-of 1000-01-01 runs, or is refused naming --as-of (today: exit 1, "from must be a date")', async () => {
    const run = await cli(['refresh', '--demo', '--artists', '5', '--as-of', '1000-01-01']);
    expect(run.err).not.toMatch(/\bfrom must be/);
    expect(run.code === 0 || (run.code === 2 && run.err.includes('--as-of')), `exit ${run.code}: ${run.err}`).toBe(
      true,
    );
  }, 60_000);
});

describe('scene-radar refresh --as-of <instant with an offset>', () => {
  it('an instant whose UTC time is in the year 999 or 10000 is a usage mistake (exit 2, naming --as-of), not an engine failure (today: exit 1)', async () => {
    const data = folder('as-of-offset', exampleFiles());
    for (const asOf of ['1000-01-01T00:00:00+01:00', '9999-12-31T23:00:00-05:00']) {
      const run = await cli(['refresh', '--data', data, '--as-of', asOf]);
      expect(run.code, `${asOf}: exit ${run.code}: ${run.err}`).toBe(2);
      expect(run.err).toContain('--as-of');
      expect(run.err).not.toMatch(STACK);
    }
  }, 60_000);
});

describe('scene-radar refresh: where an invalid cell is', () => {
  it('counts the columns of a header with a quoted cell holding a comma as the CSV does (today: one too far right)', async () => {
    const data = folder('quoted-header', {
      'artists.csv': 'slug,name,home_region,home_city,first_seen\nab-cd,Ab Cd,gb,glasgow,2024-01-01\n',
      // Six columns: artist, "note, free text", id, type, at, weight (6th), region.
      'events.csv':
        'artist,"note, free text",id,type,at,weight,region\n' +
        'ab-cd,x,,playlist_add,2024-02-01T00:00:00Z,3,gb\n' +
        'ab-cd,y,,playlist_add,2024-02-02T00:00:00Z,heavy,gb\n',
    });
    const run = await cli(['refresh', '--data', data]);
    expect(run.code).toBe(1);
    expect(run.err).toContain(`${join(data, 'events.csv')}:3: column 6 (weight):`);
    expect(run.err).not.toContain('column 7 (weight)');
  }, 60_000);
});

describe('scene-radar refresh: a scene-radar.json saved with a byte-order mark', () => {
  it('places a schema error at the column an editor shows, as it does a JSON syntax error (today: one column too far)', async () => {
    const text = '{"tables":{"artists":5}}';
    const column = text.indexOf('"artists"') + 1; // 12
    const plain = folder('manifest-no-bom', { 'scene-radar.json': text });
    const bom = folder('manifest-bom', { 'scene-radar.json': `\ufeff${text}` });
    const a = await cli(['refresh', '--data', plain]);
    const b = await cli(['refresh', '--data', bom]);
    expect(a.err).toContain(`scene-radar.json:1:${column}: tables.artists`);
    expect(b.err).toContain(`scene-radar.json:1:${column}: tables.artists`);
  }, 60_000);
});

describe('scene-radar backtest --out: both or neither', () => {
  it('a folder that appears where the JSON goes while the backtest runs leaves no Markdown report behind (today: report.md written, exit 1)', async () => {
    const at = folder('out-race');
    const markdown = join(at, 'report.md');
    let blocked = false;
    const run = await cli(['backtest', '--data', EXAMPLE, '--out', markdown], {
      onErr: (line) => {
        // The paths were checked before the run; something takes the JSON's name during it.
        if (!blocked && line.startsWith('progress: ')) {
          mkdirSync(join(at, 'report.json'));
          blocked = true;
        }
      },
    });
    expect(blocked).toBe(true);
    expect(run.code).not.toBe(0);
    expect(run.err).not.toMatch(STACK);
    expect(existsSync(markdown)).toBe(false);
    // No temporary file is left either.
    expect(readdirSync(at).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);
});

describe('scene-radar serve: the curl lines', () => {
  it('the profile example names an artist that has a profile (200), even when nobody is rising (today: unknown-artist, a 404)', async () => {
    const controller = new AbortController();
    let url: string | undefined;
    let profile: { status: number; line: string } | undefined;
    const lines: string[] = [];
    const run = await cli(
      ['serve', '--demo', '--artists', '5', '--as-of', '2025-06-01', '--port', '0', '--rate-limit', '0'],
      {
        onOut: (line) => {
          lines.push(line);
          const m = /^scene-radar API on (http:\/\/\S+)\/api /.exec(line);
          if (m) url = m[1];
          if (line === 'Ctrl-C stops it.') {
            // The first line after the pulse is the profile of a demo artist (README: "200, a demo artist's profile").
            const curl = lines.find((l) => l.includes('/api/talent/artists/'))!;
            const target = /'([^']+)'/.exec(curl)![1]!;
            void fetch(target)
              .then(async (r) => {
                await r.arrayBuffer();
                profile = { status: r.status, line: curl.trim() };
              })
              .finally(() => controller.abort());
          }
        },
      },
      controller.signal,
    );
    expect(run.code).toBe(0);
    expect(url).toBeDefined();
    expect(profile).toBeDefined();
    expect(profile!.line).not.toContain('/talent/artists/unknown-artist');
    expect(profile!.status, profile!.line).toBe(200);
  }, 60_000);
});

describe('scene-radar demo: the artist profile', () => {
  it("prints one artist's profile with its breakout explanation even when nobody is rising (today: none at all)", async () => {
    const run = await cli(['demo', '--artists', '5', '--end', '2025-06-01']);
    expect(run.code).toBe(0);
    expect(run.out).toContain('Talent Radar: 5 artists tracked');
    expect(run.out).toMatch(/^Artist profile: [a-z0-9-]+$/m);
    expect(run.out).toContain('log-odds');
  }, 60_000);
});

describe('configuration: weights that cannot be renormalised', () => {
  const zeroWeights: [string, SceneRadarConfigInput, string][] = [
    [
      'scenes.membership.weights all 0 (no artist is a member of any scene)',
      { scenes: { membership: { weights: { sound: 0, place: 0, people: 0 } } } },
      'scenes.membership.weights',
    ],
    [
      'scenes.pulse.weights all 0 (every scene has heat 0)',
      { scenes: { pulse: { weights: { momentum: 0, rising: 0, newMembers: 0, tastemakers: 0 } } } },
      'scenes.pulse.weights',
    ],
  ];
  it.each(zeroWeights)('refuses %s with CONFIG_INVALID naming the weights', (_name, input, path) => {
    let error: unknown;
    try {
      resolveConfig(input);
    } catch (e) {
      error = e;
    }
    expect(isSceneRadarError(error) && error.code === 'CONFIG_INVALID', String(error)).toBe(true);
    expect((error as Error).message).toContain(path);
  });

  it('guard: one weight left, the others 0, is still accepted (a host may use one signal alone)', () => {
    expect(() =>
      resolveConfig({ scenes: { membership: { weights: { sound: 1, place: 0, people: 0 } } } }),
    ).not.toThrow();
    expect(() =>
      resolveConfig({ scenes: { pulse: { weights: { momentum: 0, rising: 0, newMembers: 0, tastemakers: 1 } } } }),
    ).not.toThrow();
  });
});

describe('scene-radar: numbers and flags on the command line (guards)', () => {
  it('guard: integer flags take plain digits only: 1e3, 0x10, -0, Infinity, 5.0 and " 5" are usage mistakes (exit 2)', async () => {
    for (const value of ['1e3', '0x10', '-0', 'Infinity', '5.0', ' 5', '+5']) {
      const run = await cli(['demo', `--artists=${value}`]);
      expect(run.code, value).toBe(2);
      expect(run.err).toContain('--artists must be an integer');
      expect(run.out).toBe('');
    }
    const port = await cli(['serve', '--demo', '--port=-0']);
    expect(port.code).toBe(2);
    expect(port.err).toContain('--port must be an integer');
  });

  it('guard: an argument after -- is not taken as a flag, and is refused (exit 2) rather than ignored', async () => {
    const run = await cli(['refresh', '--demo', '--artists', '5', '--', '--json']);
    expect(run.code).toBe(2);
    expect(run.err).toContain('unknown argument: --json');
    expect(run.out).toBe('');
  });
});

describe('scene-radar refresh: a manifest asOf with an offset', () => {
  it('an instant in the year 999 once in UTC is reported at its place in scene-radar.json, before the import (today: an engine error after it)', async () => {
    const data = folder('manifest-as-of-offset', {
      ...exampleFiles(),
      'scene-radar.json': `{
  "tables": { "artists": "artists.csv", "events": "events.csv" },
  "asOf": "1000-01-01T00:00:00+01:00"
}
`,
    });
    const run = await cli(['refresh', '--data', data]);
    expect(run.code).not.toBe(0);
    expect(run.err).toContain(`${join(data, 'scene-radar.json')}:3:`);
    expect(run.err).toContain('asOf');
    expect(run.progress.filter((l) => l.includes('import'))).toEqual([]);
  }, 60_000);
});

describe('scene-radar backtest: rows the manifest says to skip', () => {
  it('says which rows were rejected, as refresh does (today: nothing, the backtest runs on without them)', async () => {
    const events = readFileSync(join(EXAMPLE, 'events.csv'), 'utf8').replace(/\n?$/, '\n');
    const line = events.split('\n').length; // the line the bad row lands on
    const data = folder('backtest-skip', {
      'artists.csv': readFileSync(join(EXAMPLE, 'artists.csv')),
      'events.csv': `${events}lycy-draka,,playlist_add,2024-03-01T00:00:00Z,heavy,gb\n`,
      'scene-radar.json': JSON.stringify({
        tables: { artists: 'artists.csv', events: 'events.csv' },
        import: { onInvalidRow: 'skip' },
      }),
    });
    const refresh = await cli(['refresh', '--data', data]);
    expect(refresh.out).toContain(`events.csv:${line}`); // refresh prints it
    const run = await cli(['backtest', '--data', data]);
    expect(run.code).toBe(0);
    expect(`${run.out}\n${run.err}`).toContain(`events.csv:${line}`);
  }, 60_000);
});

describe('postgresTarget: connection strings pg takes', () => {
  it('accepts a PostgreSQL URL that reaches the server by its Unix socket (today: refused as not a URL)', () => {
    for (const url of ['postgresql:///radar?host=/var/run/postgresql', 'postgres://radar@/radar?host=/tmp']) {
      let target: unknown;
      expect(() => {
        target = postgresTarget({ postgres: url }, {});
      }, url).not.toThrow();
      expect(target).toEqual({ url });
    }
  });

  it('guard: still refuses what is not a PostgreSQL URL, without repeating it', () => {
    for (const url of ['mysql://root:secret@db/radar', 'not a url', 'http://secret@db/radar']) {
      expect(() => postgresTarget({ postgres: url }, {})).toThrow(UsageError);
      expect(() => postgresTarget({ postgres: url }, {})).not.toThrow(/secret/);
    }
  });
});

describe('configuration layers with a null prototype', () => {
  const bare = <T extends object>(o: T): T => Object.assign(Object.create(null) as T, o);

  it("are merged field by field like plain objects (today: an earlier layer's field is dropped without a word)", () => {
    const config = resolveConfig({ scenes: { batchConcurrency: 5 } }, { scenes: bare({ maxScenesPerQuery: 50 }) });
    expect(config.scenes.maxScenesPerQuery).toBe(50);
    expect(config.scenes.batchConcurrency).toBe(5);
    const nested = resolveConfig(
      { talent: { thresholds: { breakout: { high: 0.8 } } } },
      bare({ talent: bare({ thresholds: bare({ risk: bare({ high: 0.9 }) }) }) }),
    );
    expect(nested.talent.thresholds.risk.high).toBe(0.9);
    expect(nested.talent.thresholds.breakout.high).toBe(0.8);
  });

  it('guard: a null-prototype layer alone still resolves, and its __proto__ key is refused, not followed', () => {
    const layer = bare({ scenes: bare({ batchConcurrency: 7 }) });
    expect(resolveConfig(layer).scenes.batchConcurrency).toBe(7);
    // Skipped without a word until 2026-12-06; refused by name since (hostile review 99).
    const polluted = JSON.parse('{"__proto__": {"polluted": true}, "scenes": {"batchConcurrency": 3}}') as object;
    expect(() => resolveConfig(polluted as never)).toThrow(/__proto__: not a configuration field/);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
