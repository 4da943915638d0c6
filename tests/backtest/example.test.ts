// examples/backtest-tabular.ts end to end, as a host runs it: `tsx` over the committed synthetic
// export, writing its report and result to a temp dir.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseBacktestJson } from 'scene-radar/backtest';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from './fixtures.js';

afterAll(removeTempDirs);

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('examples/backtest-tabular.ts', () => {
  it('backtests the synthetic export and writes its report and result', async () => {
    const out = tempDir('backtest-example-');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'examples/backtest-tabular.ts', '--out', out],
      { cwd: ROOT, timeout: 60_000 },
    );
    expect(stdout).toContain('Example label: who enters the national chart within 90 days (22 cutoffs');
    expect(stdout).toContain('* breakout');
    expect(existsSync(join(out, 'example-label.md'))).toBe(true);
    const result = parseBacktestJson(readFileSync(join(out, 'example-label.json'), 'utf8'));
    expect(result.cutoffs).toHaveLength(22);
    expect(result.cutoffs.filter((c) => c.split === 'train')).toHaveLength(12);
    // November and December 2024 have 90-day horizons that reach past 2025-01-01: purged from
    // fitting (October's ends on 2024-12-30).
    expect(result.fit).toEqual({
      limit: '2025-01-01T00:00:00.000Z',
      cutoffs: 10,
      purged: ['2024-11-01T00:00:00.000Z', '2024-12-01T00:00:00.000Z'],
    });
    expect(result.baselines.map((b) => [b.name, b.error])).toEqual([
      ['playlist-reach-30d', null],
      ['activity-growth-30d', null],
    ]);
    expect(result.cutoffs.reduce((n, c) => n + c.positives, 0)).toBeGreaterThan(10);
    // The breakout score with the published default model, read through the guarded sources.
    expect(result.scorer).toMatchObject({ name: 'breakout', error: null, probabilistic: true });
    expect(result.scorer!.splits!.test.meanAuc).toBeGreaterThan(0.5);
    // Playlist reach anticipates chart entries in the generated world; a coin flip would not.
    expect(result.baselines[0]!.splits!.test.meanAuc).toBeGreaterThan(0.7);
    const md = readFileSync(join(out, 'example-label.md'), 'utf8');
    expect(md).toContain('# Example label: who enters the national chart within 90 days');
    expect(md).toContain('Result file: `example-label.json`');
    expect(md).toContain('2 training cutoff(s) were purged');
  }, 90_000);
});
