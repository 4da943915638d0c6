/**
 * HTTP load figures (issue 15): warm `GET /api/talent/pulse?limit=20` and `GET /api/scenes?limit=20`
 * through what `npm run serve` runs (`toNodeListener(createFetchHandler(radar))` on the demo
 * world, rate limit off) against a bare `node:http` server returning the identical bytes: the
 * limit of Node itself on this machine. 50 connections, closed loop, by wrk when it is installed,
 * else autocannon (`SCENE_RADAR_BENCH_HTTP_LOAD=wrk|autocannon` chooses; bench/http/load.ts says
 * why wrk is the one to trust: autocannon nears a core of its own at these rates). Servers and the
 * load generator each run in a process of their own (bench/http/); on Linux with `taskset` and two
 * or more cores the servers are pinned to core 0 and the load generator to core 1
 * (`SCENE_RADAR_BENCH_HTTP_PIN=0` leaves them to the scheduler). Runs are
 * interleaved (bare and SDK alternate, the order flipping each round) and every figure is a median
 * over the rounds; the ratio is the median of each round's SDK / bare pair.
 *
 * `SCENE_RADAR_BENCH_HTTP_BASELINE=<directory>` adds a third server, `baseline`: the same
 * bench/http/server.ts run from another tree (an older checkout with this file copied in), measured
 * in the same rounds, so a before / after comparison is side by side in one run. Its bodies must be
 * byte-identical to the SDK's.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadGenerator, LoadRequest, LoadResult } from '../http/load.js';
import type { ServedBody, ServerRunStats } from '../http/server.js';
import { round, type Figure } from '../harness.js';

const ROUTES = [
  { key: 'talent_pulse', path: '/api/talent/pulse?limit=20' },
  { key: 'scenes_list', path: '/api/scenes?limit=20' },
] as const;
const CONNECTIONS = 50;
const ROUNDS = 5;
const RUN_S = 3;
const WARMUP_S = 1;
// Load between the full GC that starts each run and the measured part: right after a forced full
// GC a server (the bare one too) serves with a tail of 20-33 ms p99 for a while (the heap's limits
// start again from its live size), which no server in steady use has (docs/performance.md).
const SETTLE_S = 1;
const ARTISTS = 300;
const MIN_RATIO = 0.35;
const MAX_P99_MS = 5;
const READY_TIMEOUT_MS = 180_000;

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(here, '../..');

type Message = { readonly type: string } & Record<string, unknown>;

/** The next message of `child` that satisfies `accept` (an `error` message, an exit or the timeout rejects). */
function nextMessage<T extends Message>(child: ChildProcess, type: string, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: Message): void => {
      if (message.type === 'error') {
        cleanup();
        reject(new Error(`bench child: ${String(message.message)}`));
      } else if (message.type === type) {
        cleanup();
        resolvePromise(message as T);
      }
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`bench child exited (${code}) before '${type}'`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`bench child: no '${type}' within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Pins every thread of `pid` to `cpu` when the machine allows it; false when it does not. */
function pin(pid: number | undefined, cpu: number): boolean {
  if (process.env.SCENE_RADAR_BENCH_HTTP_PIN === '0') return false;
  if (pid === undefined || process.platform !== 'linux' || availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['-a', '-pc', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function spawn(root: string, script: string, args: readonly string[], gc: boolean): ChildProcess {
  return fork(resolve(root, script), [...args], {
    cwd: root,
    execArgv: [...(gc ? ['--expose-gc'] : []), '--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

interface Target {
  readonly name: 'bare' | 'sdk' | 'baseline';
  readonly child: ChildProcess;
  readonly url: string;
}

interface Sample extends LoadResult {
  readonly server: ServerRunStats;
}

/** wrk when it is installed (or asked for), else autocannon. */
function loadGenerator(): LoadGenerator {
  const asked = process.env.SCENE_RADAR_BENCH_HTTP_LOAD;
  if (asked === 'wrk' || asked === 'autocannon') return asked;
  if (asked !== undefined && asked !== '')
    throw new Error(`SCENE_RADAR_BENCH_HTTP_LOAD: expected wrk or autocannon, got ${asked}`);
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return 'wrk';
  } catch (error) {
    // wrk --version exits 1 after printing its version: installed.
    if ((error as { status?: number }).status === 1) return 'wrk';
    console.error(
      'http: wrk is not installed (apt-get install wrk); autocannon loads the servers, and its own queueing is in every p99',
    );
    return 'autocannon';
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export async function httpSuite(): Promise<Figure[]> {
  const children: ChildProcess[] = [];
  try {
    const paths = ROUTES.map((r) => r.path).join(',');
    const sdkChild = spawn(repoRoot, 'bench/http/server.ts', ['sdk', paths, String(ARTISTS)], true);
    children.push(sdkChild);
    const baselineRoot = process.env.SCENE_RADAR_BENCH_HTTP_BASELINE;
    const baselineChild =
      baselineRoot === undefined || baselineRoot === ''
        ? undefined
        : spawn(resolve(baselineRoot), 'bench/http/server.ts', ['sdk', paths, String(ARTISTS)], true);
    if (baselineChild) children.push(baselineChild);
    const sdkReady = await nextMessage<Message & { url: string; bodies: Record<string, ServedBody> }>(
      sdkChild,
      'ready',
      READY_TIMEOUT_MS,
    );
    const targets: Target[] = [{ name: 'sdk', child: sdkChild, url: sdkReady.url }];
    if (baselineChild) {
      const ready = await nextMessage<Message & { url: string; bodies: Record<string, ServedBody> }>(
        baselineChild,
        'ready',
        READY_TIMEOUT_MS,
      );
      for (const { path } of ROUTES)
        if (ready.bodies[path]?.body !== sdkReady.bodies[path]?.body)
          throw new Error(`baseline and SDK bodies differ for ${path}`);
      targets.push({ name: 'baseline', child: baselineChild, url: ready.url });
    }
    const bareChild = spawn(repoRoot, 'bench/http/server.ts', ['bare'], true);
    children.push(bareChild);
    bareChild.send({ type: 'serve', bodies: sdkReady.bodies });
    const bareReady = await nextMessage<Message & { url: string }>(bareChild, 'ready');
    targets.unshift({ name: 'bare', child: bareChild, url: bareReady.url });
    // The bare server must serve exactly what the SDK serves.
    for (const { path } of ROUTES) {
      const [a, b] = await Promise.all(
        [bareReady.url, sdkReady.url].map(async (u) => Buffer.from(await (await fetch(`${u}${path}`)).arrayBuffer())),
      );
      if (!a!.equals(b!)) throw new Error(`bare and SDK bodies differ for ${path}`);
    }

    const generator = loadGenerator();
    const loadChild = spawn(repoRoot, 'bench/http/load.ts', [], false);
    children.push(loadChild);
    await nextMessage(loadChild, 'ready');
    const pinned = targets.every((t) => pin(t.child.pid, 0)) && pin(loadChild.pid, 1);

    const load = async (target: Target, path: string, durationS: number): Promise<LoadResult & Message> => {
      const request: LoadRequest = {
        type: 'run',
        generator,
        url: `${target.url}${path}`,
        connections: CONNECTIONS,
        durationS,
      };
      loadChild.send(request);
      return nextMessage<LoadResult & Message>(loadChild, 'result', (durationS + 30) * 1000);
    };
    const measure = async (target: Target, path: string, durationS: number): Promise<Sample> => {
      target.child.send({ type: 'begin' });
      await nextMessage(target.child, 'begun');
      // The same load, unmeasured, then the counters start again (no second GC).
      const settling = await load(target, path, SETTLE_S);
      if (settling.failed > 0) throw new Error(`${target.name} ${path}: ${settling.failed} failed requests`);
      target.child.send({ type: 'begin', gc: false });
      await nextMessage(target.child, 'begun');
      const result = await load(target, path, durationS);
      target.child.send({ type: 'end' });
      const server = await nextMessage<ServerRunStats & Message>(target.child, 'stats');
      if (result.failed > 0) throw new Error(`${target.name} ${path}: ${result.failed} failed requests`);
      return { ...result, server };
    };

    for (const target of targets) for (const { path } of ROUTES) await measure(target, path, WARMUP_S);
    const samples = new Map<string, Sample[]>();
    const record = (id: string, sample: Sample): void => {
      samples.set(id, [...(samples.get(id) ?? []), sample]);
    };
    // Flip the order each round, so neither side always runs after the other.
    const orderOf = (round: number): readonly Target[] => (round % 2 === 0 ? targets : [...targets].reverse());
    for (let r = 0; r < ROUNDS; r++)
      for (const { key, path } of ROUTES)
        for (const target of orderOf(r)) record(`${key}:${target.name}`, await measure(target, path, RUN_S));

    const figures: Figure[] = [
      { name: 'http.load_pinned_one_core_each', value: pinned ? 1 : 0 },
      { name: 'http.load_generator_wrk', value: generator === 'wrk' ? 1 : 0 },
    ];
    // Server CPU time per answered request, in us (kernel time included): what an answer costs,
    // whatever share of a core the machine gave the server.
    const cpuUs = (x: Sample): number => (x.server.cpuShare / x.rps) * 1e6;
    for (const { key } of ROUTES) {
      const bare = samples.get(`${key}:bare`)!;
      for (const target of targets) {
        const s = samples.get(`${key}:${target.name}`)!;
        const prefix = `http.${key}_${target.name}`;
        const sdk = target.name === 'sdk';
        figures.push({ name: `${prefix}_req_per_s`, value: round(median(s.map((x) => x.rps)), 0) });
        if (target.name !== 'bare') {
          const ratio = median(s.map((x, i) => x.rps / bare[i]!.rps));
          figures.push({
            name: `${prefix}_vs_bare_x`,
            value: round(ratio, 3),
            ...(sdk ? { target: `>= ${MIN_RATIO}x`, pass: ratio >= MIN_RATIO } : {}),
          });
          figures.push({
            name: `${prefix}_vs_bare_cpu_per_request_x`,
            value: round(median(s.map((x, i) => cpuUs(bare[i]!) / cpuUs(x))), 3),
          });
        }
        const p99 = median(s.map((x) => x.p99Ms));
        figures.push({ name: `${prefix}_p50_ms`, value: round(median(s.map((x) => x.p50Ms)), 2) });
        figures.push({
          name: `${prefix}_p99_ms`,
          value: round(p99, 2),
          ...(sdk ? { target: `<= ${MAX_P99_MS} ms`, pass: p99 <= MAX_P99_MS } : {}),
        });
        figures.push({ name: `${prefix}_max_ms`, value: round(Math.max(...s.map((x) => x.maxMs)), 1) });
        figures.push({ name: `${prefix}_cpu_us_per_request`, value: round(median(s.map(cpuUs)), 1) });
        figures.push({ name: `${prefix}_server_cpu_share`, value: round(median(s.map((x) => x.server.cpuShare)), 2) });
        figures.push({ name: `${prefix}_load_cpu_share`, value: round(median(s.map((x) => x.loadCpuShare)), 2) });
        figures.push({
          name: `${prefix}_event_loop_max_ms`,
          value: round(Math.max(...s.map((x) => x.server.eventLoopMaxMs)), 1),
        });
      }
      figures.push({
        name: `http.${key}_response_bytes`,
        value: Buffer.from(sdkReady.bodies[ROUTES.find((r) => r.key === key)!.path]!.body, 'base64').length,
      });
    }
    return figures;
  } finally {
    // Each child stops (closing its server) when its IPC channel closes.
    for (const child of children) if (child.connected) child.disconnect();
  }
}
