/**
 * @module ui/radar-element
 * The base of every dashboard element: the `base` attribute (where the API kit's routes live,
 * `/api` unless told), the shared styles, and the links between pages. Links are hash routes
 * (`#/scenes/<slug>`, `#/artists/<slug>`), which `<scene-radar-app>` follows; a host that mounts
 * single elements can set `link-prefix` to route them its own way.
 */
import { LitElement, type PropertyValues } from 'lit';
import { getData, type Query } from './client.js';
import { sharedStyles } from './styles.js';

/** The API's base path when none is given. */
export const DEFAULT_BASE = '/api';

/** The base class of the dashboard's elements (see the module note). */
export class RadarElement extends LitElement {
  static override styles = [sharedStyles];
  static override properties = {
    base: { type: String },
    linkPrefix: { type: String, attribute: 'link-prefix' },
  };
  /** Where the API kit's routes are mounted (attribute `base`). @default '/api' */
  declare base: string;
  /** What links start with (attribute `link-prefix`). @default '#/' */
  declare linkPrefix: string;

  constructor() {
    super();
    this.base = DEFAULT_BASE;
    this.linkPrefix = '#/';
  }

  /** A Retry pressed from the keyboard whose panel went away while the data loads again. */
  #retryFocus = false;

  /**
   * Keeps a keyboard user's focus in the element across a render: a pager button that becomes
   * disabled (the last page reached) hands focus to the pager's other button, and a Retry whose
   * error panel gave way to loading hands it to the next Retry if the load fails again (else
   * focus is left where the reader moves it). Without this, Chromium drops focus to the page.
   */
  protected override update(changed: PropertyValues): void {
    const root = this.renderRoot as ShadowRoot | undefined;
    const before = root?.activeElement as HTMLElement | null | undefined;
    const pager = before?.tagName === 'BUTTON' ? before.closest('nav.pager') : null;
    const retry = before?.tagName === 'BUTTON' && before.closest('.state.error') !== null;
    super.update(changed);
    if (!root) return;
    if (pager && before && ((before as HTMLButtonElement).disabled || !before.isConnected)) {
      const other = Array.from(pager.querySelectorAll('button')).find((b) => !b.disabled);
      other?.focus();
    }
    if (retry && before && !before.isConnected) this.#retryFocus = true;
    else if (this.#retryFocus) {
      const again = root.querySelector<HTMLButtonElement>('.state.error button');
      if (again) {
        again.focus();
        this.#retryFocus = false;
      } else if (!root.querySelector('[role="status"]')) this.#retryFocus = false;
    }
  }

  /** GETs a route under {@link RadarElement.base} and returns its `data`. */
  protected fetchData<T>(path: string, query: Query, signal: AbortSignal): Promise<T> {
    return getData<T>(this.base, path, query, signal);
  }

  /** The link to a scene's page. */
  protected sceneHref(slug: string): string {
    return `${this.linkPrefix}scenes/${encodeURIComponent(slug)}`;
  }

  /** The link to an artist's page. */
  protected artistHref(slug: string): string {
    return `${this.linkPrefix}artists/${encodeURIComponent(slug)}`;
  }

  /** The link to a top-level page (`scenes`, `talent`). */
  protected pageHref(page: string): string {
    return `${this.linkPrefix}${page}`;
  }
}
