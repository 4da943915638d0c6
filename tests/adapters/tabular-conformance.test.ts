/**
 * Runs the shipped conformance suites of `scene-radar/testing` over sources built from the
 * canonical CSV fixture, with and without an `artists` table.
 */
import { describe, it } from 'vitest';
import { createTabularSources, parseCsv, type TabularTables } from 'scene-radar/adapters/tabular';
import {
  cmgContractSuite,
  coverageContractSuite,
  fusionContractSuite,
  identityKernelContractSuite,
  migContractSuite,
  rcfContractSuite,
  registerContractSuite,
  scenesAdapterContractSuite,
  workspaceSourceContractSuite,
} from 'scene-radar/testing';
import { ASOF, CSV, EARLIER_ASOF, FROM, KNOWN, LATE, WORKSPACE_IDS } from './tabular-fixture.js';

const tables: TabularTables = Object.fromEntries(
  Object.entries(CSV).map(([name, text]) => [name, parseCsv(text, { source: `${name}.csv` })]),
);
const built = createTabularSources(tables);
const timing = { knownKeys: KNOWN, unknownKey: LATE, asOf: ASOF, earlierAsOf: EARLIER_ASOF, from: FROM };
const runner = { describe, it };
const need = <T>(source: T | undefined): T => {
  if (source === undefined) throw new Error('source absent');
  return source;
};
const s = built.sources;

registerContractSuite('tabular mig', migContractSuite({ ...timing, create: () => need(s.mig) }), runner);
registerContractSuite('tabular cmg', cmgContractSuite({ ...timing, create: () => need(s.cmg) }), runner);
registerContractSuite('tabular fusion', fusionContractSuite({ ...timing, create: () => need(s.fusion) }), runner);
registerContractSuite('tabular coverage', coverageContractSuite({ ...timing, create: () => need(s.coverage) }), runner);
registerContractSuite('tabular rcf', rcfContractSuite({ ...timing, create: () => need(s.rcf) }), runner);
registerContractSuite(
  'tabular identityKernel',
  identityKernelContractSuite({ ...timing, create: () => need(s.identityKernel) }),
  runner,
);
registerContractSuite(
  'tabular scenes',
  scenesAdapterContractSuite({ ...timing, create: () => need(s.scenes) }),
  runner,
);
registerContractSuite(
  'tabular workspaces',
  workspaceSourceContractSuite({
    ...timing,
    knownKeys: WORKSPACE_IDS,
    unknownKey: undefined,
    create: () => need(s.workspaces),
  }),
  runner,
);

// Without an artists table the universe comes from the slugs seen; late-bloom first shows up
// after ASOF in every table, so it is still unknown then.
const { artists: _artists, ...withoutArtists } = tables;
const derived = createTabularSources(withoutArtists, {
  seriesSpan: { start: '2025-01-01', end: '2025-12-31' },
}).sources;
registerContractSuite(
  'tabular mig (derived universe)',
  migContractSuite({ ...timing, create: () => need(derived.mig) }),
  runner,
);
registerContractSuite(
  'tabular fusion (shared span)',
  fusionContractSuite({ ...timing, create: () => need(derived.fusion) }),
  runner,
);
registerContractSuite(
  'tabular identityKernel (shared span)',
  identityKernelContractSuite({ ...timing, create: () => need(derived.identityKernel) }),
  runner,
);
