/**
 * Hostile review 107: secrets and private data a host hands the SDK (a PostgreSQL or Redis URL with
 * a password, a source whose error names a URL with a token, a request's `Authorization` header,
 * cookie and `token=` query, a private workspace id) held against what the host exposes or records:
 * the API kit's bodies and headers (`createFetchHandler`, `toNodeListener`), `/api/health`, the
 * logs, the `scene-radar:*` diagnostics channels, OpenTelemetry spans, `radar.stats()`, thrown
 * errors and the CLI's stderr.
 *
 * Held to: the OpenAPI document's `ReadOutcome.reason` ("For `timeout` and `error`: a client-safe
 * reason"), docs/adapters.md (an `error` outcome carries "a client-safe message"),
 * src/talent/radar-aggregator.ts ("The source's own text (an address, a password, a path) stays in
 * the error's cause: the message is what an HTTP client reads"), docs/persistence.md, Faults
 * ("Whatever the fault, a body never holds a stack, SQL, the server's address, the credentials or
 * the schema name"), docs/cli.md, "The health route" ("Reasons never carry internals: one line,
 * URLs, `user@host`, IP addresses and `host:port` masked"), docs/observability.md ("Nothing here
 * carries an artist or scene id"; logs "never an artist or scene id"), docs/http-api.md ("500s
 * never leak"; `STORE_UNAVAILABLE` "never the address or credentials") and the house rule that bad
 * input gets a clear error with a documented code.
 *
 * Tests named "FAULT:" failed (before the fix in the same commit) on the code as reviewed, for the reason their name states; the others
 * pin behaviour found correct.
 */
import diagnostics from 'node:diagnostics_channel';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { toNodeListener } from '../../adapters/node/index.js';
import { createPostgresStores } from '../../adapters/postgres/index.js';
import { createRedisCacheTier, createRedisRateLimiter } from '../../adapters/redis/index.js';
import { createFetchHandler } from '../../src/api/index.js';
import { runCli } from '../../src/cli/index.js';
import { isSceneRadarError } from '../../src/core/errors.js';
import {
  type CoverageAdapter,
  createSceneRadar,
  fixedClock,
  type HostFeature,
  type MIGAdapter,
  type SceneRadarSources,
} from '../../src/index.js';
import { instrumentOpenTelemetry } from '../../src/otel/index.js';
import { TEST_DATABASE_URL } from '../helpers/postgres.js';

const END = '2026-11-24';
const NOW = new Date('2026-11-25T06:00:00.000Z');
const TOKEN_URL = 'GET https://api.example.com?token=S3cretTOKEN failed';
const PG_UNREACHABLE = 'postgres://app:S3cretPW@127.0.0.1:1/test';
const PG_REACHABLE = 'postgres://postgres:S3cretPW@127.0.0.1:5432/test';
const REDIS_UNREACHABLE = 'redis://:S3cretPW@127.0.0.1:6399';
const WORKSPACE = '7f3c2a10-5b4e-4c1d-9a8f-0e6d5c4b3a21';
/** Every planted secret shares this stem. */
const SECRET = /S3cret/;

/** A source error carrying a token in its message and credentials in its cause and response. */
function hostError(): Error {
  const error = new Error(TOKEN_URL, {
    cause: { response: { headers: { authorization: 'Bearer S3cretCAUSE', 'set-cookie': 'sid=S3cretCOOKIE' } } },
  });
  Object.assign(error, { response: { status: 502, headers: { authorization: 'Bearer S3cretRESPONSE' } } });
  return error;
}

const admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
admin.on('error', () => undefined);
const prefix = `hr107_${randomBytes(3).toString('hex')}`;
const schemas: string[] = [];
const freshSchema = (): string => {
  const schema = `${prefix}_${schemas.length}`;
  schemas.push(schema);
  return schema;
};
afterAll(async () => {
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await admin.end();
});

type LogRecord = { level: string; msg: string } & Record<string, unknown>;

/** A plain logger keeping every record, errors as pino's serializer would write them. */
function capturingLogger() {
  const records: LogRecord[] = [];
  const log = (level: string) => (o: Record<string, unknown>, msg?: string) => {
    records.push({ ...o, level, msg: msg ?? '' });
  };
  return { logger: { info: log('info'), warn: log('warn'), error: log('error') }, records };
}

/** Text of anything, errors with their message, stack, cause and own properties. */
function text(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[cycle]';
      seen.add(v);
    }
    if (v instanceof Error)
      return { name: v.name, message: v.message, stack: v.stack, cause: v.cause, ...(v as object) };
    if (typeof v === 'bigint') return String(v);
    return v;
  });
}

/** Every header of an answer, as text. */
function headersText(headers: Headers): string {
  const out: string[] = [];
  headers.forEach((value, name) => {
    out.push(`${name}: ${value}`);
  });
  return out.join('\n');
}

/** Subscribes to every `scene-radar:*` channel; `stop()` unsubscribes and returns what was published. */
function captureChannels(): { stop: () => string[] } {
  const got: string[] = [];
  const push = (name: string) => (m: unknown) => got.push(`${name} ${text(m)}`);
  const traced = ['source-call', 'refresh', 'http'].map((name) => {
    const handlers = {
      start: push(`${name}.start`),
      end: push(`${name}.end`),
      asyncStart: push(`${name}.asyncStart`),
      asyncEnd: push(`${name}.asyncEnd`),
      error: push(`${name}.error`),
    };
    const channel = diagnostics.tracingChannel(`scene-radar:${name}`);
    channel.subscribe(handlers);
    return () => channel.unsubscribe(handlers);
  });
  const plain = ['cache', 'progress'].map((name) => {
    const fn = push(name);
    diagnostics.subscribe(`scene-radar:${name}`, fn);
    return () => diagnostics.unsubscribe(`scene-radar:${name}`, fn);
  });
  return {
    stop() {
      for (const off of [...traced, ...plain]) off();
      return got;
    },
  };
}

/**
 * A demo world whose Fusion, coverage, identity kernel, MIG universe, workspaces and a host feature
 * throw {@link hostError} once `state.fail` is set.
 */
function failingWorld(artists = 30, fail: { mig?: boolean } = {}) {
  const world = createDemoWorld({ seed: 7, artists, end: END });
  const s = world.sources;
  const state = { fail: false };
  const coverage: CoverageAdapter = {
    ...s.coverage!,
    getArticles: async (k, o) => {
      if (state.fail) throw hostError();
      return s.coverage!.getArticles(k, o);
    },
  };
  const mig: MIGAdapter = {
    ...s.mig!,
    listArtists: async (q, o) => {
      if (state.fail && fail.mig) throw hostError();
      return s.mig!.listArtists(q, o);
    },
  };
  const sources: SceneRadarSources = {
    ...s,
    mig,
    coverage,
    identityKernel: {
      ...s.identityKernel!,
      getCoherence: async (k, o) => {
        if (state.fail) throw hostError();
        return s.identityKernel!.getCoherence(k, o);
      },
    },
    workspaces: {
      getWorkspaces: async () => {
        throw hostError();
      },
    },
  };
  const feature: HostFeature = {
    name: 'tiktok-follows',
    source: 'tiktok export',
    read: async (slugs) => {
      if (state.fail) throw hostError();
      return new Map(slugs.map((x, i) => [x, i]));
    },
  };
  return { world, sources, state, hostFeatures: [feature] };
}

describe('hostile review 107: a source error with a token in its text, over HTTP', () => {
  it('FAULT: the artist profile route serves a failing source\'s own error text (a URL with token=...) as explanation.sources[].reason and explanation.hostFeatures[].reason, which the OpenAPI document calls "a client-safe reason"', async () => {
    const { world, sources, state, hostFeatures } = failingWorld();
    const radar = createSceneRadar({ sources, hostFeatures, clock: fixedClock(NOW) });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh(NOW);
      state.fail = true;
      const slug = world.dataset.artistSlugs()[0]!;
      const res = await createFetchHandler(radar)(
        new Request(`http://radar.test/api/talent/artists/${slug}?skipCache=true`),
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        data: {
          explanation: {
            sources: Record<string, { status: string; reason?: string }>;
            hostFeatures?: Record<string, { status: string; reason?: string }>;
          };
        };
      };
      const { sources: reads, hostFeatures: host } = body.data.explanation;
      // The reads did fail and say so (the outcome is kept, only its text is the issue).
      expect(reads.articles?.status).toBe('error');
      expect(reads.coherence?.status).toBe('error');
      expect(host?.['tiktok-follows']?.status).toBe('error');
      // The SDK's own rule for a failing source (the workspace route): the kind of failure, never
      // the source's text. Here the token reaches every API client.
      expect(reads.articles?.reason).not.toMatch(SECRET);
      expect(reads.coherence?.reason).not.toMatch(SECRET);
      expect(host?.['tiktok-follows']?.reason).not.toMatch(SECRET);
    } finally {
      await radar.close();
    }
  }, 20_000);

  it("FAULT: after a refresh whose MIG universe read threw, GET /api/talent/pulse and /api/talent/top carry the source's error text (token=...) in meta.degraded, while /api/health masks the same reason", async () => {
    const { world, sources, state } = failingWorld(20, { mig: true });
    const radar = createSceneRadar({ sources, clock: fixedClock(NOW) });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh(NOW);
      state.fail = true;
      const report = await radar.refresh(NOW);
      expect(report.talent.universe).toBe('error');
      const handler = createFetchHandler(radar);
      // Health: the same reason, masked (docs/cli.md: URLs masked).
      const health = await (await handler(new Request('http://radar.test/api/health'))).text();
      expect(health).toContain('"name":"mig","state":"down"');
      expect(health).not.toMatch(SECRET);
      for (const path of ['/api/talent/pulse?skipCache=true', '/api/talent/top?skipCache=true']) {
        const res = await handler(new Request(`http://radar.test${path}`));
        expect(res.status).toBe(200);
        const body = (await res.json()) as { data: { meta: { degraded: string[] } } };
        const note = body.data.meta.degraded.find((d) => d.includes('could not read the artist universe'));
        expect(note, path).toBeDefined();
        expect(note, path).not.toMatch(SECRET);
      }
    } finally {
      await radar.close();
    }
  }, 20_000);

  it("the workspace route, the scene pulses, 4xx answers to token= queries, logs, channels, stats and spans hold none of the source's secrets, nor the request's", async () => {
    const { world, sources, state, hostFeatures } = failingWorld();
    const { logger, records } = capturingLogger();
    const exporter = new InMemorySpanExporter();
    const bridge = instrumentOpenTelemetry({
      tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    });
    const channels = captureChannels();
    const radar = createSceneRadar({ sources, hostFeatures, clock: fixedClock(NOW), logger });
    const errors: unknown[] = [];
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh(NOW);
      state.fail = true;
      await radar.refresh(NOW);
      const handler = createFetchHandler(radar, { onError: (e) => errors.push(e) });
      const scene = world.catalog.scenes[0]!.slug;
      const headers = { authorization: 'Bearer S3cretBEARER', cookie: 'sid=S3cretCOOKIE' };
      const ask = async (path: string) => {
        const res = await handler(new Request(`http://radar.test${path}`, { headers }));
        return { status: res.status, text: `${await res.text()} ${headersText(res.headers)}` };
      };
      const ws = await ask(`/api/talent/recommendations?workspaceId=${WORKSPACE}`);
      expect(ws.status).toBe(503);
      expect(ws.text).toContain('"code":"SOURCES_UNAVAILABLE"');
      const answers = [
        ws,
        await ask(`/api/scenes/${scene}/pulse?skipCache=true`),
        await ask('/api/scene-pulse?skipCache=true'),
        await ask('/api/health'),
        await ask('/api/nowhere?token=S3cretQUERY'),
        await ask(`/api/scenes/${scene}?token=S3cretQUERY`),
        await ask('/api/talent/pulse?limit=S3cretQUERY'),
        await ask('/api/talent/top?category=S3cretQUERY'),
        await ask(`/api/talent/recommendations?workspaceId=${WORKSPACE}&access_token=S3cretQUERY`),
      ];
      expect(answers.map((a) => a.status)).toEqual([503, 200, 200, 200, 404, 400, 400, 400, 400]);
      for (const a of answers) expect(a.text).not.toMatch(SECRET);
      // Logs: no artist, scene or workspace id at any level, none of the request's secrets.
      const logged = records.map((r) => text(r)).join('\n');
      for (const slug of world.dataset.artistSlugs()) expect(logged).not.toContain(`"${slug}"`);
      expect(logged).not.toContain(WORKSPACE);
      expect(logged).not.toMatch(/S3cret(BEARER|COOKIE|QUERY|CAUSE|RESPONSE)/);
      // Channels, stats, the handler's stats and the spans: bounded names and counts only.
      const published = channels.stop().join('\n');
      expect(published.length).toBeGreaterThan(0);
      expect(published).not.toMatch(SECRET);
      expect(published).not.toContain(WORKSPACE);
      expect(text(radar.stats())).not.toMatch(SECRET);
      expect(text(handler.stats())).not.toMatch(SECRET);
      const spans = exporter.getFinishedSpans();
      expect(spans.length).toBeGreaterThan(0);
      expect(text(spans.map((s) => ({ n: s.name, a: s.attributes, st: s.status, ev: s.events })))).not.toMatch(SECRET);
      expect(errors).toEqual([]);
    } finally {
      channels.stop();
      bridge.close();
      await radar.close();
    }
  }, 25_000);

  it('through toNodeListener: 4xx answers to requests with Authorization, a cookie and token= queries, and a 500 of a host handler that throws a token, echo none of them', async () => {
    const world = createDemoWorld({ seed: 7, artists: 20, end: END });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    const failures: unknown[] = [];
    const kit = toNodeListener(createFetchHandler(radar));
    const throwing = toNodeListener(
      async () => {
        throw hostError();
      },
      { onError: (e) => failures.push(e) },
    );
    const server: Server = createServer((req, res) => (req.url?.startsWith('/host') ? throwing : kit)(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const headers = {
        authorization: 'Bearer S3cretBEARER',
        cookie: 'sid=S3cretCOOKIE',
        'x-request-id': 'S3cret id!',
      };
      const seen: { status: number; text: string }[] = [];
      for (const path of [
        '/api/nowhere?token=S3cretQUERY',
        '/api/scenes/%E0%A4%A?token=S3cretQUERY',
        '/api/talent/pulse?token=S3cretQUERY',
        '/api/talent/pulse?limit=S3cretQUERY',
        '/host/anything?token=S3cretQUERY',
      ]) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
        seen.push({ status: res.status, text: `${await res.text()} ${headersText(res.headers)}` });
      }
      expect(seen.map((s) => s.status)).toEqual([404, 400, 400, 400, 500]);
      for (const s of seen) expect(s.text).not.toMatch(SECRET);
      expect(seen[4]!.text).toContain('"message":"Internal error"');
      // The cause went to the host's onError, as documented.
      expect(failures).toHaveLength(1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await radar.close();
    }
  }, 20_000);
});

describe('hostile review 107: PostgreSQL credentials and schema', () => {
  it('FAULT: a schema never migrated answers every route 503 STORE_SCHEMA_MISMATCH whose body names the schema (message and details.schema), though "a body never holds ... the schema name"', async () => {
    const schema = freshSchema();
    const world = createDemoWorld({ seed: 7, artists: 20, end: END });
    const stores = createPostgresStores({ connectionString: PG_REACHABLE, connectionTimeoutMillis: 3000 }, { schema });
    const radar = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(NOW) });
    try {
      const handler = createFetchHandler(radar);
      const res = await handler(new Request('http://radar.test/api/scenes'));
      const body = await res.text();
      expect(res.status).toBe(503);
      expect(body).toContain('"code":"STORE_SCHEMA_MISMATCH"');
      // The documented details (docs/http-api.md): found and expected.
      expect(body).toContain('"found":0');
      expect(body).not.toMatch(SECRET);
      expect(body).not.toContain(schema);
    } finally {
      await radar.close();
      await stores.close();
    }
  }, 20_000);

  it('an unreachable server with a password in the URL: thrown errors, every body, health, stats and a real pino log hold no password; the CLI prints one line without it', async () => {
    const world = createDemoWorld({ seed: 7, artists: 20, end: END });
    let written = '';
    const stream = new Writable({
      write(chunk, _enc, done) {
        written += String(chunk);
        done();
      },
    });
    const stores = createPostgresStores({ connectionString: PG_UNREACHABLE, connectionTimeoutMillis: 2000 });
    const radar = createSceneRadar({
      sources: world.sources,
      stores,
      clock: fixedClock(NOW),
      logger: pino({ level: 'info' }, stream),
    });
    try {
      const thrown = await radar.refresh(NOW).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isSceneRadarError(thrown)).toBe(true);
      const error = thrown as Error & { code: string; details: unknown };
      expect(error.code).toBe('STORE_UNAVAILABLE');
      expect(`${error.message} ${text(error.details)} ${String(error.stack)}`).not.toMatch(/S3cret|127\.0\.0\.1/);
      const handler = createFetchHandler(radar);
      for (const path of ['/api/health', '/api/scenes', '/api/talent/pulse', '/api/scene-pulse']) {
        const res = await handler(new Request(`http://radar.test${path}`));
        expect(res.status, path).toBe(503);
        expect(await res.text(), path).not.toMatch(/S3cret|127\.0\.0\.1|postgres:\/\//);
      }
      expect(text(radar.stats())).not.toMatch(SECRET);
      expect(written).toContain('refresh failed');
      expect(written).not.toMatch(SECRET);
    } finally {
      await radar.close();
      await stores.close();
    }
    const err: string[] = [];
    const out: string[] = [];
    const code = await runCli(['refresh', '--demo', '--artists', '20', '--postgres', PG_UNREACHABLE], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/^scene-radar refresh: PostgreSQL cannot be reached \(ECONNREFUSED\)/);
    expect([...err, ...out].join('\n')).not.toMatch(SECRET);
  }, 25_000);

  it('a connection string pg cannot parse (a "#" in the password) is CONFIG_INVALID without the string; the CLI refuses it as a usage mistake without repeating it', async () => {
    const stores = createPostgresStores({ connectionString: 'postgres://app:S3cret#PW@127.0.0.1:99999/test' });
    try {
      const e = await stores.ready().then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(isSceneRadarError(e)).toBe(true);
      expect((e as { code: string }).code).toBe('CONFIG_INVALID');
      expect(`${(e as Error).message} ${text((e as { details?: unknown }).details)}`).not.toMatch(SECRET);
    } finally {
      await stores.close();
    }
    const err: string[] = [];
    const code = await runCli(['refresh', '--demo', '--postgres', 'postgres://app:S3cret#PW@127.0.0.1:99999/test'], {
      out: () => undefined,
      err: (l) => err.push(l),
    });
    expect(code).toBe(2);
    expect(err.join('\n')).not.toMatch(SECRET);
  }, 15_000);

  it('the CLI over a reachable server with a password in the URL prints where the tables live without the password', async () => {
    const schema = freshSchema();
    const err: string[] = [];
    const out: string[] = [];
    const code = await runCli(
      ['refresh', '--demo', '--artists', '20', '--postgres', PG_REACHABLE, '--schema', schema],
      { out: (l) => out.push(l), err: (l) => err.push(l) },
    );
    const all = [...out, ...err].join('\n');
    expect(code, all).toBe(0);
    expect(all).toContain(`PostgreSQL schema "${schema}" at postgres@127.0.0.1:5432/test`);
    expect(all).not.toMatch(SECRET);
  }, 25_000);
});

describe('hostile review 107: Redis credentials', () => {
  it('FAULT: a Redis URL that does not parse (a "#" in the password, a port past 65535) throws a raw TypeError ERR_INVALID_URL whose enumerable `input` is the whole URL with its password, instead of CONFIG_INVALID', async () => {
    for (const url of ['redis://:S3cret#PW@127.0.0.1:6399', 'redis://:S3cretPW@127.0.0.1:99999']) {
      let tierError: unknown;
      try {
        await createRedisCacheTier({ redis: url }).close();
      } catch (e) {
        tierError = e;
      }
      const limiterError = await createRedisRateLimiter({ redis: url, limit: 3 }).then(
        async (l) => {
          await l.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      for (const e of [tierError, limiterError]) {
        // A host logging it (pino writes an error's own properties) writes the password.
        expect(text(e), url).not.toMatch(SECRET);
        expect(isSceneRadarError(e), url).toBe(true);
        expect((e as { code?: unknown }).code, url).toBe('CONFIG_INVALID');
      }
    }
  }, 15_000);

  it('a cache tier on an unreachable Redis with a password: health, stats, the tier events and the logs name the failure by its code only', async () => {
    const world = createDemoWorld({ seed: 7, artists: 20, end: END });
    const events: unknown[] = [];
    const tier = createRedisCacheTier({ redis: REDIS_UNREACHABLE, onEvent: (e) => events.push(e) });
    const { logger, records } = capturingLogger();
    const radar = createSceneRadar({ sources: world.sources, cache: { store: tier }, clock: fixedClock(NOW), logger });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh(NOW);
      const res = await createFetchHandler(radar, {
        health: { caches: [{ name: 'redis', health: () => tier.health() }] },
      })(new Request('http://radar.test/api/health'));
      const health = await res.text();
      expect(res.status).toBe(200);
      expect(health).toContain('"name":"redis","state":"degraded"');
      expect(health).not.toMatch(/S3cret|127\.0\.0\.1|6399/);
      expect(text(radar.stats().cache.store)).not.toMatch(/S3cret|127\.0\.0\.1/);
      expect(text(events)).not.toMatch(SECRET);
      expect(text(records)).not.toMatch(SECRET);
    } finally {
      await radar.close();
      await tier.close();
    }
  }, 20_000);
});

describe('hostile review 107: the health route masks what a reporter says', () => {
  it('FAULT: a reporter\'s reason naming a service by a one-label host and port (connect ECONNREFUSED redis-primary:6379, as under Docker or Kubernetes) is served unmasked, though "host:port" is masked', async () => {
    const world = createDemoWorld({ seed: 7, artists: 10, end: END });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    try {
      const reasons = [
        'connect ECONNREFUSED redis-primary:6379',
        'connect ECONNREFUSED 10.0.0.7:6379 (redis://:S3cretPW@10.0.0.7:6379)',
        'AUTH failed: Authorization: Bearer S3cretBEARER',
      ];
      const handler = createFetchHandler(radar, {
        health: {
          caches: reasons.map((reason, i) => ({
            name: `tier-${i}`,
            health: () => ({ name: `tier-${i}`, state: 'degraded' as const, reason }),
          })),
        },
      });
      const body = (await (await handler(new Request('http://radar.test/api/health'))).json()) as {
        data: { caches: { name: string; reason?: string }[] };
      };
      const served = body.data.caches.filter((c) => c.name.startsWith('tier-')).map((c) => c.reason ?? '');
      expect(served).toHaveLength(3);
      // The URL, the IP and the bearer token are masked...
      expect(served[1]).not.toMatch(/S3cret|10\.0\.0\.7/);
      expect(served[2]).not.toMatch(SECRET);
      // ...a service's host:port is not.
      expect(served[0]).not.toContain('redis-primary:6379');
    } finally {
      await radar.close();
    }
  }, 15_000);
});
