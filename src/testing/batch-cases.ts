/**
 * @module testing/batch-cases
 * The checks every batch method of every source shares: empty input, known and unknown keys,
 * duplicates, schema and item rules, batch consistency, idempotence, as-of, monotonicity, abort
 * and input immutability. Source suites describe their methods as {@link BatchProbe}s.
 */
import { declaredBatchSize, outOfBounds, oversize } from '../core/gateway/bounds.js';
import { firstDifference } from './deep-equal.js';
import {
  asBatch,
  attempt,
  expectAbortRejects,
  liveSignal,
  violation,
  type BatchProbe,
  type SuiteEnv,
} from './source-kit.js';
import type { ContractCase } from './suite.js';
import { show } from './violation.js';

/** The shared cases of one batch method. */
export function batchMethodCases<A, T>(probe: BatchProbe<A, T>, env: SuiteEnv<A>): ContractCase[] {
  const c = probe.contract;
  const method = c.slice(c.indexOf('.') + 1);
  // A source that declares `maxBatchSize` is asked in batches of at most that many keys, in order,
  // and the answers merged, as the gateway asks it: a per-item source (`maxBatchSize: 1`) that
  // refuses bigger batches is within the contract. (Duplicates are kept: the duplicate-keys case
  // still reaches the adapter, a key per call when its batches hold one.)
  const batchSize = (adapter: A): number => declaredBatchSize(adapter) ?? Number.POSITIVE_INFINITY;
  const call = async (
    adapter: A,
    keys: readonly string[],
    asOf: Date = env.asOf,
    from: Date = env.from,
  ): Promise<Map<string, unknown>> => {
    const size = batchSize(adapter);
    const chunks: (readonly string[])[] = [];
    if (keys.length <= size) chunks.push(keys);
    else for (let i = 0; i < keys.length; i += size) chunks.push(keys.slice(i, i + size));
    const out = new Map<string, unknown>();
    for (const chunk of chunks) {
      const answer = asBatch(
        c,
        await attempt(c, `resolve for keys ${show(chunk)} as of ${asOf.toISOString()}`, () =>
          // Copies: an adapter that changes a Date it is given must not move the suite's instants.
          probe.invoke(adapter, chunk, { asOf: new Date(asOf), signal: liveSignal(), from: new Date(from) }),
        ),
      );
      for (const [k, v] of answer) {
        // Split into batches, a key one batch returns though another asked it would pass the
        // whole call's check ("returns only requested keys"): each batch is checked on its own.
        if (chunks.length > 1 && !chunk.includes(k))
          throw violation(
            c,
            'return only keys that were requested',
            `asked for ${show(chunk)} (a batch of maxBatchSize), it also returned ${show([k])}`,
          );
        // A key asked in two batches (duplicates) must be answered the same in both: merging
        // must not let a later batch's answer hide a wrong one.
        const d = out.has(k) ? firstDifference(out.get(k), v) : undefined;
        if (d !== undefined)
          throw violation(
            c,
            'answer duplicated keys as if each were asked once',
            `${k} was answered differently in two batches (at ${d})`,
          );
        out.set(k, v);
      }
    }
    return out;
  };
  const setup = async (): Promise<{ adapter: A; known: readonly string[] }> => {
    const adapter = await attempt(c, 'be created by options.create', env.create);
    const known = await probe.knownKeys(adapter);
    return { adapter, known };
  };
  const bounds = (key: string, problem: string | undefined): void => {
    if (problem)
      throw violation(
        c,
        'return items within the sanity bounds the gateway applies (config.payloads)',
        `under ${key}: ${problem}`,
      );
  };
  const parse = (key: string, value: unknown): T => {
    bounds(key, oversize(c, value, env.payloads));
    const result = probe.schema.safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = [key, ...(issue?.path ?? []).map(String)].join('.');
      throw violation(
        c,
        'return items that match the payload schema',
        `the item at ${where} is invalid: ${issue?.message ?? 'unknown issue'}`,
      );
    }
    // Dates after asOf are the as-of case's business (stricter than the gateway's skew): only the
    // ceilings, the 1900 floor and campaign ends are checked here.
    bounds(key, outOfBounds(c, result.data, Number.POSITIVE_INFINITY, env.payloads));
    for (const rule of probe.rules ?? []) {
      const problem = rule.problem(key, result.data);
      if (problem) throw violation(c, rule.requirement, `under ${key}: ${problem}`);
    }
    return result.data;
  };
  const expectSame = (requirement: string, a: unknown, b: unknown, labels: string): void => {
    const d = firstDifference(a, b);
    if (d !== undefined) throw violation(c, requirement, `${labels} differ at ${d}`);
  };

  const cases: ContractCase[] = [
    {
      name: `${method}: resolves to an empty map for no keys`,
      async run() {
        const { adapter } = await setup();
        const out = await call(adapter, []);
        if (out.size !== 0)
          throw violation(c, 'resolve to an empty map for an empty key list', `it returned ${out.size} entries`);
      },
    },
    {
      name: `${method}: returns every known key`,
      async run() {
        const { adapter, known } = await setup();
        const out = await call(adapter, known);
        const missing = known.filter((k) => !out.has(k));
        if (missing.length > 0)
          throw violation(
            c,
            'return an entry for every key it knows at asOf',
            `these known keys are missing: ${show(missing)}`,
          );
      },
    },
    {
      name: `${method}: leaves unknown keys out without throwing`,
      async run() {
        const { adapter, known } = await setup();
        const out = await call(adapter, [probe.unknownKey, ...known.slice(0, 1)]);
        if (out.has(probe.unknownKey))
          throw violation(c, 'leave unknown keys out of its answer', `it returned an entry for ${probe.unknownKey}`);
      },
    },
    {
      name: `${method}: returns only requested keys`,
      async run() {
        const { adapter, known } = await setup();
        for (const keys of [known.slice(0, 1), [...known.slice(1, 2), probe.unknownKey], known]) {
          const extra = [...(await call(adapter, keys)).keys()].filter((k) => !keys.includes(k));
          if (extra.length > 0)
            throw violation(
              c,
              'return only keys that were requested',
              `asked for ${show(keys)}, it also returned ${show(extra)}`,
            );
        }
      },
    },
    {
      name: `${method}: tolerates duplicate keys`,
      async run() {
        const { adapter, known } = await setup();
        const [a, b = a] = known as [string, ...string[]];
        const plain = await call(adapter, [...new Set([a, b])]);
        const duplicated = await call(adapter, [a, a, b, a, b]);
        expectSame(
          'answer duplicated keys as if each were asked once',
          plain,
          duplicated,
          'the answers with and without duplicates',
        );
      },
    },
    {
      name: `${method}: returns items that match the payload schema and item rules`,
      async run() {
        const { adapter, known } = await setup();
        for (const asOf of [env.asOf, env.earlierAsOf]) {
          for (const [k, v] of await call(adapter, [...known, probe.unknownKey], asOf)) parse(k, v);
        }
      },
    },
    {
      name: `${method}: answers a batch as it answers each key alone`,
      async run() {
        const { adapter, known } = await setup();
        // The unknown key first: in batches of the declared size, it shares one with a known key.
        const batch = await call(adapter, [probe.unknownKey, ...known]);
        const alone = new Map<string, unknown>();
        for (const k of [probe.unknownKey, ...known])
          for (const [key, v] of await call(adapter, [k])) alone.set(key, v);
        expectSame(
          'answer a batch exactly as it answers each key alone',
          batch,
          alone,
          'the batch answer and the per-key answers',
        );
      },
    },
    {
      name: `${method}: is idempotent`,
      async run() {
        const { adapter, known } = await setup();
        const first = await call(adapter, known);
        const second = await call(adapter, known);
        expectSame('give the same answer to the same question', first, second, 'two identical calls');
      },
    },
    {
      name: `${method}: rejects when the signal is already aborted`,
      async run() {
        const { adapter, known } = await setup();
        await expectAbortRejects(c, (signal) =>
          probe.invoke(adapter, known.slice(0, batchSize(adapter)), { asOf: env.asOf, signal, from: env.from }),
        );
      },
    },
    {
      name: `${method}: does not mutate its inputs`,
      async run() {
        const { adapter, known } = await setup();
        // One batch as the gateway would send it (at most the declared `maxBatchSize`).
        const keys = [probe.unknownKey, ...known].slice(0, batchSize(adapter));
        const asOf = new Date(env.asOf);
        const from = new Date(env.from);
        const options = Object.freeze({ asOf, signal: liveSignal(), from: new Date(env.from) });
        await attempt(c, 'accept a frozen key array and frozen options (never mutate its inputs)', () =>
          probe.invoke(adapter, Object.freeze([...keys]), options),
        );
        const copy = [...keys];
        await attempt(c, `resolve for keys ${show(keys)}`, () =>
          probe.invoke(adapter, copy, { asOf, signal: liveSignal(), from }),
        );
        expectSame('not mutate the keys it is given', keys, copy, 'the keys before and after the call');
        if (asOf.getTime() !== env.asOf.getTime())
          throw violation(c, 'not mutate the asOf it is given', `asOf changed to ${asOf.toISOString()}`);
        if (from.getTime() !== env.from.getTime())
          throw violation(c, 'not mutate the from it is given', `from changed to ${from.toISOString()}`);
      },
    },
  ];

  const asOfProblem = probe.asOfProblem;
  if (asOfProblem) {
    cases.push({
      name: `${method}: returns nothing known only after asOf`,
      async run() {
        const { adapter, known } = await setup();
        const check = (k: string, item: T, asOf: Date, why = ''): void => {
          const problem = asOfProblem(item, asOf);
          if (problem)
            throw violation(
              c,
              'return only what was known at asOf',
              `as of ${asOf.toISOString()}${why}, under ${k}: ${problem}`,
            );
        };
        const latest = new Map<string, number>();
        for (const asOf of [env.asOf, env.earlierAsOf]) {
          for (const [k, v] of await call(adapter, [...known, probe.unknownKey], asOf)) {
            const item = parse(k, v);
            check(k, item, asOf);
            const t = probe.knownAt?.(item);
            if (asOf === env.asOf && t !== undefined) latest.set(k, t);
          }
        }
        // Ask again 1 ms before each key's latest observation became known: a source that reads
        // even a little past asOf then returns it, whatever the host's data looks like.
        for (const [k, t] of latest) {
          const before = new Date(t - 1);
          const from = before.getTime() < env.from.getTime() ? before : env.from;
          const why = ` (1 ms before something it returned became known)`;
          for (const [key, v] of await call(adapter, [k], before, from)) check(key, parse(key, v), before, why);
        }
      },
    });
  }
  const monotoneProblem = probe.monotoneProblem;
  if (monotoneProblem) {
    cases.push({
      name: `${method}: still knows at asOf what it knew at earlierAsOf`,
      async run() {
        const { adapter, known } = await setup();
        const earlier = await call(adapter, known, env.earlierAsOf);
        const later = await call(adapter, known, env.asOf);
        for (const [k, v] of earlier) {
          if (!later.has(k)) throw violation(c, 'be monotone in time', `${k} was known at earlierAsOf but not at asOf`);
          const problem = monotoneProblem(parse(k, v), parse(k, later.get(k)), env.from);
          if (problem)
            throw violation(
              c,
              'be monotone in time (what is known at earlierAsOf is still known at asOf)',
              `under ${k}: ${problem}`,
            );
        }
      },
    });
  }
  return cases;
}
