/**
 * Hostile review 47: observability and health (health reasons, the OpenTelemetry bridge).
 * Every test here fails on the code as reviewed, because of the fault its name states.
 */
import { trace, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { checkHealth, type HealthReporter } from '../../src/api/health.js';
import type { ApiBackend } from '../../src/api/routes.js';
import { CHANNEL_NAMES, instrumentOpenTelemetry, type OpenTelemetryBridge } from '../../src/otel/index.js';

/** A backend with no tables of its own: only the host's reporters are checked. */
const bare = {} as unknown as ApiBackend;

/** The reasons the health route lists for store reporters that answer `down` with `reasons`. */
async function reasonsFor(reasons: readonly string[]): Promise<string[]> {
  const stores: HealthReporter[] = reasons.map((reason, i) => ({
    name: `dep-${i}`,
    health: () => ({ name: `dep-${i}`, state: 'down', reason }),
  }));
  const { body } = await checkHealth(bare, { stores });
  const report = (body.ok ? body.data : (body.error as { details: { stores: { reason?: string }[] } }).details) as {
    stores: { reason?: string }[];
  };
  return report.stores.map((s) => s.reason ?? '');
}

describe('hostile review 47: health reasons', () => {
  // docs/cli.md "The health route" and ComponentHealth.reason: "Reasons never carry internals";
  // safeReason's TSDoc: "secrets written as key=value (`password=`, `token=`...) ... masked".
  // The key pattern starts with `\b`, so a key with a prefix joined by `_` or letters
  // (PGPASSWORD, client_secret, access_token, DB_PASSWORD) is not matched and the secret is served
  // to anyone who can reach /api/health (an unauthenticated load-balancer route).
  it('masks secrets whose key has a prefix (PGPASSWORD=, client_secret=, access_token=, db_password:)', async () => {
    const reasons = await reasonsFor([
      'psql failed: PGPASSWORD=hunter2 was rejected',
      'oauth refresh refused: client_secret=Sup3rS3cret invalid',
      'upstream 401 with access_token=ya29.tok3nvalue',
      'config error: db_password: Pa55word is too short',
    ]);
    for (const reason of reasons) {
      expect(reason).not.toMatch(/hunter2|Sup3rS3cret|ya29\.tok3nvalue|Pa55word/);
    }
  });

  // Same contract: a reporter relaying a JSON config or an HTTP header in its reason leaks the
  // credential, since `"password":` (quote between key and colon) and `Authorization: Basic <b64>`
  // escape every mask.
  it('masks a JSON-quoted password and HTTP Basic credentials', async () => {
    const reasons = await reasonsFor([
      'bad config {"user":"radar","password":"hunter2"}',
      'probe failed, sent Authorization: Basic cmFkYXI6aHVudGVyMg==',
    ]);
    expect(reasons[0]).not.toContain('hunter2');
    expect(reasons[1]).not.toContain('cmFkYXI6aHVudGVyMg');
  });
});

describe('hostile review 47: scene-radar/otel with a broken tracer', () => {
  let bridge: OpenTelemetryBridge | undefined;
  afterEach(() => bridge?.close());

  // docs/observability.md: "An SDK that throws (a shut-down exporter, a broken tracer or meter)
  // loses that span or data point, never the radar's answer, and `close()` still releases the
  // channels." A broken tracer whose startSpan answers no span (undefined) is counted as an open
  // span by spanHandlers.begin (life.open++), but finish() returns early on the missing span
  // without counting it down: close() then waits for ever, the channels stay subscribed and the
  // bridge's AsyncLocalStorage stays enabled for the life of the process.
  it('a tracer whose startSpan answers no span does not keep the channels subscribed after close()', async () => {
    const tracer = {
      startSpan: () => undefined as unknown as Span,
      startActiveSpan: trace.getTracerProvider().getTracer('noop').startActiveSpan,
    } as unknown as Tracer;
    const tracerProvider: TracerProvider = { getTracer: () => tracer };
    bridge = instrumentOpenTelemetry({ tracerProvider });
    const channel = diagnostics.tracingChannel(CHANNEL_NAMES.sourceCall);
    await channel.tracePromise(async () => undefined, {
      source: 'rcf',
      method: 'getEvents',
      keys: 1,
      outcome: 'ok',
      durationMs: 1,
    });
    bridge.close();
    bridge = undefined;
    // Nothing is in flight: close() must have released the channels.
    expect(channel.start.hasSubscribers).toBe(false);
    expect(channel.asyncEnd.hasSubscribers).toBe(false);
  });
});
