/**
 * Hostile review 30: the breakout model fit (src/talent/calibrate.ts). Each test pins one fault
 * in fitBreakoutModel's recalibration or its reported validation figures.
 */
import { fitBreakoutModel, type CalibrationExample } from 'scene-radar/backtest';
import { describe, expect, it } from 'vitest';

const MONTH = (m: number): number => Date.UTC(2020, m, 1);

/** A small deterministic generator (LCG), so each test sees the same data every run. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/**
 * Ten monthly instants of twenty artists each, where `level_now` separates the outcomes with a
 * margin (positives above 1, negatives below 0): every fold model ranks its validation period
 * perfectly, so the out-of-time logits are perfectly separated.
 */
function separated(): CalibrationExample[] {
  const rnd = lcg(12345);
  const out: CalibrationExample[] = [];
  for (let t = 0; t < 10; t++)
    for (let i = 0; i < 20; i++) {
      const pos = rnd() < 0.3;
      out.push({ inputs: { level_now: pos ? 1 + rnd() : -rnd() }, label: pos, time: MONTH(t) });
    }
  return out;
}

/**
 * Like {@link separated} but with deterministic labels (six positives per instant, so every instant
 * has both outcomes) and, at the last instant, two confidently wrong examples: a negative far above
 * the positives and a positive far below the negatives, plus a positive just under the outlier.
 * The last fold's model gives them logits beyond +-37, where `sigmoid` rounds to exactly 1.
 */
function withOutliers(): CalibrationExample[] {
  const out: CalibrationExample[] = [];
  for (let t = 0; t < 10; t++)
    for (let i = 0; i < 20; i++) {
      const pos = i % 10 < 3;
      out.push({ inputs: { level_now: pos ? 1 + i / 20 : -i / 20 }, label: pos, time: MONTH(t) });
    }
  out.push({ inputs: { level_now: 6 }, label: false, time: MONTH(9) });
  out.push({ inputs: { level_now: 5 }, label: true, time: MONTH(9) });
  out.push({ inputs: { level_now: -6 }, label: true, time: MONTH(9) });
  return out;
}

describe('hostile review 30: Platt recalibration', () => {
  it('a converged fit does not depend on the iteration cap (Platt on separated out-of-time logits has no optimum)', () => {
    // The final fit converges in a handful of Newton steps whatever the cap, and says so. But the
    // Platt fit on the folds' logits (same maxIterations, no penalty) has no finite optimum when
    // they are separated: its slope keeps growing until the cap, and is folded into the weights
    // anyway. The model returned is then an artefact of maxIterations, with converged: true.
    const ex = separated();
    const a = fitBreakoutModel(ex, { l2: 0.1, maxIterations: 30 });
    const b = fitBreakoutModel(ex, { l2: 0.1, maxIterations: 1000 });
    expect(a.validation.converged).toBe(true);
    expect(b.validation.converged).toBe(true);
    expect(a.validation.iterations).toBeLessThan(30);
    expect(b.validation.iterations).toBeLessThan(30);
    // Same data, same penalty, both converged: the same model.
    expect(a.model.inputs.level_now.weight).toBeCloseTo(b.model.inputs.level_now.weight, 6);
    expect(a.model.intercept).toBeCloseTo(b.model.intercept, 6);
  });
  it('Platt is not fitted on out-of-time positives that carry no weight (the 20-positive guard counts weight, not rows)', () => {
    // Weighted examples: from the third instant on, every positive weighs 1e-9 (a pooled history
    // weighed down, say). The folds validate only those instants, so their out-of-time positives
    // are 100 rows but ~1e-7 of the weight: Platt sees one outcome (its optimum is at offset -inf,
    // any slope), yet the guard counts rows and folds that arbitrary slope into every weight.
    const rnd = lcg(4242);
    const ex: CalibrationExample[] = [];
    for (let t = 0; t < 10; t++)
      for (let i = 0; i < 30; i++) {
        const x = rnd();
        const y = rnd() < 0.1 + 0.6 * x;
        ex.push({ inputs: { level_now: x }, label: y, time: MONTH(t), weight: t >= 2 && y ? 1e-9 : 1 });
      }
    const r = fitBreakoutModel(ex, { l2: 0.01 });
    expect(r.validation.outOfTime!.positives).toBeGreaterThanOrEqual(20);
    expect(r.validation.recalibration).toBeNull();
    expect(r.model.provenance.recalibrated).toBe(false);
  });
});

describe('hostile review 30: validation figures match their own predictions', () => {
  it("outOfTime.logLoss is the chosen penalty's pooled validation log-loss (no clamp of confidently wrong predictions)", () => {
    const r = fitBreakoutModel(withOutliers(), { l2: 0.0001, recalibrate: false });
    const v = r.validation;
    expect(v.validated).toBe(true);
    // Unit weights: the pooled log-loss over the folds is their example-weighted mean.
    const n = v.folds.reduce((s, f) => s + f.examples, 0);
    const pooled = v.folds.reduce((s, f) => s + f.examples * f.logLoss, 0) / n;
    expect(v.grid[0]!.logLoss!).toBeCloseTo(pooled, 9);
    expect(v.outOfTime!.examples).toBe(n);
    // The same out-of-fold predictions: the same mean log-loss.
    expect(v.outOfTime!.logLoss).toBeCloseTo(v.grid[0]!.logLoss!, 6);
  });

  it('outOfTime.meanAuc agrees with the folds it pools (ranking by the logits, not by saturated probabilities)', () => {
    const ex = withOutliers();
    const r = fitBreakoutModel(ex, { l2: 0.0001, recalibrate: false });
    const v = r.validation;
    // Every instant holds both outcomes, and each instant is validated in exactly one fold: the
    // mean AUC over all out-of-fold instants is the folds' mean AUCs weighted by their instants.
    const instants = [...new Set(ex.map((e) => e.time))];
    let sum = 0;
    let count = 0;
    for (const f of v.folds) {
      const from = Date.parse(f.validate[0]);
      const to = Date.parse(f.validate[1]);
      const k = instants.filter((t) => t >= from && t <= to).length;
      sum += k * f.meanAuc!;
      count += k;
    }
    expect(count).toBeGreaterThan(0);
    expect(v.outOfTime!.meanAuc!).toBeCloseTo(sum / count, 9);
  });
});

/** JSON with every object's keys sorted: the model as `modelVersion` hashes it. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v === null || typeof v !== 'object' || Array.isArray(v)
      ? v
      : Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        ),
  );

describe('hostile review 30: the same examples give the same model', () => {
  it('shuffling the examples does not change the model (bit for bit, so not its model_version either)', () => {
    const rnd = lcg(777);
    const ex: CalibrationExample[] = [];
    for (let t = 0; t < 8; t++)
      for (let i = 0; i < 25; i++) {
        const a = rnd();
        const b = rnd();
        const c = a + 0.1 * rnd();
        const inputs: Record<string, number> = { level_now: a, growth_month: c, peak: b };
        if (rnd() < 0.5) inputs['host-x'] = rnd();
        if (rnd() < 0.5) inputs['host-y'] = rnd();
        ex.push({ inputs, label: rnd() < 0.2 + 0.5 * a - 0.2 * c, time: MONTH(t), weight: 0.5 + rnd() });
      }
    const shuffled = [...ex];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const options = { l2: [0.001, 0.01], signs: { level_now: 1, growth_month: 1 } } as const;
    const a = fitBreakoutModel(ex, options);
    const b = fitBreakoutModel(shuffled, options);
    // A host reading its labelled history without an ORDER BY must not get a new model version
    // (and a new "model changed" in its records) for the same data.
    expect(canonical(b.model)).toBe(canonical(a.model));
    expect(canonical(b.validation)).toBe(canonical(a.validation));
  });
});

describe('hostile review 30: out of time means not used to choose', () => {
  // KNOWN, LEFT OPEN (`it.fails`: it passes while the difference is there): choosing the penalty on
  // inner folds and reporting only outer ones (nested selection) changes every calibrated model and
  // its figures; left for a change that refits and reruns the backtests with it (docs/scoring.md says
  // outOfTime is the chosen penalty's own validation score, slightly optimistic).
  it.fails('KNOWN, LEFT OPEN: outOfTime is not the very score the penalty was picked by (selection on the reported folds)', () => {
    // Pure noise: no input says anything about the label. The penalty is the grid's argmin of the
    // folds' pooled log-loss, and outOfTime reports those same folds' predictions at that argmin:
    // the minimum of seven noisy estimates, presented as how the model holds on periods it was not
    // fitted on (and compared across runs by hosts, docs/backtesting.md). Choosing on inner folds
    // and reporting a period the choice never saw (nested, or the last block held out) fixes it.
    const rnd = lcg(2024);
    const ex: CalibrationExample[] = [];
    for (let t = 0; t < 10; t++)
      for (let i = 0; i < 40; i++) {
        const inputs: Record<string, number> = {};
        for (const k of ['level_now', 'peak', 'growth_month', 'breadth', 'press', 'recency']) inputs[k] = rnd();
        ex.push({ inputs, label: rnd() < 0.25, time: MONTH(t) });
      }
    const v = fitBreakoutModel(ex, { recalibrate: false }).validation;
    const selectedOn = Math.min(...v.grid.map((g) => g.logLoss!));
    expect(v.grid.length).toBeGreaterThan(1);
    expect(Math.abs(v.outOfTime!.logLoss - selectedOn)).toBeGreaterThan(1e-9);
  });
});

describe('hostile review 30: guards', () => {
  it('guard: ordinary (not separated) data is still recalibrated, and its converged model does not depend on the cap', () => {
    const rnd = lcg(12345);
    const ex: CalibrationExample[] = [];
    for (let t = 0; t < 10; t++)
      for (let i = 0; i < 20; i++) {
        const pos = rnd() < 0.02 + 0.09 * t;
        ex.push({ inputs: { level_now: pos ? 0.3 + rnd() : rnd() }, label: pos, time: MONTH(t) });
      }
    const a = fitBreakoutModel(ex, { l2: 0.1, maxIterations: 8 });
    const b = fitBreakoutModel(ex, { l2: 0.1, maxIterations: 100 });
    expect(a.validation.converged).toBe(true);
    expect(a.validation.recalibration).not.toBeNull();
    expect(b.validation.recalibration).not.toBeNull();
    expect(a.model.inputs.level_now.weight).toBeCloseTo(b.model.inputs.level_now.weight, 6);
    expect(a.model.intercept).toBeCloseTo(b.model.intercept, 6);
  });

  it('guard: figures on ordinary predictions agree (no saturation): outOfTime.logLoss is the pooled fold log-loss', () => {
    const rnd = lcg(31);
    const ex: CalibrationExample[] = [];
    for (let t = 0; t < 10; t++)
      for (let i = 0; i < 20; i++) {
        const x = rnd();
        ex.push({ inputs: { level_now: x }, label: rnd() < 0.1 + 0.5 * x, time: MONTH(t) });
      }
    const v = fitBreakoutModel(ex, { l2: 0.01, recalibrate: false }).validation;
    expect(v.outOfTime!.logLoss).toBeCloseTo(v.grid[0]!.logLoss!, 9);
  });
});
