/**
 * @module scripts/command-line
 * The repository's commands parse their arguments with the `scene-radar` command's parser
 * (src/cli/command-line.ts): one implementation, re-exported here for the scripts and benchmarks.
 */
export {
  parseCommandLine,
  POSTGRES_ENV,
  postgresTarget,
  UsageError,
  type CommandLine,
  type FlagSpecs,
  type FlagValues,
  type PostgresTarget,
} from '../src/cli/command-line.js';
