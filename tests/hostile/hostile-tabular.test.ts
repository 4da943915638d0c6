/**
 * Hostile input to the tabular import: a record far longer than a read block must be read in
 * linear time (it was re-copied whole for every 64 KiB block: 84 s for one 50 MB line), and one
 * that never ends (a quote never closed, a gzip bomb) is refused at 128 Mi characters; an
 * unknown `format` is refused rather than read as JSON lines; whatever a host's `map` returns (a
 * revoked proxy, an array proxy that throws) is that line's rejection, never a raw TypeError.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSceneRadarError } from 'scene-radar';
import { createTabularSources, streamTable, type TableBatch } from 'scene-radar/adapters/tabular';

const dir = mkdtempSync(join(tmpdir(), 'hostile-tabular-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(
  input: string | AsyncIterable<string>,
  options: Parameters<typeof streamTable>[1] = {},
): Promise<{ rows: Record<string, unknown>[]; lines: number[] }> {
  const rows: Record<string, unknown>[] = [];
  const lines: number[] = [];
  for await (const batch of streamTable(input, options) as AsyncIterable<TableBatch>) {
    rows.push(...batch.rows.map((r) => ({ ...r })));
    lines.push(...batch.lines);
  }
  return { rows, lines };
}

async function* pieces(...parts: string[]): AsyncGenerator<string> {
  for (const part of parts) yield part;
}

describe('tabular import under hostile input', () => {
  const LONG = 32 * 1024 * 1024;

  it.each([
    ['a CSV cell', 'big.csv', `slug,note\nnova-static,${'a'.repeat(LONG)}\n`, 'note'],
    ['a JSON line', 'big.jsonl', `{"slug":"nova-static","note":"${'a'.repeat(LONG)}"}\n`, 'note'],
  ])(
    'reads a 32 MB record (%s) in linear time, not one copy of it per block',
    async (_, name, text, column) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      const t0 = performance.now();
      const { rows } = await collect(path);
      expect(rows).toHaveLength(1);
      expect((rows[0]![column] as string).length).toBe(LONG);
      // A hang guard, not a speed claim (docs/performance.md has the figures): linear, this takes
      // about 1-2 s on a busy 2-core machine; quadratic, it took about 30 s.
      expect(performance.now() - t0).toBeLessThan(15_000);
    },
    60_000,
  );

  it.each([['csv', 'slug,note\nnova-static,"never closed', 2]] as const)(
    'refuses a %s record longer than 128 Mi characters, naming its line, before memory runs out',
    async (format, head, line) => {
      const mib = 'a'.repeat(1024 * 1024);
      async function* endless(): AsyncGenerator<string> {
        yield head;
        // A gzip bomb or a quote never closed: one record that never ends.
        for (let i = 0; i < 1024; i++) yield mib;
      }
      const error = await collect(endless(), { format }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isSceneRadarError(error) && error.code).toBe('CONFIG_INVALID');
      expect((error as Error).message).toMatch(/a record longer than 134217728 characters/);
      expect((error as { details: { line: number } }).details.line).toBe(line);
    },
  );

  it('refuses a format it does not know instead of reading the bytes as JSON lines', async () => {
    const error = await collect(pieces('slug\tname\nnova-static\tNova\n'), { format: 'tsv' as never }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isSceneRadarError(error) && error.code).toBe('CONFIG_INVALID');
    expect((error as Error).message).toMatch(/format must be 'csv' or 'jsonl', got "tsv"/);
  });

  it.each([
    [
      'a revoked proxy',
      () => {
        const r = Proxy.revocable({}, {});
        r.revoke();
        return r.proxy;
      },
    ],
    [
      'an array proxy whose items throw',
      () =>
        new Proxy([{}], {
          get(target, key) {
            if (key === 'length') throw new Error('length is gone');
            return Reflect.get(target, key);
          },
        }),
    ],
  ])('rejects the line when map returns %s, and skips it on request', (_, junk) => {
    const artists = [
      { slug: 'nova-static', name: 'Nova Static', home_region: 'uk', first_seen: '2024-01-01T00:00:00Z' },
      { slug: 'pale-harbour', name: 'Pale Harbour', home_region: 'uk', first_seen: '2024-01-01T00:00:00Z' },
    ];
    const map = (row: Record<string, unknown>) => (row.slug === 'pale-harbour' ? junk() : row) as never;
    let error: unknown = null;
    try {
      createTabularSources({ artists }, { map: { artists: map } });
    } catch (e) {
      error = e;
    }
    expect(isSceneRadarError(error) && error.code).toBe('CONFIG_INVALID');
    expect((error as Error).message).toMatch(/artists: 1 invalid row \(line 2: map returned rows that cannot be read/);
    const { report } = createTabularSources({ artists }, { map: { artists: map }, onInvalidRow: 'skip' });
    expect(report.tables.artists).toMatchObject({ read: 2, accepted: 1, rejected: 1 });
  });
});
