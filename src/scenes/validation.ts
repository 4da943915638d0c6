/**
 * @module scenes/validation
 * The argument checks now live in the neutral core (both engines use them); re-exported here for
 * the Scenes Engine's modules.
 */
export {
  readKeysOnce,
  readOptionKeys,
  requireDate,
  requireInt,
  requireOptions,
  requireSlug,
} from '../core/validation.js';
