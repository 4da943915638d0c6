/**
 * @module ui/scene-list
 * `<scene-radar-scene-list>`: the scenes ranked by heat, a page at a time, with a region filter.
 * The ranking is the API's heat ranking (`GET /scene-pulse` for all regions, `GET
 * /scene-pulse/{region}` for one), asked for just enough scenes to fill the page and tell whether
 * there is a next one (at most 100, the API's limit); the region choices and the catalog's size
 * come from the global pulse's `regions` and `summary` (`GET /scene-pulse?limit=1`: one request
 * whatever the catalog's size).
 */
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { GlobalScenePulse, Page, RegionalScenePulse, ScenePulseSnapshot } from '../src/scenes/schemas.js';
import type { SceneRow } from '../src/stores/tables.js';
import { RadarElement } from './radar-element.js';
import { Resource } from './resource.js';
import { globalPulseLines, failingSources, pulseMarks, unavailableLines } from './scene-degraded.js';
import { degradedBanner, emptyPanel, errorPanel, loadingNote, skeletonRows } from './states.js';
import { heatShown, sceneName, signedPct } from './words.js';

/** The API's largest page of scenes. */
const MAX_LIMIT = 100;

interface Ranking {
  readonly scenes: readonly ScenePulseSnapshot[];
  readonly banner: readonly string[];
  /** Scenes in the catalog (the global pulse's count), or null when not known (a region's ranking). */
  readonly total: number | null;
}

interface Catalog {
  readonly total: number;
  readonly regions: readonly string[];
}

/** Scenes ranked by heat, with a region filter and pagination. */
export class SceneListElement extends RadarElement {
  static override properties = {
    ...RadarElement.properties,
    region: { type: String },
    page: { type: Number },
    pageSize: { type: Number, attribute: 'page-size' },
  };
  /** Region code to filter by (attribute `region`); '' for every region. @default '' */
  declare region: string;
  /** The page shown, from 1 (attribute `page`). @default 1 */
  declare page: number;
  /** Scenes per page, 1-100 (attribute `page-size`). @default 20 */
  declare pageSize: number;

  readonly #ranking = new Resource<Ranking>(this);
  readonly #catalog = new Resource<Catalog>(this);

  constructor() {
    super();
    this.region = '';
    this.page = 1;
    this.pageSize = 20;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('base')) this.#catalog.run((signal) => this.#loadCatalog(signal));
    if (changed.has('base') || changed.has('region') || changed.has('page') || changed.has('pageSize'))
      this.#ranking.run((signal) => this.#loadRanking(signal));
  }

  /** The page asked for as a whole number from 1 (an attribute of 0, -2, "x" or Infinity is the first page). */
  get #page(): number {
    return Number.isFinite(this.page) ? Math.max(1, Math.floor(this.page)) : 1;
  }

  get #size(): number {
    return Math.min(MAX_LIMIT, Math.max(1, Math.floor(this.pageSize) || 20));
  }

  async #loadCatalog(signal: AbortSignal): Promise<Catalog> {
    const pulse = await this.fetchData<GlobalScenePulse>('/scene-pulse', { limit: 1 }, signal);
    if (Array.isArray(pulse.regions))
      return { total: pulse.summary.scenes, regions: pulse.regions.map((r) => r.region).filter(Boolean) };
    // An API of an earlier version (no `regions`): the whole catalog, page after page (100 scenes
    // a query is the API's cap; an import holds up to 100,000 scenes: at most 1,000 pages).
    const regions = new Set<string>();
    let total = 0;
    for (let offset = 0, i = 0; i < 1000; i++) {
      const page = await this.fetchData<Page<SceneRow>>('/scenes', { limit: MAX_LIMIT, offset }, signal);
      total = page.total;
      // A scene without a region (an answer of another version) offers no choice.
      for (const scene of page.items) if (scene.region) regions.add(scene.region);
      offset += page.items.length;
      if (page.items.length === 0 || offset >= page.total) break;
    }
    return { total, regions: [...regions].sort() };
  }

  async #loadRanking(signal: AbortSignal): Promise<Ranking> {
    const limit = Math.min(MAX_LIMIT, this.#page * this.#size + 1);
    if (this.region) {
      const data = await this.fetchData<RegionalScenePulse>(
        `/scene-pulse/${encodeURIComponent(this.region)}`,
        { limit },
        signal,
      );
      return {
        scenes: data.scenes,
        banner: [...unavailableLines(data.unavailable), ...failingSources(data.scenes)],
        total: null,
      };
    }
    const data = await this.fetchData<GlobalScenePulse>('/scene-pulse', { limit }, signal);
    return { scenes: data.hottest, banner: globalPulseLines(data, data.hottest), total: data.summary.scenes };
  }

  #go(page: number): void {
    this.page = page;
    this.dispatchEvent(new CustomEvent('sr-page', { detail: { page }, bubbles: true, composed: true }));
  }

  #onRegion(event: Event): void {
    this.region = (event.target as HTMLSelectElement).value;
    this.page = 1;
    this.dispatchEvent(
      new CustomEvent('sr-region', { detail: { region: this.region }, bubbles: true, composed: true }),
    );
  }

  protected override render(): TemplateResult {
    const catalog = this.#catalog.state;
    const regions = catalog.kind === 'ready' ? catalog.data.regions : [];
    return html`<section class="card" aria-labelledby="scenes-title">
      <div style="display:flex;gap:1rem;align-items:center;justify-content:space-between;flex-wrap:wrap">
        <h2 id="scenes-title">Scenes by heat</h2>
        <label
          >Region
          <select id="region" .value=${this.region} @change=${this.#onRegion}>
            <option value="">All regions</option>
            ${(this.region && !regions.includes(this.region) ? [this.region, ...regions] : regions).map(
              (r) => html`<option value=${r} ?selected=${r === this.region}>${r.toUpperCase()}</option>`,
            )}
          </select>
        </label>
      </div>
      ${
        // One error panel at a time: when the scenes failed too, theirs retries both.
        catalog.kind === 'failed' && this.#ranking.state.kind !== 'failed'
          ? errorPanel(catalog.failure, () => this.#catalog.retry(), 'the region choices')
          : nothing
      }
      ${this.#body()} ${this.#pagerView ? this.#pager(this.#pagerView) : nothing}
    </section>`;
  }

  /**
   * The pager as last shown: rendered once, after the body, so its buttons stay the same elements
   * from page to page (a keyboard user's focus stays on Next); kept while the next page loads.
   */
  #pagerView: { prev: boolean; next: boolean; label: string } | null = null;

  #body(): TemplateResult {
    const state = this.#ranking.state;
    const size = this.#size;
    if (state.kind === 'failed') {
      this.#pagerView = null;
      // A region the catalog does not know is a filter with no result, not a failure.
      if (state.failure.notFound && this.region) return this.#empty(0);
      return errorPanel(
        state.failure,
        () => {
          this.#ranking.retry();
          if (this.#catalog.state.kind === 'failed') this.#catalog.retry();
        },
        'the scenes',
      );
    }
    if (state.kind === 'loading') {
      this.#pagerView ??= { prev: false, next: false, label: '' };
      return html`${loadingNote('scenes')}${this.#table(skeletonRows(size, 6))}`;
    }
    const { scenes, banner } = state.data;
    const start = (this.#page - 1) * size;
    const rows = scenes.slice(start, start + size);
    // What failed stays above an empty page: it may be why there is nothing to show.
    if (rows.length === 0) {
      this.#pagerView = null;
      return html`${degradedBanner('Some scene data is missing or stale', banner)}${this.#empty(scenes.length)}`;
    }
    const hasNext = scenes.length > start + size;
    // The ranking stops at the API's cap: said only when scenes are left out (the global pulse
    // counts them; a region's ranking at the cap may leave some out), and the region filter is
    // suggested only when none is chosen.
    const capped =
      !hasNext && scenes.length >= MAX_LIMIT && (state.data.total === null || state.data.total > MAX_LIMIT);
    this.#pagerView = {
      prev: this.#page > 1,
      next: hasNext,
      label: `Page ${this.#page} · scenes ${start + 1}–${start + rows.length}`,
    };
    return html`${degradedBanner('Some scene data is missing or stale', banner)}
      ${this.#table(rows.map((s, i) => this.#row(s, start + i + 1)))}
      ${
        capped
          ? this.region
            ? html`<p class="small muted">The ranking covers the ${MAX_LIMIT} hottest scenes of this region.</p>`
            : html`<p class="small muted">The ranking covers the ${MAX_LIMIT} hottest scenes; filter by region to see the others.</p>`
          : nothing
      }`;
  }

  #empty(ranked: number): TemplateResult {
    const catalog = this.#catalog.state;
    if (ranked > 0)
      return emptyPanel(
        'No scenes on this page',
        html`<button type="button" @click=${() => this.#go(1)}>Go to the first page</button>`,
      );
    if (this.region)
      return emptyPanel(
        `No scene in ${this.region.toUpperCase()} has a pulse yet`,
        'Choose “All regions” or another region above, or refresh the radar after importing scenes for this region.',
      );
    if (catalog.kind === 'ready' && catalog.data.total === 0)
      return emptyPanel(
        'No scenes imported yet',
        html`Import a scene catalog (<code>radar.scenes.importCatalog(...)</code>, or <code>npm run demo</code> for the demo
          world), then run <code>radar.refresh()</code>.`,
      );
    return emptyPanel(
      'No scene has a pulse yet',
      html`The catalog is imported but no pulse was computed: run <code>radar.refresh()</code> (the sources must answer
        for at least one member of a scene).`,
    );
  }

  #table(body: unknown): TemplateResult {
    return html`<table>
      <caption class="sr-only">Scenes ranked by heat${this.region ? ` in ${this.region.toUpperCase()}` : ''}</caption>
      <colgroup>
        <col style="width:3rem" /><col /><col style="width:7rem" /><col style="width:6rem" /><col
          style="width:6rem"
        /><col style="width:7rem" />
      </colgroup>
      <thead>
        <tr>
          <th class="num" scope="col">#</th>
          <th scope="col">Scene</th>
          <th scope="col">Region</th>
          <th class="num" scope="col">Heat</th>
          <th class="num" scope="col">Growth</th>
          <th scope="col">Stage</th>
        </tr>
      </thead>
      <tbody>
        ${body}
      </tbody>
    </table>`;
  }

  #row(scene: ScenePulseSnapshot, rank: number): TemplateResult {
    return html`<tr data-scene=${scene.scene_slug}>
      <td class="num">${rank}</td>
      <td>${pulseMarks(scene, 'before')}<a href=${this.sceneHref(scene.scene_slug)}>${sceneName(scene.name, scene.scene_slug)}</a></td>
      <td>${(scene.region ?? '').toUpperCase()}</td>
      <td class="num">${heatShown(scene.heat)}</td>
      <td class="num ${scene.growth > 0 ? 'up' : scene.growth < 0 ? 'down' : ''}">${signedPct(scene.growth)}</td>
      <td><span class="pill">${scene.stage}</span></td>
    </tr>`;
  }

  #pager({ prev, next, label }: { prev: boolean; next: boolean; label: string }): TemplateResult {
    return html`<nav class="pager" aria-label="Scene list pages">
      <button type="button" ?disabled=${!prev} @click=${() => this.#go(this.#page - 1)}>Previous</button>
      <span aria-live="polite" data-page-label>${label}</span>
      <button type="button" ?disabled=${!next} @click=${() => this.#go(this.#page + 1)}>Next</button>
    </nav>`;
  }
}
