/**
 * Hostile review 43: observability and health (logger records, health reasons, health sources).
 */
import { describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { checkHealth, safeReason, type HealthReport } from '../../src/api/health.js';
import { createSceneRadar, fixedClock } from '../../src/index.js';
import { memoryScenesStores, memoryTalentStores } from '../../src/stores/memory-table.js';

const NOW = Date.parse('2026-11-25T00:00:00.000Z');

/** Wraps every method of `adapter` so that it throws while `broken()` is true. */
function breakable<T extends object>(adapter: T, broken: () => boolean): T {
  return new Proxy(adapter, {
    get: (target, key) => {
      const v = Reflect.get(target, key) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (broken()) throw new Error('source down');
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

describe('hostile review 43: observability and health', () => {
  it('never logs an artist id: a failed background refresh of a stale profile is logged without the slug', async () => {
    const records: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
    const rec = (level: string) => (obj: Record<string, unknown>, msg?: string) =>
      records.push({ level, msg: msg ?? '', obj });
    const logger = { info: rec('info'), warn: rec('warn'), error: rec('error') };
    const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
    let broken = false;
    const sources = {
      ...world.sources,
      fusion: breakable(world.sources.fusion!, () => broken),
      rcf: breakable(world.sources.rcf!, () => broken),
    };
    let t = NOW;
    const radar = createSceneRadar({ sources, clock: { now: () => t }, logger });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh(new Date(NOW));
      const slug = (await radar.talent.aggregator.buildGlobalPulse()).topRisingArtists[0]!.artist_slug;
      await radar.talent.aggregator.buildArtistProfile(slug);
      // Past its TTL, within grace: served stale while it is computed again, and that fails.
      broken = true;
      t += 300_001;
      await radar.talent.aggregator.buildArtistProfile(slug);
      for (let i = 0; i < 10 && !records.some((r) => r.obj.event === 'refresh_error'); i++)
        await new Promise((r) => setTimeout(r, 5));
      const stale = records.find((r) => r.obj.event === 'refresh_error');
      expect(stale?.msg).toBe('stale value served: its background refresh failed');
      // docs/observability.md, "Logs": records never carry an artist or scene id. pino's err
      // serializer writes the error's message (and stack) into the record.
      const err = stale!.obj.err as { message?: string; stack?: string } | undefined;
      const written = JSON.stringify({ ...stale!.obj, err: { message: err?.message, stack: err?.stack } });
      expect(written).not.toContain(slug);
      for (const r of records) expect(`${r.msg} ${JSON.stringify(r.obj)}`).not.toContain(slug);
    } finally {
      await radar.close();
    }
  });

  it('health reasons mask passwords in key=value connection strings, as they mask URLs', () => {
    const reasons = [
      'connection failed: host=db.internal port=5432 user=radar password=hunter2 dbname=radar',
      'Server=tcp:db.corp,1433;Database=radar;User Id=sa;Password=Pa55word;',
    ];
    for (const reason of reasons) {
      const safe = safeReason(reason);
      expect(safe).not.toContain('hunter2');
      expect(safe).not.toContain('Pa55word');
    }
  });

  it('an API instance over stores another instance refreshed is not degraded for "no refresh has run yet"', async () => {
    const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
    const stores = { scenes: memoryScenesStores(), talent: memoryTalentStores() };
    const worker = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(NOW) });
    const api = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(NOW) });
    try {
      await worker.scenes.importCatalog(world.catalog);
      await worker.refresh(new Date(NOW));
      // The refreshing instance is healthy.
      const own = (await checkHealth(worker, { sources: ['mig', 'rcf'] })).body as { data: HealthReport };
      expect(own.data.status).toBe('ok');
      // The serving instance reads the same tables (a refresh as of NOW) and the same state.
      const { status, body } = await checkHealth(api, { sources: ['mig', 'rcf'] });
      const report = (body as { data: HealthReport }).data;
      expect(status).toBe(200);
      expect(report.refreshedAsOf).toBe(new Date(NOW).toISOString());
      expect(report.sources).toEqual([
        { name: 'mig', state: 'ok' },
        { name: 'rcf', state: 'ok' },
      ]);
      expect(report.status).toBe('ok');
    } finally {
      await worker.close();
      await api.close();
    }
  });
});
