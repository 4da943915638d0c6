/**
 * @module adapters/node/client-gone
 * When the client of a response goes away. A response's own `close` is not enough: Node emits it
 * only on the response that holds the socket, so a pipelined response queued behind another never
 * hears that its client left (its request's signal never aborted, its body was never cancelled).
 * The socket's `close` is heard too, through one listener per socket, however many responses of
 * the connection wait on it.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

const waiting = new WeakMap<Socket, Set<() => void>>();

/** Runs `fn` once `socket` closes (one `close` listener per socket); returns its remover. */
function onSocketClose(socket: Socket, fn: () => void): () => void {
  let set = waiting.get(socket);
  if (!set) {
    const own = new Set<() => void>();
    set = own;
    waiting.set(socket, own);
    socket.once('close', () => {
      waiting.delete(socket);
      for (const f of own) f();
    });
  }
  const mine = set;
  mine.add(fn);
  return () => {
    mine.delete(fn);
  };
}

/**
 * Calls `gone` once when the client of `res` leaves before `res` has finished: the response's
 * `close` or its connection's (at once when the connection has already closed). Returns a
 * function that stops listening.
 * @internal
 */
export function onClientGone(res: ServerResponse, gone: () => void): () => void {
  let done = false;
  const fire = (): void => {
    if (done || res.writableFinished) return;
    done = true;
    gone();
  };
  const socket = res.req?.socket ?? res.socket ?? undefined;
  const off = socket ? onSocketClose(socket, fire) : undefined;
  const stop = (): void => {
    done = true;
    res.off('close', fire);
    res.off('finish', stop);
    off?.();
  };
  res.once('close', fire);
  // A finished response no longer cares: nothing stays on a keep-alive connection's list.
  res.once('finish', stop);
  if (socket?.destroyed || res.destroyed) fire();
  return stop;
}
