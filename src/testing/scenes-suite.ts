/**
 * @module testing/scenes-suite
 * Conformance suite for {@link ScenesAdapter}, the Talent Radar's view of the Scenes Engine:
 * memberships, pulses and the hottest-scenes list.
 */
import { ScenePulseSummarySchema, type ScenePulseSummary } from '../contracts/payloads.js';
import { BATCH_METHODS } from '../contracts/registry.js';
import { observedAtMs } from '../core/time.js';
import type { ScenesAdapter } from '../contracts/sources.js';
import { firstDifference } from './deep-equal.js';
import { instantAfter } from './as-of.js';
import { batchMethodCases } from './batch-cases.js';
import {
  asBatch,
  attempt,
  DEFAULT_UNKNOWN_SLUG,
  expectAbortRejects,
  latestOf,
  liveSignal,
  prepareSource,
  surfaceCase,
  violation,
  type SourceSuiteOptions,
} from './source-kit.js';
import type { ContractCase } from './suite.js';
import { show } from './violation.js';

/** Options of {@link scenesAdapterContractSuite}: `knownKeys` are artist slugs. */
export interface ScenesSuiteOptions extends SourceSuiteOptions<ScenesAdapter> {
  /** Scene slugs with a pulse at `asOf`. @default the scenes `listHottestScenes` returns at `asOf` */
  readonly knownSceneSlugs?: readonly string[];
  /** A scene slug without a pulse at `asOf`. @default a synthetic slug no real dataset uses */
  readonly unknownSceneSlug?: string;
}

const C = 'scenes.listHottestScenes';

/** Calls `listHottestScenes` and checks the shape, order and as-of of its answer. */
async function hottest(scenes: ScenesAdapter, limit: number, asOf: Date): Promise<ScenePulseSummary[]> {
  const res: unknown = await attempt(C, `resolve for limit ${limit}`, () =>
    scenes.listHottestScenes({ limit }, { asOf, signal: liveSignal() }),
  );
  const list = Array.isArray(res) ? res : rankedOf(res);
  if (list === undefined)
    throw violation(
      C,
      'resolve to an array of pulse summaries, or { scenes, unranked } (unranked a whole number >= 0)',
      `it resolved to ${show(res)}`,
    );
  return checkHottest(list, limit, asOf);
}

/** The `scenes` of a `{ scenes, unranked }` answer, or undefined when it is not one. */
function rankedOf(res: unknown): unknown[] | undefined {
  if (typeof res !== 'object' || res === null) return undefined;
  const { scenes, unranked } = res as { scenes?: unknown; unranked?: unknown };
  return Array.isArray(scenes) && Number.isInteger(unranked) && (unranked as number) >= 0 ? scenes : undefined;
}

/** Checks the scenes of a `listHottestScenes` answer: at most `limit`, valid summaries, hottest first. */
function checkHottest(res: unknown[], limit: number, asOf: Date): ScenePulseSummary[] {
  if (res.length > limit) throw violation(C, 'return at most `limit` scenes', `limit ${limit} gave ${res.length}`);
  const out = res.map((p: unknown) => {
    const parsed = ScenePulseSummarySchema.safeParse(p);
    if (!parsed.success)
      throw violation(
        C,
        'return pulse summaries that match the schema',
        `${show(p)} is invalid: ${parsed.error.issues[0]?.message ?? ''}`,
      );
    return parsed.data;
  });
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.heat > out[i - 1]!.heat)
      throw violation(
        C,
        'list the hottest scenes first',
        `${out[i]!.sceneSlug} (heat ${out[i]!.heat}) follows ${out[i - 1]!.sceneSlug} (heat ${out[i - 1]!.heat})`,
      );
  }
  const slugs = out.map((p) => p.sceneSlug);
  const dup = slugs.find((s, i) => slugs.indexOf(s) !== i);
  if (dup !== undefined) throw violation(C, 'list each scene once', `${dup} is listed twice`);
  const late = instantAfter(
    out,
    (p) => `the pulse of ${p.sceneSlug}`,
    (p) => p.asOf,
    asOf,
  );
  if (late) throw violation(C, 'return only pulses computed by asOf', late);
  return out;
}

/**
 * Conformance cases for a {@link ScenesAdapter}.
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { registerContractSuite, scenesAdapterContractSuite } from 'scene-radar/testing';
 *
 * registerContractSuite('remote scenes', scenesAdapterContractSuite({
 *   create: () => createRemoteScenes(baseUrl),
 *   knownKeys: ['artist-a'],            // artists with memberships
 *   knownSceneSlugs: ['indie-uk-brighton'],
 *   asOf, earlierAsOf, from,
 * }), { describe, it });
 * ```
 */
export function scenesAdapterContractSuite(options: ScenesSuiteOptions): ContractCase[] {
  const { env, knownKeys, unknownKey } = prepareSource('scenesAdapterContractSuite', options);
  const sceneSlugs = async (scenes: ScenesAdapter): Promise<readonly string[]> => {
    if (options.knownSceneSlugs) return options.knownSceneSlugs;
    const slugs = (await hottest(scenes, 100, env.asOf)).map((p) => p.sceneSlug);
    if (slugs.length === 0)
      throw new Error(
        'scenesAdapterContractSuite: listHottestScenes returned no scene at asOf; pass options.knownSceneSlugs',
      );
    return slugs;
  };
  const create = async (): Promise<ScenesAdapter> => attempt('scenes', 'be created by options.create', env.create);
  return [
    surfaceCase('scenes', ['getMemberships', 'getScenePulses', 'listHottestScenes'], env),
    ...batchMethodCases(
      {
        contract: 'scenes.getMemberships',
        schema: BATCH_METHODS.scenes.getMemberships,
        invoke: (a, keys, o) => a.getMemberships(keys, o),
        knownKeys,
        unknownKey,
        rules: [
          {
            requirement: 'list memberships strongest first',
            problem: (_k, ms) => {
              const i = ms.findIndex((m, j) => j > 0 && m.confidence > ms[j - 1]!.confidence);
              return i < 0
                ? undefined
                : `${ms[i]!.sceneSlug} (confidence ${ms[i]!.confidence}) follows a weaker membership`;
            },
          },
          {
            requirement: 'list each scene once per artist',
            problem: (_k, ms) => {
              const dup = ms.map((m) => m.sceneSlug).find((s, i, all) => all.indexOf(s) !== i);
              return dup === undefined ? undefined : `${dup} is listed twice`;
            },
          },
        ],
      },
      env,
    ),
    ...batchMethodCases(
      {
        contract: 'scenes.getScenePulses',
        schema: BATCH_METHODS.scenes.getScenePulses,
        invoke: (a, keys, o) => a.getScenePulses(keys, o),
        knownKeys: sceneSlugs,
        unknownKey: options.unknownSceneSlug ?? DEFAULT_UNKNOWN_SLUG,
        rules: [
          {
            requirement: 'return under each scene slug the pulse of that scene',
            problem: (key, p) => (p.sceneSlug === key ? undefined : `the pulse is for ${p.sceneSlug}`),
          },
        ],
        asOfProblem: (p, asOf) =>
          instantAfter(
            [p],
            (x) => `the pulse of ${x.sceneSlug}`,
            (x) => x.asOf,
            asOf,
          ),
        knownAt: (p) => observedAtMs(p.asOf),
      },
      env,
    ),
    {
      name: 'listHottestScenes: lists the hottest first and respects the limit',
      async run() {
        const scenes = await create();
        const all = await hottest(scenes, 100, env.asOf);
        for (const limit of [1, 2]) {
          const top = await hottest(scenes, limit, env.asOf);
          if (top.length < Math.min(limit, all.length))
            throw violation(
              C,
              'fill the limit when it has enough scenes',
              `limit ${limit} gave ${top.length} of ${all.length}`,
            );
          const heats = top.map((p) => p.heat).join(',');
          if (
            heats !==
            all
              .slice(0, limit)
              .map((p) => p.heat)
              .join(',')
          )
            throw violation(C, 'return the same top scenes whatever the limit', `limit ${limit} gave heats ${heats}`);
        }
        await hottest(scenes, 100, env.earlierAsOf);
        // Again 1 ms before the latest pulse listed was computed: a source that reads even a
        // little past asOf then lists it, whatever the host's data looks like (as the batch cases).
        const latest = latestOf(all, (p) => observedAtMs(p.asOf));
        if (latest !== undefined) await hottest(scenes, 100, new Date(latest - 1));
      },
    },
    {
      name: 'listHottestScenes: agrees with getScenePulses',
      async run() {
        const scenes = await create();
        for (const pulse of await hottest(scenes, 100, env.asOf)) {
          const res = await attempt('scenes.getScenePulses', `resolve for ${pulse.sceneSlug}`, () =>
            scenes.getScenePulses([pulse.sceneSlug], { asOf: env.asOf, signal: liveSignal() }),
          );
          const d = firstDifference(asBatch('scenes.getScenePulses', res).get(pulse.sceneSlug), pulse);
          if (d !== undefined)
            throw violation(C, 'return the same pulse as getScenePulses', `for ${pulse.sceneSlug} they differ at ${d}`);
        }
      },
    },
    {
      name: 'listHottestScenes: rejects when the signal is already aborted',
      async run() {
        const scenes = await create();
        await expectAbortRejects(C, (signal) => scenes.listHottestScenes({ limit: 10 }, { asOf: env.asOf, signal }));
      },
    },
    {
      name: 'listHottestScenes: does not mutate its query',
      async run() {
        const scenes = await create();
        await attempt(C, 'accept a frozen query and frozen options', () =>
          scenes.listHottestScenes(
            Object.freeze({ limit: 10 }),
            Object.freeze({ asOf: new Date(env.asOf), signal: liveSignal() }),
          ),
        );
      },
    },
  ];
}
