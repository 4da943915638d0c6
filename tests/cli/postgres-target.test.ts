/**
 * `--schema` (and `$SCENE_RADAR_POSTGRES_SCHEMA`) is measured as PostgreSQL measures an identifier:
 * in bytes. A name of under 63 characters but over 63 bytes would be truncated by the server, and
 * two such names could name one schema: the command line refuses it (a usage error, exit 2) before
 * any connection.
 */
import { describe, expect, it } from 'vitest';
import { postgresTarget, UsageError } from '../../src/cli/command-line.js';
import { runCli } from '../../src/cli/index.js';

const url = 'postgres://postgres@127.0.0.1:1/test';
const long = `radar_${'é'.repeat(30)}_staging`; // 44 characters, 74 bytes
const exact = `radar_${'é'.repeat(28)}s`; // 63 bytes

describe('postgresTarget: schema names in bytes', () => {
  it('refuses a name over 63 bytes, naming the flag or variable', () => {
    expect(long.length).toBeLessThan(63);
    expect(() => postgresTarget({ postgres: url, schema: long }, {})).toThrow(UsageError);
    expect(() => postgresTarget({ postgres: url, schema: long }, {})).toThrow(
      /^--schema must be a schema name of 1 to 63 characters \(at most 63 bytes in UTF-8/,
    );
    expect(() => postgresTarget({}, { SCENE_RADAR_POSTGRES_URL: url, SCENE_RADAR_POSTGRES_SCHEMA: long })).toThrow(
      /^SCENE_RADAR_POSTGRES_SCHEMA must be a schema name of 1 to 63 characters/,
    );
    expect(Buffer.byteLength(exact, 'utf8')).toBe(63);
    expect(postgresTarget({ postgres: url, schema: exact }, {})).toEqual({ url, schema: exact });
    expect(() => postgresTarget({ postgres: url, schema: 'x'.repeat(64) }, {})).toThrow(/1 to 63 characters/);
  });

  it('scene-radar serve --schema <over 63 bytes>: exit 2 with the usage, before any connection', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['serve', '--demo', '--postgres', url, '--schema', long], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('--schema must be a schema name of 1 to 63 characters');
    expect(out.join('\n')).not.toMatch(/refreshing/);
  });
});
