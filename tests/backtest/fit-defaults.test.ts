// The helpers of `npm run fit-defaults` (bench/backtest/fit-defaults.ts) that shape the published
// default model: the equal weight of each (protocol, definition), the intercept shift that keeps
// the probabilities on the first definition's scale, and the sets the definition carry-over compares.
import { describe, expect, it } from 'vitest';
import type { CalibrationExample } from 'scene-radar/backtest';
import {
  FIT_DEFINITIONS,
  definitionCarryOver,
  inputCarryOver,
  interceptShift,
  mappingInvariance,
  outOfTimeByDefinition,
  weighted,
  type Gathered,
} from '../../bench/backtest/fit-defaults.js';
import { SUITE_A, SUITE_C } from '../../bench/backtest/chart/suites.js';
import { remappedChartRcf } from '../../bench/backtest/chart/world.js';
import type { RCFAdapter, RcfEvent } from 'scene-radar';
import type { BreakoutModel } from '../../src/talent/breakout-model.js';

const model = (intercept: number): BreakoutModel =>
  ({ intercept, inputs: { level_now: { weight: 1, center: 0 } }, hostInputs: {} }) as unknown as BreakoutModel;
const example = (x: number, label: boolean, weight?: number): CalibrationExample => ({
  inputs: { level_now: x },
  label,
  time: 0,
  ...(weight === undefined ? {} : { weight }),
});
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

describe('fit-defaults helpers', () => {
  it('interceptShift makes the weighted mean prediction equal the weighted rate', () => {
    const examples = [
      example(-2, false, 1),
      example(-1, false, 2),
      example(0, true, 1),
      example(1, false, 0.5),
      example(2, true, 3),
    ];
    const m = model(-1.5);
    const shift = interceptShift(m, examples);
    const total = examples.reduce((a, e) => a + e.weight!, 0);
    const mean = examples.reduce((a, e) => a + e.weight! * sigmoid(-1.5 + shift + e.inputs.level_now!), 0) / total;
    const rate = (1 + 3) / total;
    expect(mean).toBeCloseTo(rate, 12);
    // A model already at the rate is not moved.
    expect(interceptShift(model(-1.5 + shift), examples)).toBeCloseTo(0, 9);
  });

  it('interceptShift refuses a rate with no finite shift', () => {
    expect(() => interceptShift(model(0), [example(0, false), example(1, false)])).toThrow(/rate of 0/);
    expect(() => interceptShift(model(0), [example(0, true)])).toThrow(/rate of 1/);
    expect(() => interceptShift(model(0), [])).toThrow(/rate of NaN/);
  });

  it('weighted gives each (protocol, definition) a total weight of 1', () => {
    const set = (n: number, definition = FIT_DEFINITIONS[0]!): Gathered => ({
      spec: SUITE_A,
      definition,
      examples: Array.from({ length: n }, (_, i) => example(i, i % 2 === 0)),
      cutoffs: 1,
      purged: 0,
      skipped: 0,
      limit: '2018-01-01T00:00:00.000Z',
    });
    const out = weighted([set(3), set(5, FIT_DEFINITIONS[1]!)]);
    expect(out).toHaveLength(8);
    expect(out.slice(0, 3).reduce((a, e) => a + e.weight!, 0)).toBeCloseTo(1, 12);
    expect(out.slice(3).reduce((a, e) => a + e.weight!, 0)).toBeCloseTo(1, 12);
  });

  it('definitionCarryOver scores each family with a model fitted on the other family, beside the first definition alone', () => {
    // Each set: 4 cutoffs x 6 candidates; the label follows level_now under the thresholds and
    // the reverse under the climbs, so a fit on one family ranks the other family backwards.
    const sets: Gathered[] = [];
    for (const spec of [SUITE_A, SUITE_C])
      for (const [d, definition] of FIT_DEFINITIONS.entries()) {
        const examples: CalibrationExample[] = [];
        for (let t = 0; t < 4; t++)
          for (let i = 0; i < 6; i++) {
            const up = i >= 4;
            examples.push({ inputs: { level_now: i + 0.1 * t }, label: d < 2 ? up : !up && i < 2, time: t * 1e9 });
          }
        sets.push({ spec, definition, examples, cutoffs: 4, purged: 0, skipped: 0, limit: '' });
      }
    const figures = definitionCarryOver(sets, 1);
    expect(figures.map((f) => [f.heldOut, f.fittedOn])).toEqual([
      [
        ['top10', 'top40'],
        ['climb-half', 'climb-third'],
      ],
      [
        ['climb-half', 'climb-third'],
        ['top10', 'top40'],
      ],
    ]);
    expect(Object.keys(figures[0]!.auc).sort()).toEqual([
      'chart-protocol-a top10',
      'chart-protocol-a top40',
      'chart-protocol-c top10',
      'chart-protocol-c top40',
    ]);
    // level_now carries a non-negative weight (monotone priors): the climbs' fit cannot use it and
    // ranks at chance; the first definition's fit ranks its own family perfectly and the climbs worst.
    expect(figures[0]!.auc['chart-protocol-a top10']).toBe(0.5);
    expect(figures[0]!.firstOnlyAuc['chart-protocol-a top10']).toBe(1);
    expect(figures[1]!.firstOnlyAuc['chart-protocol-a climb-half']).toBe(0);
  });

  it('inputCarryOver leaves out an input that ranks the two protocols in opposite ways, and keeps one that ranks both alike', () => {
    // 4 cutoffs x 10 candidates per protocol, 3 positive each. level_now follows the label on both
    // protocols (with overlap); presence_year follows it on protocol C and goes against it on A.
    const sets: Gathered[] = [];
    for (const spec of [SUITE_A, SUITE_C]) {
      const examples: CalibrationExample[] = [];
      for (let t = 0; t < 4; t++)
        for (let i = 0; i < 10; i++) {
          const label = i >= 7;
          const presence = spec === SUITE_C ? (label ? 1 : 0) : label ? 0 : 1;
          examples.push({
            inputs: { level_now: ((i * 7) % 10) / 10 + (label ? 0.5 : 0), presence_year: presence },
            label,
            time: t * 1e9,
          });
        }
      sets.push({ spec, definition: FIT_DEFINITIONS[0]!, examples, cutoffs: 4, purged: 0, skipped: 0, limit: '' });
    }
    const figures = inputCarryOver(sets, 1, ['presence_year', 'level_now']);
    const by = Object.fromEntries(figures.map((f) => [f.input, f]));
    expect(by.presence_year!.excluded).toBe(true);
    expect(by.presence_year!.without! - by.presence_year!.withIt!).toBeGreaterThan(0.005);
    expect(by.level_now!.excluded).toBe(false);
    expect(by.level_now!.without!).toBeLessThan(by.level_now!.withIt!);
    // Every row is judged against the same model with every input.
    expect(by.level_now!.withIt).toBe(by.presence_year!.withIt);
  });

  it('outOfTimeByDefinition scores each block with models fitted on earlier blocks only', () => {
    // 10 cutoffs a year apart, 6 candidates each, the label following level_now.
    const year = 365 * 86_400_000;
    const build = (positiveFrom: number): Gathered[] => {
      const sets: Gathered[] = [];
      for (const spec of [SUITE_A, SUITE_C])
        for (const definition of FIT_DEFINITIONS) {
          const examples: CalibrationExample[] = [];
          for (let t = 0; t < 10; t++)
            for (let i = 0; i < 6; i++)
              examples.push({
                inputs: { level_now: i + 0.01 * t },
                label: t >= positiveFrom && i >= 4,
                time: t * year + (spec === SUITE_C ? 1 : 0),
              });
          sets.push({ spec, definition, examples, cutoffs: 10, purged: 0, skipped: 0, limit: '' });
        }
      return sets;
    };
    const oot = outOfTimeByDefinition(build(0), 1, 4);
    expect(Object.keys(oot.every)).toHaveLength(8);
    expect(oot.every['chart-protocol-a top10']).toBe(1);
    expect(oot.firstOnly['chart-protocol-c climb-third']).toBe(1);
    // Positives only in the last block (cutoffs 8 and 9): no model may see them, so the first fold
    // has no positive to fit and the fit refuses.
    expect(() => outOfTimeByDefinition(build(8), 1, 4)).toThrow(/both outcomes/);
  });

  it('remappedChartRcf: daily is seven days up to each chart date within the window; reciprocal weighs 100 / rank', async () => {
    const weeks: RcfEvent[] = [
      { id: 'a@2024-01-06', type: 'chart_entry', at: '2024-01-06', weight: 91, region: 'us' },
      { id: 'a@2024-01-13', type: 'chart_entry', at: '2024-01-13', weight: 100, region: 'us' },
    ];
    const rcf: RCFAdapter = { getEvents: async (slugs) => new Map(slugs.map((s) => [s, weeks] as const)) };
    const call = { asOf: new Date('2024-01-14T00:00:00Z'), signal: new AbortController().signal };
    const daily = await remappedChartRcf(rcf, 'daily', 100).getEvents(['a'], {
      ...call,
      from: new Date('2024-01-04T00:00:00Z'), // the end of 2024-01-03: the first week's days from the 3rd
    });
    const days = daily.get('a')!;
    expect(days.map((e) => e.at)).toEqual([
      '2024-01-03',
      '2024-01-04',
      '2024-01-05',
      '2024-01-06',
      '2024-01-07',
      '2024-01-08',
      '2024-01-09',
      '2024-01-10',
      '2024-01-11',
      '2024-01-12',
      '2024-01-13',
    ]);
    expect(new Set(days.map((e) => e.id)).size).toBe(days.length);
    expect(days.map((e) => e.weight)).toEqual([...Array(4).fill(91), ...Array(7).fill(100)]);
    // A source that answers instants (the end of the chart day) gets instants back, a day apart.
    const instants: RCFAdapter = {
      getEvents: async (slugs) =>
        new Map(slugs.map((s) => [s, [{ ...weeks[1]!, at: '2024-01-14T00:00:00.000Z' }]] as const)),
    };
    const fromInstants = await remappedChartRcf(instants, 'daily', 100).getEvents(['a'], {
      ...call,
      from: new Date(0),
    });
    expect(fromInstants.get('a')!.map((e) => e.at)).toEqual(
      [8, 9, 10, 11, 12, 13, 14].map((d) => `2024-01-${String(d).padStart(2, '0')}T00:00:00.000Z`),
    );
    const reciprocal = await remappedChartRcf(rcf, 'reciprocal', 100).getEvents(['a'], { ...call, from: new Date(0) });
    expect(reciprocal.get('a')!.map((e) => e.weight)).toEqual([10, 100]);
  });

  it('mappingInvariance scores the remapped examples with the labels of every aligned definition, and skips the others', () => {
    const m = model(0);
    const inputs = (x: number) => ({ level_now: x });
    const base: CalibrationExample[] = [0, 1, 2, 3].map((x) => ({ inputs: inputs(x), label: x >= 2, time: 0 }));
    const flipped = base.map((e) => ({ ...e, inputs: inputs(-e.inputs.level_now!) }));
    const sets: Gathered[] = [
      {
        spec: SUITE_A,
        definition: FIT_DEFINITIONS[0]!,
        examples: base,
        cutoffs: 1,
        purged: 0,
        skipped: 0,
        limit: '',
        remapped: { daily: base, reciprocal: flipped },
      },
      // Same candidates, other labels: scored with its own labels.
      {
        spec: SUITE_A,
        definition: FIT_DEFINITIONS[2]!,
        examples: base.map((e) => ({ ...e, label: e.inputs.level_now === 0 })),
        cutoffs: 1,
        purged: 0,
        skipped: 0,
        limit: '',
      },
      // Other candidates (a first top 40): left out.
      {
        spec: SUITE_A,
        definition: FIT_DEFINITIONS[1]!,
        examples: base.slice(1),
        cutoffs: 1,
        purged: 0,
        skipped: 0,
        limit: '',
      },
    ];
    expect(mappingInvariance(sets, m)).toEqual([
      { key: 'chart-protocol-a top10', asMapped: 1, remapped: { daily: 1, reciprocal: 0 } },
      { key: 'chart-protocol-a climb-half', asMapped: 0, remapped: { daily: 0, reciprocal: 1 } },
    ]);
  });
});
