/**
 * @module ui/notice
 * uPlot's copyright and license notice, put at the top of the dashboard's bundled module by both
 * builds (tsup.config.ts and ui/server.ts): uPlot's own header is a plain comment the minifier
 * drops, and its MIT license asks for the notice in every copy. No imports: the build config loads it.
 */

/**
 * uPlot's notice, as a comment the minifier keeps (`/*!`): its copyright line and the whole MIT
 * permission notice, as node_modules/uplot/LICENSE words them (the license asks for both in every
 * copy; a link alone is not the notice).
 */
export const UPLOT_NOTICE = `/*! uPlot.js (https://github.com/leeoniya/uPlot)
 *
 * The MIT License (MIT)
 *
 * Copyright (c) 2022 Leon Sorokin
 *
 * Permission is hereby granted, free of charge, to any person obtaining a copy
 * of this software and associated documentation files (the "Software"), to deal
 * in the Software without restriction, including without limitation the rights
 * to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 * copies of the Software, and to permit persons to whom the Software is
 * furnished to do so, subject to the following conditions:
 *
 * The above copyright notice and this permission notice shall be included in
 * all copies or substantial portions of the Software.
 *
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 * IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 * FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 * AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 * LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 * OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
 * THE SOFTWARE.
 */`;
