#!/usr/bin/env node
/**
 * @module cli/bin
 * The package's `bin`: `scene-radar <command> [flags]` (see {@link runCli}). SIGINT and SIGTERM
 * stop a running `serve` cleanly (server, radar, pool) and any other command at once (exit 130);
 * a second signal exits at once.
 */
import { runCli } from './index.js';

const controller = new AbortController();
const stop = (): void => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// No top-level await: the entry is also built as CommonJS.
void runCli(process.argv.slice(2), undefined, controller.signal).then(
  (code) => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    // Interrupted: work the command abandoned (an import, a refresh) would keep the process alive.
    if (controller.signal.aborted && code !== 0) process.exit(code);
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
