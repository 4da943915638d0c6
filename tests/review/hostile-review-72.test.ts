/**
 * Hostile review (72) of the HTTP API kit under a hostile client: rate limiting (the client key,
 * the limiter's failure), CORS, request targets, `skipCache` abuse, header injection, through the
 * real fetch handler and the node:http glue (`toNodeListener`) over a small demo world, on port 0
 * of 127.0.0.1. Every test here fails on the code it was written against.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFetchHandler, createMemoryRateLimiter } from '../../src/api/index.js';
import type { SceneRadar } from '../../src/index.js';
import { toNodeListener } from '../../adapters/node/index.js';
import { buildDemoRadar } from '../../examples/demo-radar.js';

let radar: SceneRadar;
beforeAll(async () => {
  radar = await buildDemoRadar(40);
}, 60_000);
afterAll(async () => {
  await radar?.close();
});

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function serve(listener: RequestListener): Promise<number> {
  const server: Server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` holds, or `ms` have passed. */
async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await sleep(20);
}

/** Sends `raw` on a fresh connection and reads the answer until the server closes it. */
function rawHttp(port: number, raw: string, waitMs = 1_500): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(raw));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(text);
    }, waitMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(text);
    });
    socket.on('error', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}

describe('hostile review 72: the client key of the rate limiter through the Node glue', () => {
  // FAULT: adapters/node/listener.ts contextOf reads req.socket.remoteAddress when the request is
  // served; once the client has reset the connection it is undefined, so the handler (src/api/answer.ts,
  // `context.clientAddress ?? 'shared'`) counts the request, which it still computes, under the one
  // shared key instead of the client's address: a client escapes its own limit (and drains the shared one).
  it('FAULT: requests a client pipelines and then resets are never counted under another key than its address', async () => {
    const keys: string[] = [];
    const memory = createMemoryRateLimiter({ limit: 1_000 });
    const handler = createFetchHandler(radar, {
      rateLimit: {
        limiter: {
          consume: (key) => {
            keys.push(key);
            return memory.consume(key);
          },
        },
      },
    });
    const port = await serve(toNodeListener(handler));
    const request = 'GET /api/scenes?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

    // An ordinary client is counted under its address.
    const plain = await rawHttp(port, request.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'));
    expect(plain.startsWith('HTTP/1.1 200')).toBe(true);
    expect(keys).toEqual(['127.0.0.1']);

    // The same client sends five pipelined requests and resets the connection at once.
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(request.repeat(5));
      socket.resetAndDestroy();
    });
    socket.on('error', () => {});
    await until(() => keys.length >= 6, 1_500);
    await sleep(100);

    // Whatever the glue does with them (serve them or drop them), none is counted under a key
    // that is not the client's address.
    expect(keys.filter((key) => key !== '127.0.0.1')).toEqual([]);
  });
});
