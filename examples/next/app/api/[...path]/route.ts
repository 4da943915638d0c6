/**
 * The whole scene-radar API as one Next.js App Router route handler: `app/api/[...path]/route.ts`
 * catches every path below `/api/`, and the kit's web-standard handler takes Next's `Request` as
 * it is. Every method but HEAD is exported, so a POST gets the API's 405 envelope (with `Allow`)
 * rather than Next's bare 405; Next answers HEAD from GET by itself.
 */
import { sceneRadarApi } from '../../../lib/scene-radar';

/** Never prerender or cache: every request reaches the handler (the radar caches by itself). */
export const dynamic = 'force-dynamic';
/** Node: the only runtime scene-radar is tested on (its core imports node:async_hooks: an edge runtime needs Node compatibility). */
export const runtime = 'nodejs';

async function handle(request: Request): Promise<Response> {
  const api = await sceneRadarApi();
  return api(request);
}

export const GET = handle;
export const POST = handle;
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
export const OPTIONS = handle;
