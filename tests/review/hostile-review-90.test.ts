/**
 * Hostile review 90: the PostgreSQL adapter used by several instances at once, against the local
 * server. The connection between an instance and the server goes silent (a stateful firewall or NAT
 * dropping the flow, a partition, a frozen peer): no reset ever arrives, bytes just stop. The
 * adapter promises that "a failure to reach the server becomes `STORE_UNAVAILABLE` instead of a
 * driver error or a hang" (adapters/postgres/connection.ts, module TSDoc), that a server that
 * accepts but never answers fails after `connectionTimeoutMillis` "instead of hanging"
 * (docs/persistence.md, failure table), and that an instance "cut off inside" its refresh
 * transaction neither blocks the others nor resolves as written: its refresh "rejects with
 * `STORE_UNAVAILABLE`" (stores.ts, `transactionIdleTimeoutMs`). The proxy below forwards bytes
 * unchanged until told to go silent for the connections open at that moment; new connections keep
 * working, so the server stays reachable.
 */
import { spawn } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStores, migrate, openPostgresStores } from '../../adapters/postgres/index.js';
import { isSceneRadarError } from '../../src/core/errors.js';
import type { ScenesStores } from '../../src/stores/specs.js';
import { TEST_DATABASE_URL } from '../helpers/postgres.js';

const admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 4 });
admin.on('error', () => undefined);
const schemas: string[] = [];
let made = 0;
/** A fresh schema name of this file (hr90_ prefix), dropped after it. */
const freshSchema = (): string => {
  const schema = `hr90_${process.pid}_${made++}`;
  schemas.push(schema);
  return schema;
};
afterAll(async () => {
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await admin.end();
});

/** The outcome of `p` once it settles, or 'still pending' after `ms` (a hang, not a speed check). */
const within = (p: Promise<unknown>, ms: number): Promise<string> =>
  Promise.race([
    p.then(
      () => 'resolved',
      (e: { code?: string }) => e.code ?? String(e),
    ),
    new Promise<string>((resolve) => setTimeout(() => resolve('still pending'), ms).unref()),
  ]);

/**
 * The bound on one statement the fix added (`queryTimeoutMillis`, 2 minutes by default): set lower
 * here so a silent connection is given up well inside HANG_MS.
 */
const QUERY_MS = 2_000;

/** How long a call may take before it counts as hung: ten times the connect timeout given below. */
const HANG_MS = 10_000;
const CONNECT_MS = 1_000;

interface SilentProxy {
  readonly url: string;
  /** The connections open now stop forwarding both ways, and no close or reset crosses. */
  goSilent(): void;
  /** Makes a connection go silent when its client sends a message matching `pattern` (not forwarded). */
  silenceOn(pattern: RegExp): void;
  /** Destroys every connection (what a reset finally does) and stops listening. */
  close(): Promise<void>;
}

async function silentProxy(): Promise<SilentProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket; silent: boolean }>();
  let trigger: RegExp | undefined;
  const server: Server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: 5432 });
    const pair = { client, upstream, silent: false };
    pairs.add(pair);
    const drop = (): void => {
      if (pair.silent) return; // silent: the other side learns nothing, not even a close
      client.destroy();
      upstream.destroy();
    };
    client.on('error', () => undefined).on('close', drop);
    upstream.on('error', () => undefined).on('close', drop);
    upstream.on('data', (chunk: Buffer) => {
      if (!pair.silent) client.write(chunk);
    });
    client.on('data', (chunk: Buffer) => {
      if (trigger?.test(chunk.toString('latin1'))) {
        trigger = undefined;
        pair.silent = true;
      }
      if (!pair.silent) upstream.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/test`,
    goSilent() {
      for (const p of pairs) p.silent = true;
    },
    silenceOn(pattern) {
      trigger = pattern;
    },
    async close() {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const trend = (day: string, heat: number) => ({
  scene_slug: 'indie-uk-brighton',
  day,
  heat,
  growth: 0.1,
  stage: 'growing' as const,
  active_members: 3,
  new_members: 1,
  rising_members: 1,
  as_of: `${day}T00:00:00.000Z`,
});

type Tx = <T>(fn: (tx: ScenesStores) => Promise<T>) => Promise<T>;
const transactionOf = (scenes: ScenesStores): Tx => (scenes as ScenesStores & { transaction: Tx }).transaction;

describe('hostile review 90: a connection to PostgreSQL that goes silent', () => {
  it('a read on a connection that stops answering rejects STORE_UNAVAILABLE, and the pool serves the next call', {
    timeout: 60_000,
  }, async () => {
    const schema = freshSchema();
    await migrate({ pool: admin, schema });
    const proxy = await silentProxy();
    const stores = createPostgresStores(
      { connectionString: proxy.url, max: 1, connectionTimeoutMillis: CONNECT_MS, queryTimeoutMillis: QUERY_MS },
      { schema },
    );
    try {
      await stores.scenes.scene_trends.upsert([trend('2026-11-01', 40)]);
      proxy.goSilent();
      const read = await within(stores.scenes.scene_trends.scan(), HANG_MS);
      // New connections through the proxy work: the server is there, only the old flow is dead.
      const next = await within(stores.scenes.scene_trends.count(), HANG_MS);
      expect({ read, next }).toEqual({ read: 'STORE_UNAVAILABLE', next: 'resolved' });
    } finally {
      await proxy.close();
      await stores.close();
    }
  });

  it('a transaction cut off mid-way: the other instance goes on, and the cut-off one rejects STORE_UNAVAILABLE, its client released', {
    timeout: 60_000,
  }, async () => {
    const schema = freshSchema();
    await migrate({ pool: admin, schema });
    const proxy = await silentProxy();
    const cutOff = createPostgresStores(
      { connectionString: proxy.url, max: 1, connectionTimeoutMillis: CONNECT_MS, queryTimeoutMillis: QUERY_MS },
      { schema, transactionIdleTimeoutMs: 1_000 },
    );
    const other = createPostgresStores({ pool: admin }, { schema });
    try {
      await cutOff.ready();
      const stuck = transactionOf(cutOff.scenes)(async (tx) => {
        await tx.scene_trends.upsert([trend('2026-11-02', 50)]);
        proxy.goSilent();
        await tx.scene_trends.upsert([trend('2026-11-03', 60)]);
      });
      // Control (holds): the server ends the silent session after transactionIdleTimeoutMs, so the
      // other instance's transaction, queued on the engine lock, lands.
      expect(
        await within(
          transactionOf(other.scenes)((tx) => tx.scene_trends.upsert([trend('2026-11-04', 70)])),
          HANG_MS,
        ),
      ).toBe('resolved');
      const { rows } = await admin.query(`SELECT day FROM "${schema}".scene_trends ORDER BY day`);
      expect(rows.map((r) => r.day)).toEqual(['2026-11-04']);
      // The fault: the cut-off transaction never settles, and holds the pool's only client.
      const outcome = await within(stuck, HANG_MS);
      const next = await within(cutOff.scenes.scene_trends.count(), HANG_MS);
      expect({ outcome, next }).toEqual({ outcome: 'STORE_UNAVAILABLE', next: 'resolved' });
    } finally {
      await proxy.close();
      await cutOff.close();
    }
  });

  it('an instance cut off between two migrations does not hold the migration lock for good: another instance starting with migrate: true gets on', {
    timeout: 60_000,
  }, async () => {
    const schema = freshSchema();
    const proxy = await silentProxy();
    // The first migration's BEGIN never arrives: the session holds its advisory lock, idle, outside
    // any transaction, so no idle-in-transaction timeout ever ends it.
    proxy.silenceOn(/BEGIN/);
    const first = migrate({ connectionString: proxy.url, schema, connectionTimeoutMillis: CONNECT_MS });
    first.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = openPostgresStores(
      { connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: CONNECT_MS, queryTimeoutMillis: QUERY_MS },
      { schema, migrate: true },
    );
    try {
      // Either outcome would do (migrated, or STORE_UNAVAILABLE: the lock is held); never a hang.
      expect(['resolved', 'STORE_UNAVAILABLE']).toContain(await within(second, HANG_MS));
    } finally {
      await proxy.close();
      await (await second.catch(() => undefined))?.close();
      await first.catch(() => undefined);
    }
  });
});

describe('hostile review 90: the documented host-pool setup when the server ends an idle connection', () => {
  it('a server-side termination of an idle pooled connection (restart, failover, pg_terminate_backend) does not crash the host', {
    timeout: 60_000,
  }, async () => {
    const schema = freshSchema();
    await migrate({ pool: admin, schema });
    const app = `hr90_host_${process.pid}`;
    // docs/persistence.md, "Run on PostgreSQL": `new pg.Pool(...)` handed to createPostgresStores({ pool }),
    // nothing else. Then the server ends the pool's idle connection, and the host reads again.
    const script = `
      import pg from 'pg';
      import { createPostgresStores } from './adapters/postgres/index.ts';
      const pool = new pg.Pool({ connectionString: ${JSON.stringify(TEST_DATABASE_URL)}, max: 10, application_name: ${JSON.stringify(app)} });
      const stores = createPostgresStores({ pool }, { schema: ${JSON.stringify(schema)} });
      await stores.ready();
      await stores.scenes.scene_trends.count();
      const admin = new pg.Client({ connectionString: ${JSON.stringify(TEST_DATABASE_URL)} });
      await admin.connect();
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [${JSON.stringify(app)}]);
      await admin.end();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const after = await stores.scenes.scene_trends.count().then(() => 'resolved', (e) => e.code);
      console.log('after ' + after);
      await stores.close();
      await pool.end();
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      out += b.toString();
    });
    const exit = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    // The read after the termination gets a fresh connection (or STORE_UNAVAILABLE); the process lives on.
    expect({
      exit,
      crashed: /Unhandled 'error' event/.test(out),
      after: /after (resolved|STORE_UNAVAILABLE)/.test(out),
    }).toEqual({
      exit: 0,
      crashed: false,
      after: true,
    });
  });
});

describe('hostile review 90: a server that refuses the login', () => {
  it('openPostgresStores on a database or role that does not exist rejects with an SDK code, not the raw driver error', {
    timeout: 30_000,
  }, async () => {
    // stores.ts, openPostgresStores: "On failure the pool the adapter opened is closed before the
    // error (`STORE_UNAVAILABLE`, `STORE_SCHEMA_MISMATCH`) is thrown"; ready(): "rejects with
    // `STORE_SCHEMA_MISMATCH` or `STORE_UNAVAILABLE`". A typo in the database name or the role is a
    // configuration mistake: CONFIG_INVALID would do too, but some code of the SDK's.
    const base = new URL(TEST_DATABASE_URL);
    const noDatabase = new URL(base);
    noDatabase.pathname = '/hr90_no_such_database';
    const noRole = new URL(base);
    noRole.username = 'hr90_no_such_role';
    const codeOf = (url: URL) =>
      openPostgresStores({ connectionString: url.href, connectionTimeoutMillis: 5_000 }).then(
        async (s) => {
          await s.close();
          return 'resolved';
        },
        (e: unknown) => (isSceneRadarError(e) ? e.code : `raw ${String((e as { code?: unknown }).code)}`),
      );
    const documented = ['STORE_UNAVAILABLE', 'CONFIG_INVALID'];
    expect({ database: await codeOf(noDatabase), role: await codeOf(noRole) }).toEqual({
      database: expect.toBeOneOf(documented),
      role: expect.toBeOneOf(documented),
    });
  });
});
