/**
 * The load generator of the HTTP load suite (`bench/suites/http.ts`), in a process of its own so
 * that it does not share an event loop with the servers it measures: autocannon, driven over IPC.
 * Each `run` message runs one closed-loop load (N connections, one request in flight on each) and
 * answers with the throughput, the latency percentiles (from every response's own time, in ms with
 * decimals: autocannon's histogram keeps whole milliseconds) and this process's CPU time, which
 * says whether the load generator, not the server, was the limit.
 */
import { createRequire } from 'node:module';

/** What the parent asks for. */
export interface LoadRequest {
  readonly type: 'run';
  readonly url: string;
  readonly connections: number;
  readonly durationS: number;
}

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
  /** Bytes of the first response's body (a check that the run served what it should). */
  readonly bytesPerResponse: number;
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

async function run(request: LoadRequest): Promise<LoadResult> {
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
