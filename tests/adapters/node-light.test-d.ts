/**
 * The Node glue mirrors the light-path types of `src/api/light.ts` (it may import only the public
 * entry): the two must stay the same, or the glue would call the handler with what it does not take.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type * as node from '../../adapters/node/light.js';
import type * as api from '../../src/api/light.js';

describe('adapters/node/light mirrors src/api/light', () => {
  it('the request, the answer and the handler are the same types', () => {
    expectTypeOf<node.ApiRequestLike>().toEqualTypeOf<api.ApiRequestLike>();
    expectTypeOf<node.ApiAnswer>().toEqualTypeOf<api.ApiAnswer>();
    expectTypeOf<node.LightHandler>().toEqualTypeOf<api.LightHandler>();
  });
});
