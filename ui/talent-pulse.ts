/**
 * @module ui/talent-pulse
 * `<scene-radar-talent-pulse>`: the Talent Radar's global pulse (`GET /talent/pulse`): summary
 * counts, top rising artists, breakout candidates, artists at risk and the hottest scenes.
 */
import { html, type PropertyValues, type TemplateResult } from 'lit';
import type { GlobalPulse, PulseArtist } from '../src/talent/schemas.js';
import { RadarElement } from './radar-element.js';
import { Resource } from './resource.js';
import { degradedBanner, emptyPanel, errorPanel, loadingNote, skeletonBlock, skeletonList } from './states.js';
import { metaLines } from './talent-degraded.js';
import { floorShown, heatShown, num, pctDown, sceneTitle, signedPct, titleOf, when } from './words.js';

/** The global talent pulse. */
export class TalentPulseElement extends RadarElement {
  static override properties = { ...RadarElement.properties, limit: { type: Number } };
  /** Artists per list, 1-100 (attribute `limit`). @default 5 */
  declare limit: number;

  readonly #pulse = new Resource<GlobalPulse>(this);

  constructor() {
    super();
    this.limit = 5;
  }

  get #limit(): number {
    return Math.min(100, Math.max(1, Math.floor(this.limit) || 5));
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('base') || changed.has('limit'))
      this.#pulse.run((signal) => this.fetchData<GlobalPulse>('/talent/pulse', { limit: this.#limit }, signal));
  }

  protected override render(): TemplateResult {
    const state = this.#pulse.state;
    if (state.kind === 'failed') return errorPanel(state.failure, () => this.#pulse.retry(), 'the talent pulse');
    const data = state.kind === 'ready' ? state.data : null;
    if (data && data.summary.totalArtistsTracked === 0) {
      // A failing source is named, not hidden behind the advice for a radar with no source yet.
      return html`${degradedBanner('Some talent data is missing or stale', metaLines(data.meta))}
        ${emptyPanel(
          'No artist scored yet',
          html`Plug in a MIG source (the artist universe) and run <code>radar.refresh()</code>; <code>npm run demo</code> builds a
            demo world to try.`,
        )}`;
    }
    const lists: [string, string, (p: GlobalPulse) => readonly PulseArtist[], (a: PulseArtist) => string, string][] = [
      [
        'rising',
        'Top rising',
        (p) => p.topRisingArtists,
        (a) => `${floorShown(a.momentum)} momentum`,
        'Nobody is above the rising threshold right now.',
      ],
      [
        'breakout',
        'Breakout candidates',
        (p) => p.topBreakoutCandidates,
        (a) => `${pctDown(a.breakout_score)} breakout`,
        'No artist is a likely breakout right now.',
      ],
      [
        'risk',
        'At risk',
        (p) => p.artistsAtRisk,
        (a) => `${pctDown(a.risk_score)} risk`,
        'No artist is at risk right now.',
      ],
    ];
    return html`${state.kind === 'loading' ? loadingNote('the talent pulse') : ''}
      ${data ? degradedBanner('Some talent data is missing or stale', metaLines(data.meta)) : ''}
      <section class="card" aria-labelledby="summary-title" style="margin-bottom:1rem">
        <h2 id="summary-title">Talent pulse</h2>
        ${data ? this.#summary(data) : skeletonBlock('3.2rem')}
      </section>
      <div class="grid">
        ${lists.map(
          ([id, title, pick, figure, none]) => html`<section class="card" aria-labelledby="talent-${id}">
            <h2 id="talent-${id}">${title}</h2>
            ${data ? this.#list(id, pick(data), figure, none) : skeletonList(this.#limit)}
          </section>`,
        )}
        <section class="card" aria-labelledby="talent-scenes">
          <h2 id="talent-scenes">Hottest scenes</h2>
          ${
            data
              ? data.hottestScenes.length === 0
                ? html`<p class="muted">No scene pulse yet: refresh the Scenes Engine.</p>`
                : html`<ul class="rows" style="min-height:calc(var(--_row) * ${this.#limit})">
                  ${data.hottestScenes.map(
                    (s) => html`<li>
                      <span class="grow"><a href=${this.sceneHref(s.scene_slug)}>${sceneTitle(s.scene_slug)}</a></span>
                      <span>${heatShown(s.heat)}</span>
                      <span class=${s.growth > 0 ? 'up' : s.growth < 0 ? 'down' : ''}>${signedPct(s.growth)}</span>
                    </li>`,
                  )}
                </ul>`
              : skeletonList(this.#limit)
          }
        </section>
      </div>`;
  }

  #summary(p: GlobalPulse): TemplateResult {
    const s = p.summary;
    const cell = (label: string, value: string) =>
      html`<div><div class="small muted">${label}</div><div style="font-size:1.4rem;font-weight:600">${value}</div></div>`;
    return html`<div style="display:flex;gap:2rem;flex-wrap:wrap;min-height:3.2rem" data-summary>
        ${cell('Artists tracked', num(s.totalArtistsTracked))} ${cell('Average momentum', num(s.avgMomentum, 1))}
        ${cell('Likely breakouts', num(s.highBreakoutCount))} ${cell('High risk', num(s.highRiskCount))}
      </div>
      <p class="small muted">Scores as of ${when(p.meta.asOf)} · model ${p.meta.model_version}</p>`;
  }

  #list(id: string, artists: readonly PulseArtist[], figure: (a: PulseArtist) => string, none: string): TemplateResult {
    if (artists.length === 0)
      return html`<p class="muted" style="min-height:calc(var(--_row) * ${this.#limit})">${none}</p>`;
    return html`<ul class="rows" style="min-height:calc(var(--_row) * ${this.#limit})" data-list=${id}>
      ${artists.map(
        (a) => html`<li>
          <span class="grow"><a href=${this.artistHref(a.artist_slug)}>${titleOf(a.artist_slug)}</a></span>
          <span class="small">${figure(a)}</span>
        </li>`,
      )}
    </ul>`;
  }
}
