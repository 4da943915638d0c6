/**
 * @module version
 * The package's version, in code: what `scene-radar --version` prints, and what keys the values
 * the radar shares with other instances (a value computed by another version is never served).
 * A test holds it equal to package.json's `version`.
 */

/** The version of this package (package.json `version`). */
export const SDK_VERSION = '0.1.0';
