/**
 * The decline risk's text says where decline was read from: organic engagement, or the event feed
 * when Fusion gave no organic growth for the artist (docs/scoring.md, `declineGrowth`).
 */
import { describe, expect, it } from 'vitest';
import { risksOf } from '../../src/talent/profile-items.js';

type Scores = Parameters<typeof risksOf>[0];
const scores = { riskSignals: [{ signal: 'decline', normalized: 0.8 }] } as unknown as Scores;

describe('the decline risk item', () => {
  it('names organic activity when engagement growth was read, and the event feed when there is no organic growth', () => {
    expect(risksOf(scores, { engagementGrowth: -0.9 })[0]!.description).toMatch(/^Organic activity is falling/);
    expect(risksOf(scores, { engagementGrowth: null })[0]!.description).toMatch(
      /^Activity on the event feed is falling/,
    );
    // Null growth does not mean Fusion had no series (a series with a gap has none either): the
    // text claims only what is known.
    expect(risksOf(scores, { engagementGrowth: null })[0]!.description).toMatch(/no organic engagement growth/);
    // Without the features (a caller that has none): the text as before.
    expect(risksOf(scores)[0]!.description).toMatch(/^Organic activity is falling/);
  });
});
