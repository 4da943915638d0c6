/**
 * Hostile review 51: the built-in breakout input `presence_year` (src/talent/breakout-inputs.ts
 * `yearShare`, BREAKOUT_INPUTS, the default model's weight 0; docs/scoring.md section 4, "Inputs",
 * "The year's presence", "Inputs with weight 0 by default") and the trial that keeps it out of the
 * default model (bench/backtest/fit-defaults.ts `inputCarryOver`, `carryOver`, `TRIAL_INPUTS`;
 * bench/backtest/report.ts `inputSelection`).
 *
 * Every test here fails on the code as reviewed, because of the fault its name states; each
 * expectation is the documentation's (or, where it is silent, what a user of the library reads).
 */
import { describe, expect, it } from 'vitest';
import type { CalibrationExample } from 'scene-radar/backtest';
import { BREAKOUT_INPUTS } from 'scene-radar/schemas';
import { FIT_DEFINITIONS, inputCarryOver, type Gathered } from '../../bench/backtest/fit-defaults.js';
import { SUITE_A, SUITE_C } from '../../bench/backtest/chart/suites.js';
import { signalLabel, signalMeaning } from '../../ui/words.js';

describe('hostile review 51: presence_year and its trial', () => {
  it('the dashboard words every built-in breakout input: presence_year has no label or meaning and reads as a host signal', () => {
    // "Explanations list it" (CHANGELOG, Unreleased, Added): the artist page (ui/artist-page.ts)
    // shows each breakout signal as signalLabel + signalMeaning. ui/words.ts documents the empty
    // meaning as "'' for a host's own signal"; every other built-in input has its words there.
    const unworded = BREAKOUT_INPUTS.filter((name) => signalMeaning(name) === '').map(
      (name) => `${name} (label ${JSON.stringify(signalLabel(name))})`,
    );
    // Received: ['presence_year (label "Presence year")'], the host-signal fallback.
    expect(unworded).toEqual([]);
  });

  it('inputCarryOver does not pass a candidate that is not an input of the fit as "carries over" (a misspelt trial input is judged kept)', () => {
    // Two protocols whose examples carry level_now (which ranks both alike) and presence_year.
    // A candidate no example and no built-in input bears (a misspelling in TRIAL_INPUTS, an input
    // renamed later) cannot be left out of the fit: the "without" model is the "with" model.
    // inputCarryOver reports it as tried and kept (excluded: false, without === withIt), and
    // fitDefaultsMain would write that verdict to the record (inputSelection.figures) while the
    // real input went untried into the default model. Expected: refused (an error naming it).
    const sets: Gathered[] = [];
    for (const spec of [SUITE_A, SUITE_C]) {
      const examples: CalibrationExample[] = [];
      for (let t = 0; t < 4; t++)
        for (let i = 0; i < 10; i++) {
          const label = i >= 7;
          examples.push({
            inputs: {
              level_now: ((i * 7) % 10) / 10 + (label ? 0.5 : 0),
              presence_year: spec === SUITE_C ? (label ? 1 : 0) : label ? 0 : 1,
            },
            label,
            time: t * 1e9,
          });
        }
      sets.push({ spec, definition: FIT_DEFINITIONS[0]!, examples, cutoffs: 4, purged: 0, skipped: 0, limit: '' });
    }
    // The real input is left out by the trial (the shipped test's case) ...
    expect(inputCarryOver(sets, 1, ['presence_year'])[0]!.excluded).toBe(true);
    // ... the same input misspelt passes it. Received: [{ input: 'presence_yaer', withIt: w,
    // without: w, excluded: false }].
    expect(() => inputCarryOver(sets, 1, ['presence_yaer'])).toThrow(/presence_yaer/);
  });
});
