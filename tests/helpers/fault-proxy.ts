/**
 * A TCP proxy between a database client and its server, for fault tests over real connections (no
 * mock of the driver): a test points the client at the proxy, then cuts it (every connection
 * destroyed, new ones refused: the server is "down") and restores it. A cut can also be armed to
 * happen when the client sends a given statement, to drop a connection in the middle of a
 * transaction. Bytes pass through unchanged; the proxy only looks at what the client sends.
 * @example
 * ```ts
 * const proxy = await startFaultProxy({ port: 5432 });
 * const stores = createPostgresStores({ connectionString: proxy.url('postgres://postgres@h/test') });
 * proxy.cut();      // every call now fails: ECONNREFUSED, or the connection is terminated
 * await proxy.restore();
 * ```
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

/** Where the proxy forwards to. */
export interface FaultProxyTarget {
  /** The server's host. @default '127.0.0.1' */
  readonly host?: string;
  /** The server's port. */
  readonly port: number;
}

/**
 * When an armed cut happens (see {@link FaultProxy.cutWhen}): once a client has sent, on one
 * connection, a message matching each pattern in order (one message per pattern), the cut happens
 * at the one matching the last pattern, which is not forwarded. `[/pg_advisory_xact_lock/,
 * /INSERT INTO/, /INSERT INTO|COMMIT/]` cuts a transaction after its first write reached the server.
 */
export interface CutTrigger {
  /** The patterns, matched against what the client sends (as latin1 text: SQL reads as written). */
  readonly sequence: readonly RegExp[];
}

/** A running proxy. */
export interface FaultProxy {
  /** The port the proxy listens on (127.0.0.1), the same across cuts and restores. */
  readonly port: number;
  /** `connectionString` with its host and port replaced by the proxy's. */
  url(connectionString: string): string;
  /** True between {@link FaultProxy.cut} and {@link FaultProxy.restore}. */
  readonly isCut: boolean;
  /** Connections open through the proxy now. */
  readonly open: number;
  /** Connections accepted since the proxy started. */
  readonly accepted: number;
  /** Destroys every connection (both sides) and stops listening: new connections are refused. */
  cut(): Promise<void>;
  /** Listens again on the same port: new connections reach the server. */
  restore(): Promise<void>;
  /** Arms a cut: it happens when a client sends what `trigger` matches. Resolves once cut. */
  cutWhen(trigger: CutTrigger): Promise<void>;
  /** Stops the proxy for good. */
  close(): Promise<void>;
}

/** Starts a proxy on an ephemeral port of 127.0.0.1 forwarding to `target`. */
export async function startFaultProxy(target: FaultProxyTarget): Promise<FaultProxy> {
  const host = target.host ?? '127.0.0.1';
  const pairs = new Set<{ client: Socket; server: Socket; step: number }>();
  let armed: { trigger: CutTrigger; fire: () => void } | undefined;
  let server: Server | undefined;
  let port = 0;
  let accepted = 0;
  let cut = false;

  const destroyAll = (): void => {
    for (const p of pairs) {
      p.client.destroy();
      p.server.destroy();
    }
    pairs.clear();
  };

  const onConnection = (client: Socket): void => {
    accepted++;
    const upstream = connect({ host, port: target.port });
    const pair = { client, server: upstream, step: 0 };
    pairs.add(pair);
    const drop = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    upstream.on('data', (chunk: Buffer) => {
      if (!client.destroyed) client.write(chunk);
    });
    client.on('data', (chunk: Buffer) => {
      if (armed) {
        const { trigger, fire } = armed;
        // latin1 keeps every byte as one character: SQL text in the protocol reads as written.
        if (trigger.sequence[pair.step]?.test(chunk.toString('latin1'))) {
          pair.step++;
          if (pair.step === trigger.sequence.length) {
            armed = undefined;
            fire();
            return;
          }
        }
      }
      if (!upstream.destroyed) upstream.write(chunk);
    });
  };

  const listen = async (): Promise<void> => {
    const s = createServer(onConnection);
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        s.off('error', reject);
        resolve();
      });
    });
    port = (s.address() as { port: number }).port;
    server = s;
  };

  const stop = async (): Promise<void> => {
    const s = server;
    server = undefined;
    destroyAll();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  const proxy: FaultProxy = {
    get port() {
      return port;
    },
    get isCut() {
      return cut;
    },
    get open() {
      return pairs.size;
    },
    get accepted() {
      return accepted;
    },
    url(connectionString) {
      const u = new URL(connectionString);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async cut() {
      cut = true;
      await stop();
    },
    async restore() {
      if (!cut) return;
      cut = false;
      await listen();
    },
    cutWhen(trigger) {
      return new Promise<void>((resolve, reject) => {
        if (armed || trigger.sequence.length === 0) {
          reject(new Error(armed ? 'a cut is already armed' : 'an empty sequence never cuts'));
          return;
        }
        for (const p of pairs) p.step = 0;
        armed = {
          trigger,
          fire: () => {
            proxy.cut().then(resolve, reject);
          },
        };
      });
    },
    async close() {
      armed = undefined;
      cut = true;
      await stop();
    },
  };
  return proxy;
}
