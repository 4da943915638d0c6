#!/usr/bin/env node
/**
 * @module cli/bin
 * The package's `bin`: `scene-radar <command> [flags]` (see {@link runCli}). SIGINT and SIGTERM
 * stop a running `serve` cleanly (server, radar, pool) and any other command at once (exit 130);
 * a second signal exits at once. A stdout or stderr closed early (`| head`) is not a failure: what
 * would still go there is dropped. Any other failure to write stdout (a full disk) is: the command
 * exits 1 (unless it failed with its own code) and says so on stderr.
 */
// A module (its names stay its own), though it imports its commands only below, once it listens.
export {};

const controller = new AbortController();
const stop = (): void => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// A reader that goes away (`scene-radar openapi | head -1`) fails the next write with EPIPE, an
// 'error' event that, unheard, ends the process with a stack trace (a `serve` too, mid-request).
// The command goes on (a server keeps serving, a refresh closes its radar and pool); what it
// still writes there is dropped. Any other write error on stdout (ENOSPC: `> /dev/full`, a full
// disk) lost output the operator asked for: the exit code says so (1, unless the command already
// failed with its own), and stderr too. Stderr carries diagnostics only: its errors change nothing.
let lostOutput = false;
process.stderr.on('error', () => undefined);
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error?.code === 'EPIPE' || error?.code === 'ERR_STREAM_DESTROYED' || lostOutput) return;
  lostOutput = true;
  if (!process.exitCode) process.exitCode = 1;
  process.stderr.write(`scene-radar: the output could not be written (${error?.code ?? String(error)})\n`);
});
// The commands load after the handlers above are in place (a second or more with tsx on a loaded
// machine): a Ctrl-C while they load stops the command with 130 like a later one, where Node's
// default action used to end the process by the signal, with no exit code and no word.
void import('./index.js')
  .then(({ runCli }) => runCli(process.argv.slice(2), undefined, controller.signal))
  .then(
    (code) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      // Interrupted: work the command abandoned (an import, a refresh) would keep the process alive.
      if (controller.signal.aborted && code !== 0) process.exit(code);
      // Output lost to a write error fails a command that would have succeeded.
      process.exitCode = lostOutput && code === 0 ? 1 : code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
