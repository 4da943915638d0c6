/**
 * @module cli
 * The `scene-radar` command: `demo`, `serve`, `refresh`, `backtest`, `openapi`. {@link runCli} runs
 * one command line and resolves with its exit code (0 done, 1 failed, 2 a usage mistake, 130
 * stopped by its signal before it finished), writing
 * through an {@link CliIo}; the package's `bin` calls it with the process's arguments.
 */
import { type FlagSpecs, type FlagValues, parseCommandLine, UsageError } from './command-line.js';
import { COMMANDS } from './commands.js';
import { describeFailure, EXIT, InterruptedError, processIo, type CliIo } from './io.js';
import { SDK_VERSION } from '../version.js';

export { COMMANDS, type CliCommand } from './commands.js';
export { EXIT, DataFileError, describeFailure, InterruptedError, processIo, type CliIo } from './io.js';
export { UsageError } from './command-line.js';

/** The version `scene-radar --version` prints: the package's. */
export const CLI_VERSION = SDK_VERSION;

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: scene-radar <command> [flags]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "'scene-radar <command> --help' describes a command's flags; docs/cli.md has the data folder's format.",
    'Your own data in one command: npx scene-radar serve --data ./exports',
  ].join('\n');
}

/**
 * Runs one `scene-radar` command line (`argv` without `node` and the script) and resolves with the
 * exit code. `signal` stops a command: `serve` closes its server and radar; an import, refresh or
 * backtest still running is abandoned at once (its radar closed if it still opens) and the exit
 * code is 130; with `signal` already aborted, no command runs (130, `interrupted`).
 * @example
 * ```ts
 * const code = await runCli(['openapi'], { out: console.log, err: console.error });
 * ```
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo = processIo,
  signal: AbortSignal = new AbortController().signal,
): Promise<number> {
  const [name, ...rest] = argv;
  // Stopped before it began (a Ctrl-C while the bin loaded the commands): nothing runs, nothing is
  // printed but the word, as for a command stopped a moment later.
  if (signal.aborted) {
    const known = COMMANDS.find((c) => c.name === name);
    io.err(`scene-radar${known === undefined ? '' : ` ${known.name}`}: interrupted`);
    return EXIT.interrupted;
  }
  if (name === 'help' && rest.length === 1 && COMMANDS.some((c) => c.name === rest[0])) {
    // `help <command>`: that command's usage, as `<command> --help` prints it.
    io.out(COMMANDS.find((c) => c.name === rest[0])!.usage);
    return EXIT.ok;
  }
  if (name === 'help' && rest.length === 1 && ['--help', '-h', 'help'].includes(rest[0]!)) {
    // `help --help`, `help help`: help about help is the overview.
    io.out(overview());
    return EXIT.ok;
  }
  if (
    name === undefined ||
    name === '--help' ||
    name === '-h' ||
    name === 'help' ||
    name === '--version' ||
    name === '-v'
  ) {
    // Nothing may follow (a mistyped flag after --version would be ignored without a word), but
    // `help <command>` (above).
    if (rest.length > 0) {
      const known = name === 'help' && COMMANDS.some((c) => c.name === rest[0]);
      io.err(
        name === 'help' && !known
          ? `scene-radar: unknown command ${JSON.stringify(rest[0])}\n${overview()}`
          : `scene-radar: unexpected ${JSON.stringify(rest[known ? 1 : 0])} after ${known ? `help ${rest[0]}` : name}\n${overview()}`,
      );
      return EXIT.usage;
    }
    if (name === '--version' || name === '-v') {
      io.out(CLI_VERSION);
      return EXIT.ok;
    }
    (name === undefined ? io.err : io.out)(overview());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`scene-radar: unknown command ${JSON.stringify(name)}\n${overview()}`);
    return EXIT.usage;
  }
  let values: FlagValues<FlagSpecs>;
  try {
    values = parseCommandLine(rest, command.flags).values;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`scene-radar ${command.name}: ${error.message}\n${command.usage}`);
    return EXIT.usage;
  }
  if ((values as { help?: unknown }).help === true) {
    io.out(command.usage);
    return EXIT.ok;
  }
  try {
    return await command.run(values, io, signal);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`scene-radar ${command.name}: ${error.message}\n${command.usage}`);
      return EXIT.usage;
    }
    if (error instanceof InterruptedError) {
      io.err(`scene-radar ${command.name}: interrupted`);
      return EXIT.interrupted;
    }
    const lines = describeFailure(error);
    io.err(`scene-radar ${command.name}: ${lines[0]}`);
    for (const line of lines.slice(1)) io.err(line);
    return EXIT.failed;
  }
}
