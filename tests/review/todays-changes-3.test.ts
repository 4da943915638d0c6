/**
 * Review of today's fixes (bb9ace8, hostile review 45; 36289b5, hostile review 47): mistakes the
 * fixes themselves introduced, or that they leave in the case right next to the one fixed. Every
 * test here fails on the code as reviewed, because of the fault its name states.
 *
 * The PostgreSQL tests drive `postgresTable` over a recording `TableContext` (the statements it
 * would send, no server needed): the faults are in how the upsert plans its statements.
 */
import diagnostics from 'node:diagnostics_channel';
import type { Meter, MeterProvider, Span, Tracer, TracerProvider } from '@opentelemetry/api';
import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { postgresTable, type TableContext } from '../../adapters/postgres/table.js';
import type { PostgresQueryResult } from '../../adapters/postgres/connection.js';
import { safeReason } from '../../src/api/health.js';
import { topK } from '../../src/core/features/stats.js';
import { CHANNEL_NAMES, instrumentOpenTelemetry, type OpenTelemetryBridge } from '../../src/otel/index.js';
import { TALENT_TABLES } from '../../src/stores/specs.js';
import type { TalentRefreshShardRow, TalentStateRow } from '../../src/stores/tables.js';
import { firstDifference } from '../../src/testing/deep-equal.js';

const AT = '2026-01-01T00:00:00.000Z';

/** A context that records each upsert statement's values instead of sending them. */
function recordingContext(): { ctx: TableContext; statements: unknown[][] } {
  const statements: unknown[][] = [];
  const ok: PostgresQueryResult = { rows: [], rowCount: 0 } as unknown as PostgresQueryResult;
  const ctx: TableContext = {
    schema: 'review48_recording',
    async query(_text, values) {
      statements.push(values ?? []);
      return ok;
    },
    async transaction(fn) {
      return fn({
        query: async (_text: string, values?: unknown[]) => {
          statements.push(values ?? []);
          return ok;
        },
      } as never);
    },
  };
  return { ctx, statements };
}

describe('PostgreSQL upsert split by characters of text (adapters/postgres/table.ts)', () => {
  // docs/persistence.md: "a larger batch is split into statements run in one transaction, its rows
  // in key order (concurrent writers of the same keys lock them in one order)". The rows are
  // sorted only when the batch has more rows than one statement takes (`entries.length >
  // rowsPerStatement`); a batch split by its characters of text (few, large rows: shards, state)
  // keeps the caller's order, so two writers of the same shards in opposite orders lock them in
  // opposite orders again: the deadlock the fix was for, back (now only retried, 3 times).
  it('a batch split by characters of text (fewer rows than one statement takes) writes its statements in key order too', async () => {
    const { ctx, statements } = recordingContext();
    const table = postgresTable(TALENT_TABLES.talent_radar_refresh_shards, ctx, { maxStatementChars: 1_000 });
    const shard = (i: number): TalentRefreshShardRow => ({
      refresh_id: 'refresh-1',
      shard: i,
      as_of: AT,
      artist_count: 1,
      features: String(i).repeat(600),
      updated_at: AT,
    });
    // 4 rows of 600 characters against 1,000: one statement each, given in reverse key order.
    await table.upsert([shard(3), shard(2), shard(1), shard(0)]);
    // Column 1 is `shard`, sent as a bigint[] literal.
    expect(statements.map((values) => values[1])).toEqual(['{0}', '{1}', '{2}', '{3}']);
  });

  // PostgresTableOptions.maxStatementChars: "Most characters of text values one upsert statement
  // carries (a column is sent as one array literal ...); a batch past it is split". textChars
  // counts strings and arrays of strings only: a `jsonb` value (talent_radar_state.value, a
  // refresh plan holding the whole universe; talent_radar_artists.metadata) is an object and counts
  // 0, though it travels as its JSON text in the same kind of array literal (its quotes and
  // backslashes escaped twice, up to 4x, control characters 7x). Large state rows are therefore
  // packed into one literal without limit: the RangeError "Invalid string length" the fix was for.
  it('the text of jsonb values counts against maxStatementChars (a batch of large JSON values is split too)', async () => {
    const { ctx, statements } = recordingContext();
    const table = postgresTable(TALENT_TABLES.talent_radar_state, ctx, { maxStatementChars: 1_000 });
    const state = (i: number): TalentStateRow => ({
      name: `refresh-plan-${i}`,
      value: { universe: 'x'.repeat(600) },
      updated_at: AT,
    });
    await table.upsert([state(0), state(1), state(2)]);
    // 3 x 600+ characters of JSON text against 1,000: one row a statement.
    expect(statements.length).toBe(3);
  });
});

describe('deepEqual / firstDifference (src/testing/deep-equal.ts)', () => {
  // TSDoc: "Set members by value, whatever their order". Each member of `a` is looked for among
  // all of `b`'s, never taken out: two equal members of `a` both match b's one {v:1}, and b's
  // {v:2} is never looked at. The sizes agree, so the Sets are reported equal.
  it('a Set member of b is matched at most once: Sets {{v:1},{v:1}} and {{v:1},{v:2}} differ', () => {
    expect(firstDifference(new Set([{ v: 1 }, { v: 1 }]), new Set([{ v: 1 }, { v: 2 }]))).toBeDefined();
  });

  // The WeakMap of pairs is meant to stop a cycle ("a pair met again inside itself"), but pairs are
  // never removed once compared: a pair tried while matching Set members, found DIFFERENT, stays
  // in it, and when the same pair is compared again elsewhere it is taken as equal.
  it('a pair found different while matching Set members is not equal when compared again elsewhere', () => {
    const m1 = { v: 1 };
    const m2 = { v: 2 };
    const n1 = { v: 2 };
    const n2 = { v: 1 };
    // The Sets are equal (m1~n2, m2~n1), but `t` is {v:1} against {v:2}.
    expect(firstDifference({ s: new Set([m1, m2]), t: m1 }, { s: new Set([n1, n2]), t: n1 })).toBe('t.v');
  });

  // The path of an unmatched Set member is built with String(member), which throws for an object
  // without a prototype (rows and payloads parsed into Object.create(null) are common): the
  // comparison crashes with a TypeError instead of reporting where the values differ.
  it('an unmatched Set member without a prototype gives a path, not a TypeError', () => {
    const bare = Object.assign(Object.create(null) as object, { v: 1 });
    expect(() => firstDifference(new Set([bare]), new Set([{ v: 2 }]))).not.toThrow();
    expect(firstDifference(new Set([bare]), new Set([{ v: 2 }]))).toBeDefined();
  });
});

describe('topK with a tie-break (src/core/features/stats.ts)', () => {
  // TSDoc: "Ties keep the earlier item first, or, given `before`, the item it puts first". When
  // `before` puts neither first (equal by it: a tie-break on a field that repeats), the heap's
  // comparator and the final sort see them as equal and leave them in heap order, neither the
  // input order nor any order: the result depends on where the heap happened to put them.
  it('items that `before` does not order keep their input order', () => {
    const items = Array.from({ length: 8 }, (_, i) => ({ id: i, score: 1, group: i % 2 === 0 ? 'a' : 'b' }));
    const got = topK(
      items,
      8,
      (x) => x.score,
      (a, b) => a.group < b.group,
    ).map((x) => x.id);
    expect(got).toEqual([0, 2, 4, 6, 1, 3, 5, 7]);
  });
});

describe('health reasons (src/api/health.ts safeReason)', () => {
  // The key pattern now takes any prefix (`[\w-]*` before the keyword) for PGPASSWORD= and
  // client_secret=, but a word that merely ends in a keyword is a key too: "compass:",
  // "bypass:", "OAuth:" lose their value. The old `\b(pass|auth...)` never matched inside a word.
  // And the new `(Basic|Digest)\s+[...]{8,}` takes any word of 8 letters after them for a
  // credential: "Basic authentication failed" becomes "Basic <secret> failed".
  it('does not mask non-secret reasons: words ending in pass/auth before a colon, "Basic authentication", "Digest verification"', () => {
    const reasons = [
      'cache bypass: disabled by configuration',
      'OAuth: provider unreachable',
      'Basic authentication failed for the probe user',
      'Digest verification failed: checksum mismatch',
    ];
    expect(reasons.map(safeReason)).toEqual(reasons);
  });

  // The header mask's comment says "Authorization: Basic <b64> (any scheme)", but it skips only
  // basic/digest/bearer/negotiate/ntlm: with any other scheme (`Token` of Django REST and GitHub,
  // `ApiKey`, Okta's `SSWS`, `OAuth`) the scheme is masked and the credential after it is served.
  it('masks the credential of an Authorization header whatever its scheme (Token, ApiKey, SSWS)', () => {
    const out = [
      'probe got 401, sent Authorization: Token 9944b09199c62bcf9418ad846dd0e4bb',
      'probe got 401, sent Authorization: ApiKey c2VjcmV0LWtleS0xMjM0NQ',
      'probe got 401, sent authorization: SSWS 00abcDEFghiJKLmnoPQR',
    ].map(safeReason);
    for (const reason of out) expect(reason).not.toMatch(/9944b0919|c2VjcmV0LWtleS0x|00abcDEFghi/);
  });

  // "secrets written as key=value" with the keyword inside the key rather than at its end leak:
  // the pattern allows a prefix, no suffix. AWS's aws_secret_access_key, Django's SECRET_KEY and
  // a key's passphrase are the most common such keys.
  it('masks secrets whose key has the keyword before a suffix (SECRET_KEY=, aws_secret_access_key=, passphrase=)', () => {
    const out = [
      'boto config rejected: aws_secret_access_key=wJalrXUtnFEMIK7MDENGbPxRfiCY',
      'settings error: SECRET_KEY=django-insecure-9x8y7z',
      'tls key unreadable: passphrase=correcthorsebattery',
    ].map(safeReason);
    for (const reason of out) expect(reason).not.toMatch(/wJalrXUtn|django-insecure|correcthorse/);
  });
});

describe('scene-radar/otel with a tracer that answers no span (src/otel/index.ts)', () => {
  let bridge: OpenTelemetryBridge | undefined;
  afterEach(() => bridge?.close());

  // docs/observability.md: "An SDK that throws (... a broken tracer or meter) loses that span or
  // data point, never the radar's answer", and the metric counts equal radar.stats(). The fix
  // makes begin() drop a non-span answer, and with it the whole operation: finish() finds no span
  // and returns before `close(span, context)`, which is where the source-call counter and
  // histogram are recorded. A broken tracer loses every metric data point with a working meter.
  it('a working meter still counts source calls when the tracer answers no span', async () => {
    const recorded: string[] = [];
    const instrument = (name: string) => ({
      add: () => recorded.push(name),
      record: () => recorded.push(name),
    });
    const meter = {
      createCounter: instrument,
      createHistogram: instrument,
    } as unknown as Meter;
    const meterProvider: MeterProvider = { getMeter: () => meter };
    const tracer = {
      startSpan: () => undefined as unknown as Span,
      startActiveSpan: trace.getTracerProvider().getTracer('noop').startActiveSpan,
    } as unknown as Tracer;
    const tracerProvider: TracerProvider = { getTracer: () => tracer };
    bridge = instrumentOpenTelemetry({ tracerProvider, meterProvider });
    const channel = diagnostics.tracingChannel(CHANNEL_NAMES.sourceCall);
    await channel.tracePromise(async () => undefined, {
      source: 'rcf',
      method: 'getEvents',
      keys: 1,
      outcome: 'ok',
      durationMs: 1,
    });
    expect(recorded).toContain('scene_radar.source.calls');
    expect(recorded).toContain('scene_radar.source.duration');
  });
});
