/**
 * calibrate() and calibrationExamples() refuse labels that cannot be known yet: an outcome as of
 * an instant after now, and, given the labels' horizon, an outcome whose window (asOf + horizon)
 * ends after now (a "false" there may still turn true). Closed windows are read as before.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, isSceneRadarError, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const DAY = 86_400_000;
const world = createDemoWorld({ artists: 40, end: '2026-11-24' });
const slugs = world.dataset.artistSlugs().slice(0, 12);

function radar(): SceneRadar {
  return createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isSceneRadarError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a refusal');
}

const outcomesAt = (asOf: Date) => slugs.map((artistSlug, i) => ({ artistSlug, asOf, label: i % 3 === 0 }));

describe('labels that cannot be known yet are refused', () => {
  it('an outcome as of an instant after now, with or without a horizon', async () => {
    const r = radar();
    const future = [...outcomesAt(new Date(NOW.getTime() - 400 * DAY)), ...outcomesAt(new Date(NOW.getTime() + DAY))];
    const e = await refusal(r.talent.calibrationExamples(future));
    expect(e.code).toBe('TALENT_VALIDATION_ERROR');
    expect(e.message).toBe(
      `outcomes.${slugs.length}.asOf: asOf 2026-11-26T00:00:00.000Z is after now (2026-11-25T00:00:00.000Z)`,
    );
    expect((await refusal(r.talent.calibrate(future, { horizonDays: 30 }))).code).toBe('TALENT_VALIDATION_ERROR');
    // An instant given as an ISO string or epoch ms (which requireDate accepts) is refused the same way.
    for (const asOf of ['2026-11-26T00:00:00.000Z', NOW.getTime() + DAY]) {
      const odd = [{ artistSlug: slugs[0]!, asOf: asOf as unknown as Date, label: true }];
      expect(await refusal(r.talent.calibrationExamples(odd))).toEqual({
        code: 'TALENT_VALIDATION_ERROR',
        message: 'outcomes.0.asOf: asOf 2026-11-26T00:00:00.000Z is after now (2026-11-25T00:00:00.000Z)',
      });
    }
    await r.close();
  });

  it('with horizonDays: a window that ends after now is refused before any source is read', async () => {
    let reads = 0;
    const mig = world.sources.mig!;
    const counted: typeof mig = {
      ...mig,
      getArtists: (...a) => {
        reads++;
        return mig.getArtists(...a);
      },
    };
    const sources = { ...world.sources, mig: counted };
    const r = createSceneRadar({ sources, clock: fixedClock(NOW) });
    const open = outcomesAt(new Date(NOW.getTime() - 100 * DAY));
    const e = await refusal(r.talent.calibrate(open, { horizonDays: 182 }));
    expect(e.code).toBe('TALENT_VALIDATION_ERROR');
    expect(e.message).toBe(
      'outcomes.0.asOf: asOf 2026-08-17T00:00:00.000Z plus horizonDays (182) ends after now (2026-11-25T00:00:00.000Z): its label cannot be known yet',
    );
    expect(reads).toBe(0);
    await r.close();
  });

  it('a closed window is read as before; without horizonDays the window is the host’s to know', async () => {
    const r = radar();
    const closed = await r.talent.calibrationExamples(outcomesAt(new Date(NOW.getTime() - 200 * DAY)), {
      horizonDays: 182,
    });
    expect(closed.examples.length + closed.skipped.length).toBe(slugs.length);
    expect(closed.examples.length).toBeGreaterThan(0);
    const unsaid = await r.talent.calibrationExamples(outcomesAt(new Date(NOW.getTime() - 100 * DAY)));
    expect(unsaid.examples.length + unsaid.skipped.length).toBe(slugs.length);
    await r.close();
  });

  it('a horizon that is not an integer in 1-3650 is refused by calibrationExamples too', async () => {
    const r = radar();
    for (const horizonDays of [0, 1.5, 3651, Number.NaN, '30' as unknown as number]) {
      const e = await refusal(
        r.talent.calibrationExamples(outcomesAt(new Date(NOW.getTime() - 4000 * DAY)), { horizonDays }),
      );
      expect(e).toEqual({ code: 'TALENT_VALIDATION_ERROR', message: 'horizonDays: Expected an integer in 1-3650' });
    }
    await r.close();
  });
});
