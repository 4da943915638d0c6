/**
 * @module ui/notice
 * uPlot's copyright and license notice, put at the top of the dashboard's bundled module by both
 * builds (tsup.config.ts and ui/server.ts): uPlot's own header is a plain comment the minifier
 * drops, and its MIT license asks for the notice in every copy. No imports: the build config loads it.
 */

/** uPlot's notice, as a comment the minifier keeps (`/*!`). */
export const UPLOT_NOTICE =
  '/*! uPlot.js (https://github.com/leeoniya/uPlot), Copyright (c) 2025, Leon Sorokin. MIT License: https://github.com/leeoniya/uPlot/blob/master/LICENSE */';
