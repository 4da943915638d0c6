/**
 * The load generator of the HTTP load suite (`bench/suites/http.ts`), in a process of its own so
 * that it does not share an event loop with the servers it measures, driven over IPC. Each `run`
 * message runs one closed-loop load (N connections, one request in flight on each) and answers
 * with the throughput, the latency percentiles and the generator's CPU time, which says whether
 * the load generator, not the server, was the limit. Two generators:
 * - `wrk` (C, one thread), when it is installed (`apt-get install wrk`): a fraction of a core at
 *   the rates a bare `node:http` server reaches, so the figures are the server's. Percentiles
 *   from its `--latency` histogram; its CPU time from the shell's `times`.
 * - `autocannon` (Node) otherwise: at those rates it is itself near a full core, so a bare
 *   server's throughput and every p99 include the generator's own queueing. Percentiles from
 *   every response's own time, in ms with decimals (autocannon's histogram keeps whole ms).
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';

/** What the parent asks for. */
export interface LoadRequest {
  readonly type: 'run';
  /** Which generator runs the load. */
  readonly generator: LoadGenerator;
  readonly url: string;
  readonly connections: number;
  readonly durationS: number;
}

/** The load generators this process can run. */
export type LoadGenerator = 'wrk' | 'autocannon';

/** What one run measured. */
export interface LoadResult {
  readonly type: 'result';
  /** 2xx responses per second of the run. */
  readonly rps: number;
  /** 2xx responses in all. */
  readonly ok: number;
  /** Responses with another status, and connection errors or timeouts. */
  readonly failed: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** CPU time of this process over the run, as a share of the run's wall time (1 = one core busy). */
  readonly loadCpuShare: number;
  /** Bytes of the first response's body (a check that the run served what it should); null with wrk, which does not report it. */
  readonly bytesPerResponse: number | null;
}

interface AutocannonResult {
  readonly duration: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly '2xx': number;
}

interface AutocannonInstance {
  on(
    event: 'response',
    listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
  ): void;
}

type Autocannon = (
  options: Record<string, unknown>,
  done: (error: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** A wrk duration (`812.50us`, `3.21ms`, `1.02s`) in ms. */
function wrkMs(value: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(value ?? '');
  if (!m) return Number.NaN;
  const scale = { us: 1e-3, ms: 1, s: 1e3, m: 6e4 }[m[2] as 'us' | 'ms' | 's' | 'm'];
  return Number(m[1]) * scale;
}

/** One run of wrk (one thread), with its CPU time from the shell's `times` (its children's user and system time). */
function runWrk(request: LoadRequest): Promise<LoadResult> {
  const args = ['-t1', `-c${request.connections}`, `-d${request.durationS}s`, '--latency', request.url];
  const script = 'wrk "$@" && times';
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    execFile('bash', ['-c', script, 'wrk', ...args], { encoding: 'utf8' }, (error, out) => {
      if (error) return reject(error);
      const wallMs = performance.now() - t0;
      const pct = (q: string): number => wrkMs(new RegExp(`^\\s+${q}%\\s+(\\S+)`, 'm').exec(out)?.[1]);
      const total = /(\d+) requests in ([\d.]+\w+),/.exec(out);
      const requests = Number(total?.[1] ?? Number.NaN);
      const seconds = wrkMs(total?.[2]) / 1000;
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
      const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const socketErrors = socket ? socket.slice(1).reduce((n, x) => n + Number(x), 0) : 0;
      // `times` prints the shell's own times, then its children's: "0m1.234s 0m0.567s".
      const children = [...out.matchAll(/(\d+)m([\d.]+)s (\d+)m([\d.]+)s/g)].at(-1);
      const cpuMs = children
        ? (Number(children[1]) * 60 + Number(children[2]) + Number(children[3]) * 60 + Number(children[4])) * 1000
        : Number.NaN;
      const maxMs = wrkMs(/^\s+Latency\s+\S+\s+\S+\s+(\S+)/m.exec(out)?.[1]);
      if (!(requests > 0) || !(seconds > 0)) return reject(new Error(`wrk: unreadable output\n${out}`));
      resolve({
        type: 'result',
        rps: (requests - non2xx) / seconds,
        ok: requests - non2xx,
        failed: non2xx + socketErrors,
        p50Ms: pct('50'),
        p90Ms: pct('90'),
        p99Ms: pct('99'),
        maxMs,
        loadCpuShare: cpuMs / wallMs,
        bytesPerResponse: null,
      });
    });
  });
}

async function run(request: LoadRequest): Promise<LoadResult> {
  if (request.generator === 'wrk') return runWrk(request);
  let times = new Float64Array(1 << 16);
  let n = 0;
  let bytesPerResponse = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    const instance = autocannon(
      { url: request.url, connections: request.connections, pipelining: 1, duration: request.durationS },
      (error, out) => (error ? reject(error) : resolve(out)),
    );
    instance.on('response', (_client, statusCode, resBytes, responseTime) => {
      if (statusCode < 200 || statusCode > 299) return;
      if (n === times.length) {
        const grown = new Float64Array(times.length * 2);
        grown.set(times);
        times = grown;
      }
      times[n++] = responseTime;
      bytesPerResponse ||= resBytes;
    });
  });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const sorted = times.subarray(0, n).sort();
  return {
    type: 'result',
    rps: result['2xx'] / result.duration,
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
    p50Ms: percentile(sorted, 0.5),
    p90Ms: percentile(sorted, 0.9),
    p99Ms: percentile(sorted, 0.99),
    maxMs: n ? sorted[n - 1]! : Number.NaN,
    loadCpuShare: (cpu.user + cpu.system) / 1000 / wallMs,
    bytesPerResponse,
  };
}

process.on('message', (message: LoadRequest) => {
  if (message.type !== 'run') return;
  run(message).then(
    (result) => process.send?.(result),
    (error: unknown) => process.send?.({ type: 'error', message: String(error) }),
  );
});
process.once('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' });
