/**
 * How a test starts a TypeScript entry of this repository in a child Node process: from this run's
 * bundle of it when tests/setup/bundle-entries.ts made one (`npm test`), else through tsx's loader
 * (`node --import tsx <entry>`, as before; any entry, any config).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `entry` (absolute, or relative to the repository) as an absolute path. */
const absolute = (entry: string): string => (isAbsolute(entry) ? entry : join(ROOT, entry));

/** The bundle of `entry` made for this run, if any. */
function bundleOf(entry: string): string | undefined {
  const dir = inject('tsBundles');
  const rel = relative(ROOT, absolute(entry));
  if (!dir || rel.startsWith('..')) return undefined;
  const bundle = join(dir, rel.replace(/\.ts$/, '.mjs'));
  return existsSync(bundle) ? bundle : undefined;
}

/**
 * The arguments for `process.execPath` that run `entry` after the modules `preloads` (each given to
 * Node as `--import`; paths absolute or relative to the repository, whatever the child's cwd):
 * `['--enable-source-maps', --import <preload bundle>..., <bundle>]` when all of them were bundled,
 * else `['--import', 'tsx', --import <preload>..., entry]`. Put Node's own flags before them and the
 * entry's arguments after.
 */
export function tsEntry(entry: string, preloads: readonly string[] = []): string[] {
  const bundle = bundleOf(entry);
  const preloaded = preloads.map(bundleOf);
  if (bundle && preloaded.every((p) => p !== undefined))
    return ['--enable-source-maps', ...preloaded.flatMap((p) => ['--import', p]), bundle];
  return ['--import', 'tsx', ...preloads.flatMap((p) => ['--import', absolute(p)]), absolute(entry)];
}

/** {@link tsEntry} for `child_process.fork`: its last argument is the module, the rest Node's flags. */
export function tsFork(entry: string): { readonly modulePath: string; readonly execArgv: string[] } {
  const args = tsEntry(entry);
  return { modulePath: args.at(-1) as string, execArgv: args.slice(0, -1) };
}
