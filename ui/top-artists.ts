/**
 * @module ui/top-artists
 * `<scene-radar-top-artists>`: a top list by category (`GET /talent/top`): rising (momentum),
 * breakout (breakout score) or risk (risk score), a page at a time. The API returns the top N
 * (at most 100) and the category's total, so a page asks for just enough artists to fill it.
 */
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { PulseArtist, TopArtists } from '../src/talent/schemas.js';
import { RadarElement } from './radar-element.js';
import { Resource } from './resource.js';
import { degradedBanner, emptyPanel, errorPanel, loadingNote, skeletonRows } from './states.js';
import { metaLines } from './talent-degraded.js';
import { floorShown, num, pctDown, sceneTitle, titleOf } from './words.js';

const MAX_LIMIT = 100;
const CATEGORIES = [
  ['rising', 'Rising', 'by momentum'],
  ['breakout', 'Breakout', 'by breakout chance'],
  ['risk', 'At risk', 'by risk'],
] as const;

/** A top list by category, with pagination. */
export class TopArtistsElement extends RadarElement {
  static override properties = {
    ...RadarElement.properties,
    category: { type: String },
    page: { type: Number },
    pageSize: { type: Number, attribute: 'page-size' },
  };
  /** `rising`, `breakout` or `risk` (attribute `category`). @default 'rising' */
  declare category: string;
  /** The page shown, from 1 (attribute `page`). @default 1 */
  declare page: number;
  /** Artists per page, 1-100 (attribute `page-size`). @default 10 */
  declare pageSize: number;

  readonly #top = new Resource<TopArtists>(this);

  constructor() {
    super();
    this.category = 'rising';
    this.page = 1;
    this.pageSize = 10;
  }

  /** The page asked for as a whole number from 1 (an attribute of 0, -2, "x" or Infinity is the first page). */
  get #page(): number {
    return Number.isFinite(this.page) ? Math.max(1, Math.floor(this.page)) : 1;
  }

  get #size(): number {
    return Math.min(MAX_LIMIT, Math.max(1, Math.floor(this.pageSize) || 10));
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('base') || changed.has('category') || changed.has('page') || changed.has('pageSize'))
      this.#top.run((signal) =>
        this.fetchData<TopArtists>(
          '/talent/top',
          { category: this.category, limit: Math.min(MAX_LIMIT, this.#page * this.#size) },
          signal,
        ),
      );
  }

  protected override render(): TemplateResult {
    return html`<section class="card" aria-labelledby="top-title">
      <div style="display:flex;gap:1rem;align-items:center;justify-content:space-between;flex-wrap:wrap">
        <h2 id="top-title">Top artists</h2>
        <div role="group" aria-label="Category" style="display:flex;gap:.5rem">
          ${CATEGORIES.map(
            ([id, label]) => html`<button
              type="button"
              aria-pressed=${this.category === id ? 'true' : 'false'}
              style=${this.category === id ? 'background:var(--_accent);color:#fff;border-color:var(--_accent)' : ''}
              @click=${() => {
                this.category = id;
                this.page = 1;
              }}
            >
              ${label}
            </button>`,
          )}
        </div>
      </div>
      ${this.#body()} ${this.#pagerView ? this.#pager(this.#pagerView) : nothing}
    </section>`;
  }

  /**
   * The pager as last shown: rendered once, after the body, so its buttons stay the same elements
   * from page to page (a keyboard user's focus stays on Next); kept while the next page loads.
   */
  #pagerView: { prev: boolean; next: boolean; label: string } | null = null;

  #body(): TemplateResult {
    const state = this.#top.state;
    const size = this.#size;
    if (state.kind === 'failed') {
      this.#pagerView = null;
      return errorPanel(state.failure, () => this.#top.retry(), 'the top list');
    }
    if (state.kind === 'loading') {
      this.#pagerView ??= { prev: false, next: false, label: '' };
      return html`${loadingNote('the top list')}${this.#table(skeletonRows(size, 6))}`;
    }
    this.#pagerView = null;
    const top = state.data;
    const start = (this.#page - 1) * size;
    const rows = top.artists.slice(start, start + size);
    const label = CATEGORIES.find(([id]) => id === this.category)?.[1] ?? this.category;
    const banner = degradedBanner('Some talent data is missing or stale', metaLines(top.meta));
    if (rows.length === 0 && top.artists.length > 0)
      // A page past the list (a host's `page` attribute): the list is not empty, the page is. The
      // banner stays above it, as above an empty list.
      return html`${banner}${emptyPanel(
        'No artists on this page',
        html`<button type="button" @click=${() => (this.page = 1)}>Go to the first page</button>`,
      )}`;
    if (rows.length === 0)
      // The API's notes on failing sources stay above an empty list: they may be why it is empty.
      return html`${banner}${
        top.meta.asOf === null
          ? emptyPanel('No artist scored yet', html`Run <code>radar.refresh()</code> with a MIG source plugged in.`)
          : emptyPanel(
              `No artist in “${label}” right now`,
              'Nobody is above this list’s threshold; try another category, or come back after the next refresh.',
            )
      }`;
    const reachable = Math.min(top.total, MAX_LIMIT);
    const hasNext = start + size < reachable;
    this.#pagerView = {
      prev: this.#page > 1,
      next: hasNext,
      label: `Page ${this.#page} · ${start + 1}–${start + rows.length} of ${num(top.total)}`,
    };
    return html`${banner}
      ${this.#table(rows.map((a, i) => this.#row(a, start + i + 1)))}
      ${
        top.total > MAX_LIMIT
          ? html`<p class="small muted">Lists show the top ${MAX_LIMIT} (the API's limit per query).</p>`
          : nothing
      }`;
  }

  #table(body: unknown): TemplateResult {
    return html`<table>
      <caption class="sr-only">Top artists, ${this.category}</caption>
      <colgroup>
        <col style="width:3rem" /><col /><col /><col style="width:6rem" /><col style="width:6rem" /><col
          style="width:6rem"
        />
      </colgroup>
      <thead>
        <tr>
          <th class="num" scope="col">#</th>
          <th scope="col">Artist</th>
          <th scope="col">Scene</th>
          <th class="num" scope="col">Momentum</th>
          <th class="num" scope="col">Breakout</th>
          <th class="num" scope="col">Risk</th>
        </tr>
      </thead>
      <tbody>
        ${body}
      </tbody>
    </table>`;
  }

  #row(a: PulseArtist, rank: number): TemplateResult {
    return html`<tr data-artist=${a.artist_slug}>
      <td class="num">${rank}</td>
      <td><a href=${this.artistHref(a.artist_slug)}>${titleOf(a.artist_slug)}</a></td>
      <td>${a.scene_slug ? html`<a href=${this.sceneHref(a.scene_slug)}>${sceneTitle(a.scene_slug)}</a>` : html`<span class="muted">none</span>`}</td>
      <td class="num">${floorShown(a.momentum)}</td>
      <td class="num">${pctDown(a.breakout_score)}</td>
      <td class="num">${pctDown(a.risk_score)}</td>
    </tr>`;
  }

  #pager({ prev, next, label }: { prev: boolean; next: boolean; label: string }): TemplateResult {
    return html`<nav class="pager" aria-label="Top list pages">
      <button type="button" ?disabled=${!prev} @click=${() => (this.page = this.#page - 1)}>Previous</button>
      <span aria-live="polite" data-page-label>${label}</span>
      <button type="button" ?disabled=${!next} @click=${() => (this.page = this.#page + 1)}>Next</button>
    </nav>`;
  }
}
