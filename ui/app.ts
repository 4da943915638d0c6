/**
 * @module ui/app
 * `<scene-radar-app>`: the whole dashboard, the seed's `/scenes` and `/talent` pages and the
 * scene and artist pages, behind a hash router (`#/scenes`, `#/scenes/<slug>`, `#/talent`,
 * `#/artists/<slug>`), so that it works inside any host page without touching the host's routes.
 * The scenes list keeps its region filter and page in the hash (`#/scenes?region=uk&page=2`), so
 * Back from a scene and a reload return to them.
 */
import { html, type TemplateResult } from 'lit';
import { RadarElement } from './radar-element.js';
import { notFoundPanel } from './states.js';

/** A parsed hash route. */
type Route =
  | { readonly page: 'scenes'; readonly region: string; readonly listPage: number }
  | { readonly page: 'scene'; readonly slug: string }
  | { readonly page: 'talent' }
  | { readonly page: 'artist'; readonly slug: string }
  | { readonly page: 'unknown'; readonly path: string };

/** The route of a location hash (`#/scenes/indie-uk-brighton`, `#/scenes?region=uk&page=2`). */
export function routeOf(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = (q < 0 ? raw : raw.slice(0, q)).replace(/\/+$/, '');
  const [head = '', slug, ...rest] = path.split('/');
  const decoded = slug === undefined ? undefined : safeDecode(slug);
  if (rest.length === 0) {
    if (head === '' || (head === 'scenes' && decoded === undefined)) {
      const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
      const listPage = Number(query.get('page'));
      return {
        page: 'scenes',
        // Region codes are lower case (the catalog refuses others); the page shows them in
        // upper case, so a reader typing `UK` into the hash means `uk`.
        region: (query.get('region') ?? '').toLowerCase(),
        listPage: Number.isSafeInteger(listPage) && listPage >= 1 ? listPage : 1,
      };
    }
    if (head === 'talent' && decoded === undefined) return { page: 'talent' };
    if (head === 'scenes' && decoded) return { page: 'scene', slug: decoded };
    if (head === 'artists' && decoded) return { page: 'artist', slug: decoded };
  }
  return { page: 'unknown', path };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The hash of the scenes list with its filter and page (`#/scenes` for all regions, page 1). */
function scenesHash(region: string, listPage: number): string {
  const query = new URLSearchParams();
  if (region) query.set('region', region);
  if (listPage > 1) query.set('page', String(listPage));
  const text = query.toString();
  return text ? `#/scenes?${text}` : '#/scenes';
}

/** The whole dashboard with its own navigation. */
export class SceneRadarAppElement extends RadarElement {
  static override properties = { ...RadarElement.properties, route: { state: true } };
  /** The page shown (from the location hash). */
  declare route: Route;
  #navigated = false;
  readonly #onHash = (): void => {
    this.route = routeOf(location.hash);
    this.#navigated = true;
  };
  // The list's region or page changed: the hash follows (replaced, not pushed, so Back still
  // leaves the list; no hashchange, so focus stays where the reader is).
  readonly #onListState = (event: Event): void => {
    const list = event.currentTarget as { region?: unknown; page?: unknown } | null;
    if (this.route.page !== 'scenes' || !list) return;
    const region = typeof list.region === 'string' ? list.region : '';
    const listPage = typeof list.page === 'number' && Number.isSafeInteger(list.page) && list.page >= 1 ? list.page : 1;
    this.route = { page: 'scenes', region, listPage };
    history.replaceState(history.state, '', scenesHash(region, listPage));
  };

  constructor() {
    super();
    this.route = routeOf(typeof location === 'undefined' ? '' : location.hash);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.#onHash);
    this.route = routeOf(location.hash);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.#onHash);
  }

  protected override updated(): void {
    // Move focus to the new page for keyboard and screen-reader users, as a page load would.
    if (this.#navigated) {
      this.#navigated = false;
      this.renderRoot.querySelector<HTMLElement>('main')?.focus({ preventScroll: false });
    }
  }

  protected override render(): TemplateResult {
    const section = this.route.page === 'talent' || this.route.page === 'artist' ? 'talent' : 'scenes';
    const tab = (id: string, label: string) =>
      html`<a href="#/${id}" aria-current=${section === id ? 'page' : 'false'} class="tab">${label}</a>`;
    return html`<style>
        header.top {
          display: flex;
          align-items: center;
          gap: 1.5rem;
          flex-wrap: wrap;
          padding: 0.75rem 0;
          margin-bottom: 1rem;
          border-bottom: 1px solid var(--_line);
        }
        header.top h1 {
          font-size: 1.2rem;
          margin: 0;
        }
        nav.tabs {
          display: flex;
          gap: 0.25rem;
        }
        .tab {
          padding: 0.35rem 0.8rem;
          border-radius: 6px;
          text-decoration: none;
        }
        .tab[aria-current='page'] {
          background: var(--_accent);
          color: #fff;
        }
        main:focus {
          outline: none;
        }
        main > * + * {
          margin-top: 1rem;
        }
      </style>
      <header class="top">
        <h1>scene-radar</h1>
        <nav class="tabs" aria-label="Dashboard">${tab('scenes', 'Scenes')} ${tab('talent', 'Talent')}</nav>
      </header>
      <main tabindex="-1">${this.#page()}</main>`;
  }

  #page(): TemplateResult {
    const r = this.route;
    switch (r.page) {
      case 'scenes':
        return html`<scene-radar-scene-pulse .base=${this.base}></scene-radar-scene-pulse>
          <scene-radar-scene-list
            .base=${this.base}
            .region=${r.region}
            .page=${r.listPage}
            @sr-page=${this.#onListState}
            @sr-region=${this.#onListState}
          ></scene-radar-scene-list>`;
      case 'scene':
        return html`<scene-radar-scene .base=${this.base} .slug=${r.slug}></scene-radar-scene>`;
      case 'talent':
        return html`<scene-radar-talent-pulse .base=${this.base}></scene-radar-talent-pulse>
          <scene-radar-top-artists .base=${this.base}></scene-radar-top-artists>`;
      case 'artist':
        return html`<scene-radar-artist .base=${this.base} .slug=${r.slug}></scene-radar-artist>`;
      default:
        return notFoundPanel('page', r.path, { href: '#/scenes', label: 'Go to the scenes' });
    }
  }
}
