/**
 * @module ui/scene-page
 * `<scene-radar-scene>`: one scene. Its pulse (heat, growth, lifecycle stage, confidence), what
 * drove the heat (the explanation as bars), the trend chart, top and rising members, the
 * microgenre mix and related scenes. Reads `GET /scenes/{slug}`, `/scenes/{slug}/pulse` and
 * `/scenes/{slug}/related`; the chart reads `/scenes/{slug}/trends` itself.
 */
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { RelatedScene, ScenePulseArtist, ScenePulseSnapshot } from '../src/scenes/schemas.js';
import type { SceneRow } from '../src/stores/tables.js';
import { ApiFailure, slugNotFound } from './client.js';
import { RadarElement } from './radar-element.js';
import { Resource } from './resource.js';
import { failingSources } from './scene-degraded.js';
import {
  degradedBanner,
  emptyPanel,
  errorPanel,
  loadingNote,
  notFoundPanel,
  skeletonBlock,
  skeletonList,
} from './states.js';
import {
  heatShown,
  isolated,
  num,
  pct,
  sceneName,
  sceneTitle,
  signalLabel,
  signalMeaning,
  signedPct,
  sourceLabel,
  stageWords,
  titleOf,
  when,
} from './words.js';

interface SceneView {
  readonly scene: SceneRow;
  /** The scene's pulse, or null when it could not be computed (`pulseFailure` says why). */
  readonly pulse: ScenePulseSnapshot | null;
  /** Why the pulse is unavailable (a failing source: 503 `SOURCES_UNAVAILABLE`), when it is. */
  readonly pulseFailure: ApiFailure | null;
}

const LINK_WORDS: Readonly<Record<string, string>> = {
  shared_members: 'shared members',
  shared_sound: 'similar sound',
  shared_tastemakers: 'shared tastemakers',
};

/** What the member and mix cards say when the pulse is unknown: unknown, never "nobody". */
const NO_PULSE = 'Unknown: this scene has no pulse right now (see above).';

/** A pulse read that failed because a source failed (the heat is unknown), not because the read did. */
const heatUnknown = (failure: ApiFailure): boolean => failure.status === 503 && failure.code === 'SOURCES_UNAVAILABLE';

/** One scene's page. */
export class ScenePageElement extends RadarElement {
  static override properties = { ...RadarElement.properties, slug: { type: String }, days: { type: Number } };
  /** The scene (attribute `slug`). */
  declare slug: string;
  /** Days shown by the trend chart, 1-365 (attribute `days`). @default 30 */
  declare days: number;

  readonly #view = new Resource<SceneView>(this);
  readonly #related = new Resource<readonly RelatedScene[]>(this);

  constructor() {
    super();
    this.slug = '';
    this.days = 30;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.slug || !(changed.has('base') || changed.has('slug'))) return;
    const path = `/scenes/${encodeURIComponent(this.slug)}`;
    this.#view.run(async (signal) => {
      // The scene and its pulse apart: a pulse a failing source left unknown does not take the
      // scene's page (its name, trend and related scenes) with it.
      const pulseRead = this.fetchData<ScenePulseSnapshot>(`${path}/pulse`, {}, signal).then(
        (pulse) => ({ pulse, pulseFailure: null }),
        (e: unknown) => {
          // A scene that does not exist, an aborted read or a network failure fails the page as before.
          if (!(e instanceof ApiFailure) || e.notFound || e.status === 0) throw e;
          return { pulse: null, pulseFailure: e };
        },
      );
      const [scene, pulse] = await Promise.all([this.fetchData<SceneRow>(path, {}, signal), pulseRead]);
      return { scene, ...pulse };
    });
    this.#related.run((signal) => this.fetchData<readonly RelatedScene[]>(`${path}/related`, { limit: 8 }, signal));
  }

  protected override render(): TemplateResult {
    const state = this.#view.state;
    const back = { href: this.pageHref('scenes'), label: 'Back to all scenes' };
    if (state.kind === 'failed') {
      if (slugNotFound(state.failure, this.slug)) return notFoundPanel('scene', this.slug, back);
      return errorPanel(state.failure, () => this.#view.retry(), `the scene “${this.slug}”`);
    }
    const data = state.kind === 'ready' ? state.data : null;
    return html`<p class="small"><a href=${back.href}>← All scenes</a></p>
      ${data ? this.#header(data) : html`${loadingNote('the scene')}<div style="height:4.5rem">${skeletonBlock('3.5rem')}</div>`}
      ${
        data?.pulse
          ? degradedBanner('This pulse was computed with sources missing or is stale', failingSources([data.pulse]))
          : data?.pulseFailure && !heatUnknown(data.pulseFailure)
            ? // Not a failing source but a refused or failed read (429, 500, 504): its own panel, with a Retry.
              errorPanel(data.pulseFailure, () => this.#view.retry(), 'the pulse of this scene')
            : data
              ? degradedBanner('The heat of this scene is unknown', [
                  `${data.pulseFailure?.message ?? 'Its pulse could not be computed'}${data.pulseFailure ? ` (${data.pulseFailure.code})` : ''}`,
                ])
              : nothing
      }
      <div class="grid">
        <section class="card" aria-labelledby="pulse-title" style="min-height:14rem">
          <h3 id="pulse-title">Pulse</h3>
          ${data?.pulse ? this.#pulse(data.pulse) : data ? html`<p class="muted" data-heat>Heat unknown.</p>` : skeletonBlock('10rem')}
        </section>
        <section class="card" aria-labelledby="why-title" style="min-height:14rem">
          <h3 id="why-title">What drove the heat</h3>
          ${data?.pulse ? this.#explanation(data.pulse) : data ? html`<p class="muted">No pulse to explain.</p>` : skeletonBlock('10rem')}
        </section>
      </div>
      <div style="margin:1rem 0">
        <scene-radar-trend-chart
          .base=${this.base}
          .linkPrefix=${this.linkPrefix}
          .slug=${this.slug}
          .days=${this.days}
        ></scene-radar-trend-chart>
      </div>
      <div class="grid">
        ${this.#members(
          'Top members',
          'top',
          data ? (data.pulse?.top_artists ?? []) : null,
          data?.pulse === null ? NO_PULSE : 'No member is active yet.',
        )}
        ${this.#members(
          // Growing, not "rising": the pulse counts a member rising only from +25% at 100 a day or
          // more (its `rising_members`); these are the top members with any growth.
          'Growing members',
          'rising',
          data
            ? [...(data.pulse?.top_artists ?? [])].filter((a) => a.growth > 0).sort((a, b) => b.growth - a.growth)
            : null,
          data?.pulse === null ? NO_PULSE : 'No member is growing right now.',
        )}
        <section class="card" aria-labelledby="mix-title">
          <h3 id="mix-title">Microgenre mix</h3>
          ${data ? this.#mix(data) : skeletonList(5)}
        </section>
        <section class="card" aria-labelledby="related-title">
          <h3 id="related-title">Related scenes</h3>
          ${this.#relatedList()}
        </section>
      </div>`;
  }

  #header({ scene, pulse }: SceneView): TemplateResult {
    const place = [scene.city ? titleOf(scene.city) : '', (scene.region ?? '').toUpperCase()]
      .filter(Boolean)
      .join(', ');
    return html`<header style="min-height:4.5rem">
      <h2>${sceneName(scene.name, scene.slug)}</h2>
      <p class="muted">
        ${place ? isolated(place) : ''} ·
        ${pulse ? html`<span class="pill">${pulse.stage}</span> · pulse as of ${when(pulse.asOf)}` : 'heat unknown'}
      </p>
    </header>`;
  }

  #pulse(p: ScenePulseSnapshot): TemplateResult {
    return html`<p style="font-size:2rem;margin:0;font-weight:600" data-heat>
        ${heatShown(p.heat)}<span class="muted" style="font-size:1rem;font-weight:400"> / 100 heat</span>
      </p>
      <p class="${p.growth > 0 ? 'up' : p.growth < 0 ? 'down' : ''}">
        ${signedPct(p.growth)} against the previous window (heat ${heatShown(p.previous_heat ?? 0)})
      </p>
      <p><strong>${stageWords(p.stage)}</strong></p>
      <p class="small muted">
        ${num(p.active_members)} active of ${num(p.total_members)} members · ${num(p.rising_members)} rising ·
        ${num(p.new_members)} new · ${num(p.tastemaker_activity.active_tastemakers)} active tastemakers ·
        ${pct(p.campaign_activity.paid_share)} of engagement paid. Confidence ${pct(p.confidence)}.
      </p>`;
  }

  #explanation(p: ScenePulseSnapshot): TemplateResult {
    const top = Math.max(1, ...p.explanation.map((e) => Math.abs(e.contribution)));
    return html`<ul class="explain" style="list-style:none;margin:0;padding:0;display:grid;gap:.6rem">
      ${p.explanation.map(
        (e) => html`<li>
          <div style="display:flex;justify-content:space-between;gap:.5rem">
            <span><strong>${signalLabel(e.signal)}</strong> <span class="small muted">${signalMeaning(e.signal)}</span></span>
            <span class="num">${e.available ? `${num(e.contribution, 1)} pts` : 'no data'}</span>
          </div>
          <div class="bar" role="img" aria-label=${`${signalLabel(e.signal)}: ${e.available ? `${num(e.contribution, 1)} heat points` : 'no data'}`}>
            <span style="left:0;width:${(Math.max(0, e.contribution) / top) * 100}%;background:var(--_accent)"></span>
          </div>
          <div class="small muted">${sourceLabel(e.source)} · ${e.unit}: ${num(e.raw, 3)} · weight ${pct(e.weight)}</div>
        </li>`,
      )}
    </ul>`;
  }

  #members(title: string, id: string, artists: readonly ScenePulseArtist[] | null, none: string): TemplateResult {
    return html`<section class="card" aria-labelledby="members-${id}">
      <h3 id="members-${id}">${title}</h3>
      ${
        artists === null
          ? skeletonList(5)
          : artists.length === 0
            ? html`<p class="muted">${none}</p>`
            : html`<ul class="rows" data-list=${id}>
              ${artists.slice(0, 8).map(
                (a) => html`<li>
                  <span class="grow"
                    ><a href=${this.artistHref(a.artist_slug)}>${titleOf(a.artist_slug)}</a>
                    <span class="small muted">${a.reason}</span></span
                  >
                  <span class="num ${a.growth > 0 ? 'up' : a.growth < 0 ? 'down' : ''}">${signedPct(a.growth)}</span>
                </li>`,
              )}
            </ul>`
      }
    </section>`;
  }

  #mix({ pulse, scene }: SceneView): TemplateResult {
    if (pulse === null) return html`<p class="muted">${NO_PULSE}</p>`;
    const mix = pulse.microgenre_mix;
    if (mix.length === 0)
      return html`<p class="muted">
        No member release carries a microgenre yet. The catalog lists
        ${scene.microgenres.length ? scene.microgenres.join(', ') : 'none'} for this scene.
      </p>`;
    return html`<ul style="list-style:none;margin:0;padding:0;display:grid;gap:.5rem">
      ${mix.map(
        (m) => html`<li>
          <div style="display:flex;justify-content:space-between"><span>${m.microgenre}</span><span>${pct(m.share)}</span></div>
          <div class="bar" aria-hidden="true"><span style="left:0;width:${m.share * 100}%;background:var(--_up)"></span></div>
        </li>`,
      )}
    </ul>`;
  }

  #relatedList(): TemplateResult {
    const state = this.#related.state;
    if (state.kind === 'loading') return skeletonList(5);
    if (state.kind === 'failed') return errorPanel(state.failure, () => this.#related.retry(), 'related scenes');
    if (state.data.length === 0)
      return emptyPanel(
        'No related scene yet',
        'Relationships appear once scenes share members, sound or tastemakers after a refresh.',
      );
    return html`<ul class="rows" data-list="related">
      ${state.data.map(
        (r) => html`<li>
          <span class="grow"
            ><a href=${this.sceneHref(r.scene_slug)}>${sceneTitle(r.scene_slug)}</a>
            <span class="small muted">${r.links.map((l) => LINK_WORDS[l.type] ?? l.type).join(', ')}</span></span
          >
          <span class="num">${pct(r.weight)}</span>
        </li>`,
      )}
    </ul>`;
  }
}
