/**
 * @module ui/scene-pulse-lists
 * `<scene-radar-scene-pulse>`: the hottest, fastest-growing and cooling scenes of the whole
 * catalog (`GET /scene-pulse`), side by side.
 */
import { html, type PropertyValues, type TemplateResult } from 'lit';
import type { GlobalScenePulse, ScenePulseSnapshot } from '../src/scenes/schemas.js';
import { RadarElement } from './radar-element.js';
import { Resource } from './resource.js';
import { globalPulseLines, pulseMarks } from './scene-degraded.js';
import { degradedBanner, emptyPanel, errorPanel, loadingNote, skeletonList } from './states.js';
import { heatShown, sceneName, signedPct } from './words.js';

/** The scenes of the three lists, each once (a scene in two lists must not count its reads twice). */
function shownOnce(p: GlobalScenePulse): ScenePulseSnapshot[] {
  return [...new Map([...p.hottest, ...p.fastestGrowing, ...p.cooling].map((s) => [s.scene_slug, s])).values()];
}

/** Hottest, fastest-growing and cooling scenes. */
export class ScenePulseListsElement extends RadarElement {
  static override properties = { ...RadarElement.properties, limit: { type: Number } };
  /** Scenes per list, 1-100 (attribute `limit`). @default 5 */
  declare limit: number;

  readonly #pulse = new Resource<GlobalScenePulse>(this);

  constructor() {
    super();
    this.limit = 5;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('base') || changed.has('limit'))
      this.#pulse.run((signal) => this.fetchData<GlobalScenePulse>('/scene-pulse', { limit: this.#limit }, signal));
  }

  get #limit(): number {
    return Math.min(100, Math.max(1, Math.floor(this.limit) || 5));
  }

  protected override render(): TemplateResult {
    const state = this.#pulse.state;
    if (state.kind === 'failed') return errorPanel(state.failure, () => this.#pulse.retry(), 'the scene pulse');
    const lists: [string, string, (p: GlobalScenePulse) => readonly ScenePulseSnapshot[], string][] = [
      ['hottest', 'Hottest', (p) => p.hottest, 'No scene has heat yet.'],
      ['growing', 'Fastest growing', (p) => p.fastestGrowing, 'No scene is growing right now.'],
      ['cooling', 'Cooling', (p) => p.cooling, 'No scene is cooling right now.'],
    ];
    if (state.kind === 'ready' && state.data.summary.scenes === 0)
      return emptyPanel(
        'No scenes to rank yet',
        html`Import a scene catalog and run <code>radar.refresh()</code>; <code>npm run demo</code> shows a demo world.`,
      );
    const data = state.kind === 'ready' ? state.data : null;
    return html`${state.kind === 'loading' ? loadingNote('the scene pulse') : ''}
      ${data ? degradedBanner('Scene pulse is degraded', globalPulseLines(data, shownOnce(data))) : ''}
      <div class="grid">
        ${lists.map(
          ([id, title, pick, none]) => html`<section class="card" aria-labelledby="pulse-${id}">
            <h2 id="pulse-${id}">${title}</h2>
            ${data ? this.#list(pick(data), none, id) : skeletonList(this.#limit)}
          </section>`,
        )}
      </div>`;
  }

  #list(scenes: readonly ScenePulseSnapshot[], none: string, id: string): TemplateResult {
    if (scenes.length === 0)
      return html`<p class="muted" style="min-height:calc(var(--_row) * ${this.#limit})">${none}</p>`;
    return html`<ul class="rows" style="min-height:calc(var(--_row) * ${this.#limit})" data-list=${id}>
      ${scenes.map(
        (s) => html`<li>
          <span class="grow"><a href=${this.sceneHref(s.scene_slug)}>${sceneName(s.name, s.scene_slug)}</a></span
          >${pulseMarks(s)}
          <span class="num" title="heat">${heatShown(s.heat)}</span>
          <span class="num ${s.growth > 0 ? 'up' : s.growth < 0 ? 'down' : ''}" style="width:4rem;text-align:right"
            >${signedPct(s.growth)}</span
          >
        </li>`,
      )}
    </ul>`;
  }
}
