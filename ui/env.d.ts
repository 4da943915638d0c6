/**
 * Module declarations the browser build needs: CSS imported as text (esbuild's `text` loader),
 * and uPlot, whose package has no `types` field (its declarations are in `dist/uPlot.d.ts`).
 */
declare module '*.css' {
  const text: string;
  export default text;
}

declare module 'uplot' {
  const uPlot: typeof import('uplot/dist/uPlot');
  export default uPlot;
}
