// The helpers of `npm run fit-defaults` (bench/backtest/fit-defaults.ts) that shape the published
// default model: the equal weight of each (protocol, definition), the intercept shift that keeps
// the probabilities on the first definition's scale, and the sets the definition carry-over compares.
import { describe, expect, it } from 'vitest';
import type { CalibrationExample } from 'scene-radar/backtest';
import {
  FIT_DEFINITIONS,
  definitionCarryOver,
  interceptShift,
  outOfTimeByDefinition,
  weighted,
  type Gathered,
} from '../../bench/backtest/fit-defaults.js';
import { SUITE_A, SUITE_C } from '../../bench/backtest/chart/suites.js';
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
});
