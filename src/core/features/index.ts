/**
 * @module core/features
 * Pure feature maths shared by the Scenes Engine and the Talent Radar (neither imports the other).
 */
export * from './stats.js';
export * from './series.js';
