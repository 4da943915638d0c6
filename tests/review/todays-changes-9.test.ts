/**
 * Review of the day's fixes (2e156f7, 8128e84), looking for holes in the fixes themselves. Every
 * test here fails on the current code because of a fault the fix left; each cites the promise.
 */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { fastifyPlugin } from '../../adapters/node/fastify';
import type { WebHandler } from '../../adapters/node/listener';

/** A host handler answering bytes without a content type. */
const untypedBody: WebHandler = async () => new Response(new Uint8Array([1, 2, 3]), { status: 200 });

describe('Fastify plugin: the onSend hook taking off the made-up type (2e156f7)', () => {
  // CHANGELOG (Fixed, review of the day's fixes): the plugin "takes off Fastify's made-up type in an
  // `onSend` hook of its own scope". Its hook takes off whatever type the reply holds by then: a
  // type the app's own onSend hook set on purpose (it runs first, see FastifyLikeInstance.addHook)
  // is removed too, and the client gets bytes without the type the host chose.
  it("keeps a content type the app's own onSend hook set on the untyped body", async () => {
    const app = Fastify();
    app.addHook('onSend', async (_request, reply, payload) => {
      if (Buffer.isBuffer(payload)) reply.header('content-type', 'application/x-host-chosen');
      return payload;
    });
    await app.register(fastifyPlugin(untypedBody));
    try {
      const res = await app.inject({ method: 'GET', url: '/api/anything' });
      expect(res.statusCode).toBe(200);
      expect([...res.rawPayload]).toEqual([1, 2, 3]);
      expect(res.headers['content-type']).toBe('application/x-host-chosen');
    } finally {
      await app.close();
    }
  });

  // Same hook: when an app onSend hook fails, Fastify answers the error (a JSON body with its
  // type) through the onSend hooks again. The request is still marked untyped (the plugin's hook
  // never ran the first time), so the error's `application/json` type is taken off.
  it("an error raised by the app's onSend hook is answered as JSON with its content type", async () => {
    const app = Fastify();
    app.addHook('onSend', async (_request, _reply, payload) => {
      if (Buffer.isBuffer(payload)) throw new Error('signing failed');
      return payload;
    });
    await app.register(fastifyPlugin(untypedBody));
    try {
      const res = await app.inject({ method: 'GET', url: '/api/anything' });
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    } finally {
      await app.close();
    }
  });

  // Control (passes): the same failing hook over a typed body gets Fastify's JSON error with its type.
  it('control: the same error over a typed body keeps application/json', async () => {
    const typed: WebHandler = async () =>
      new Response(new Uint8Array([1, 2, 3]), { status: 200, headers: { 'content-type': 'text/plain' } });
    const app = Fastify();
    app.addHook('onSend', async (_request, _reply, payload) => {
      if (Buffer.isBuffer(payload)) throw new Error('signing failed');
      return payload;
    });
    await app.register(fastifyPlugin(typed));
    try {
      const res = await app.inject({ method: 'GET', url: '/api/anything' });
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    } finally {
      await app.close();
    }
  });
});
