/**
 * @module ui/trend-chart
 * `<scene-radar-trend-chart>`: a scene's heat over 1-365 days (`GET /scenes/{slug}/trends`),
 * drawn with uPlot (bundled, no CDN), with the same figures in words for screen readers.
 */
import { html, nothing, type PropertyValues, type TemplateResult, unsafeCSS } from 'lit';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css';
import type { SceneTrends } from '../src/scenes/schemas.js';
import { RadarElement } from './radar-element.js';
import { Resource } from './resource.js';
import { emptyPanel, errorPanel, loadingNote, skeletonBlock } from './states.js';
import { heatShown, num, pct } from './words.js';

/** The spans offered, in days (the API takes any whole number from 1 to 365). */
const SPANS = [7, 30, 90, 180, 365] as const;
const CHART_HEIGHT = 220;

/** A scene's heat trend with a span picker. */
export class TrendChartElement extends RadarElement {
  static override styles = [...RadarElement.styles, unsafeCSS(uplotCss)];
  static override properties = { ...RadarElement.properties, slug: { type: String }, days: { type: Number } };
  /** The scene (attribute `slug`). */
  declare slug: string;
  /** Days of history, 1-365 (attribute `days`). @default 30 */
  declare days: number;

  readonly #trends = new Resource<SceneTrends>(this);
  #chart: InstanceType<typeof uPlot> | undefined;
  #resize: ResizeObserver | undefined;

  constructor() {
    super();
    this.slug = '';
    this.days = 30;
  }

  get #days(): number {
    return Math.min(365, Math.max(1, Math.floor(this.days) || 30));
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.slug && (changed.has('base') || changed.has('slug') || changed.has('days')))
      this.#trends.run((signal) =>
        this.fetchData<SceneTrends>(`/scenes/${encodeURIComponent(this.slug)}/trends`, { days: this.#days }, signal),
      );
  }

  protected override updated(): void {
    const state = this.#trends.state;
    const target = this.renderRoot.querySelector<HTMLElement>('.plot');
    if (state.kind !== 'ready' || !target || state.data.series.length === 0) {
      this.#destroy();
      return;
    }
    this.#draw(target, state.data);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Back in the page (a host moved it): draw again the chart that leaving destroyed.
    if (this.hasUpdated) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#destroy();
  }

  #destroy(): void {
    this.#resize?.disconnect();
    this.#resize = undefined;
    this.#chart?.destroy();
    this.#chart = undefined;
  }

  #draw(target: HTMLElement, trends: SceneTrends): void {
    this.#destroy();
    const [xs, heat] = withGaps(trends.series);
    const width = Math.max(240, target.clientWidth || 600);
    this.#chart = new uPlot(
      {
        width,
        height: CHART_HEIGHT,
        legend: { show: false },
        // The snapshots' days are UTC days: labelled in UTC, not the day before west of it.
        tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: [0, 100] } },
        axes: [
          { stroke: '#4d4d5c', grid: { stroke: '#e4e4ea' } },
          { stroke: '#4d4d5c', grid: { stroke: '#e4e4ea' }, label: 'Heat' },
        ],
        series: [
          {},
          {
            label: 'Heat',
            stroke: '#0a58a8',
            width: 2,
            fill: 'rgba(10,88,168,0.08)',
            points: { show: xs.length < 40, size: 6 },
          },
        ],
      },
      [xs, heat],
      target,
    );
    this.#resize = new ResizeObserver(() => {
      const w = target.clientWidth;
      if (this.#chart && w > 0 && Math.abs(w - this.#chart.width) > 2)
        this.#chart.setSize({ width: w, height: CHART_HEIGHT });
    });
    this.#resize.observe(target);
  }

  #onDays(event: Event): void {
    this.days = Number((event.target as HTMLSelectElement).value);
  }

  protected override render(): TemplateResult {
    const state = this.#trends.state;
    const spans: number[] = SPANS.includes(this.#days as (typeof SPANS)[number])
      ? [...SPANS]
      : [this.#days, ...SPANS].sort((a, b) => a - b);
    return html`<section class="card" aria-labelledby="trend-title">
      <div style="display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap">
        <h3 id="trend-title">Heat over time</h3>
        <label
          >Span
          <select .value=${String(this.#days)} @change=${this.#onDays}>
            ${spans.map((d) => html`<option value=${d} ?selected=${d === this.#days}>${d === 1 ? '1 day' : `${d} days`}</option>`)}
          </select>
        </label>
      </div>
      <div style="min-height:${CHART_HEIGHT + 40}px">
        ${
          state.kind === 'loading'
            ? html`${loadingNote('the trend')}${skeletonBlock(`${CHART_HEIGHT}px`)}`
            : state.kind === 'failed'
              ? errorPanel(state.failure, () => this.#trends.retry(), 'the trend')
              : this.#ready(state.data)
        }
      </div>
    </section>`;
  }

  #ready(trends: SceneTrends): TemplateResult {
    if (trends.series.length === 0)
      return emptyPanel(
        `No daily snapshot in the last ${trends.days} days`,
        html`A snapshot is stored each time the radar refreshes: schedule <code>radar.refresh()</code> daily, or choose a
          longer span.`,
      );
    const s = trends.summary;
    const first = trends.series[0]!;
    const last = trends.series[trends.series.length - 1]!;
    const words =
      trends.series.length === 1
        ? `One snapshot: heat ${heatShown(first.heat)} on ${first.day}.`
        : `Heat ${heatShown(first.heat)} on ${first.day}, ${heatShown(last.heat)} on ${last.day}${
            s ? `; peak ${heatShown(s.peak.heat)} on ${s.peak.day}` : ''
          }.`;
    return html`<div class="plot" role="img" aria-label=${`Heat trend over ${trends.days} days. ${words}`}></div>
      <p class="small muted">
        ${words}
        ${
          s
            ? html`Change ${num(s.change, 1)} points; snapshots on ${pct(s.coverage)} of days${
                s.coverage < 0.5 ? html` (the radar stores one per refresh)` : nothing
              }.`
            : nothing
        }
      </p>`;
  }
}

/**
 * The snapshots as the chart's columns (seconds, heat), with a break where days are missing: the
 * API leaves a day without a snapshot out of `series`, and a line drawn across such a gap would
 * show heat nobody measured. A gap is a spacing wider than 1.5 times the series' usual one (its
 * median), so a scene refreshed weekly is drawn as a line and a missed refresh as a break.
 */
function withGaps(series: SceneTrends['series']): [number[], (number | null)[]] {
  const days = series.map((s) => Date.parse(`${s.day}T00:00:00Z`) / 86_400_000);
  const steps = days.slice(1).map((d, i) => d - days[i]!);
  const usual = steps.length === 0 ? 1 : [...steps].sort((a, b) => a - b)[Math.floor((steps.length - 1) / 2)]!;
  const xs: number[] = [];
  const heat: (number | null)[] = [];
  series.forEach((s, i) => {
    if (i > 0 && steps[i - 1]! > 1.5 * usual) {
      // One empty point inside the gap, where uPlot breaks the line (and its fill).
      xs.push((days[i - 1]! + 1) * 86_400);
      heat.push(null);
    }
    xs.push(days[i]! * 86_400);
    heat.push(s.heat);
  });
  return [xs, heat];
}
