/**
 * @module ui/states
 * The designed states every element shares: a skeleton that takes the room of the content, an
 * error panel (the envelope's message, code and request id, and a Retry), an empty panel that
 * says what to do, a not-found panel, and the degraded banner that names failing or stale sources.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ApiFailure } from './client.js';

/** A table body of `rows` skeleton rows of `cols` cells, each the height of a real row. */
export function skeletonRows(rows: number, cols: number): TemplateResult {
  return html`${Array.from(
    { length: rows },
    () =>
      html`<tr aria-hidden="true">${Array.from({ length: cols }, () => html`<td><span class="skeleton"></span></td>`)}</tr>`,
  )}`;
}

/** A list of `rows` skeleton rows (for `ul.rows`). */
export function skeletonList(rows: number): TemplateResult {
  return html`<ul class="rows" aria-hidden="true">
    ${Array.from({ length: rows }, () => html`<li><span class="skeleton" style="width:70%"></span></li>`)}
  </ul>`;
}

/** A block of skeleton lines `height` tall (a chart, a paragraph). */
export function skeletonBlock(height: string): TemplateResult {
  return html`<div aria-hidden="true" style="height:${height};display:grid;gap:.6rem;align-content:start">
    <span class="skeleton" style="width:60%"></span><span class="skeleton" style="width:85%"></span
    ><span class="skeleton" style="width:40%"></span>
  </div>`;
}

/** The busy marker for assistive technology while a part loads. */
export function loadingNote(what: string): TemplateResult {
  return html`<p class="sr-only" role="status">Loading ${what}…</p>`;
}

/** The error panel: what the API said, its code and request id, and a Retry button. */
export function errorPanel(failure: ApiFailure, retry: () => void, what: string): TemplateResult {
  return html`<div class="state error" role="alert" data-state="error">
    <p class="title"><strong>Could not load ${what}</strong></p>
    <p>${failure.message}</p>
    ${
      failure.retryAfterS !== null
        ? html`<p class="small" data-retry-after>The API asked to wait ${failure.retryAfterS} s before trying again.</p>`
        : nothing
    }
    ${
      failure.status >= 500 && failure.requestId
        ? html`<p class="small">The server logged the cause under the request id below: quote it when you report this.</p>`
        : failure.status >= 500
          ? html`<p class="small">No request id came back: a proxy or gateway in front of the API may have failed, or the API is down.</p>`
          : failure.status === 0
            ? html`<p class="small">Check that the API is running and that the dashboard's <code>base</code> points at it.</p>`
            : nothing
    }
    <p class="small muted">
      Error <code>${failure.code}</code>${failure.status ? html` (HTTP ${failure.status})` : nothing}${
        failure.requestId ? html` · request id <code data-request-id>${failure.requestId}</code>` : nothing
      }
    </p>
    <button type="button" @click=${retry}>Retry</button>
  </div>`;
}

/** The empty panel: what is missing and what to do about it. */
export function emptyPanel(title: string, todo: string | TemplateResult): TemplateResult {
  return html`<div class="state" role="status" data-state="empty">
    <p class="title"><strong>${title}</strong></p>
    <p>${todo}</p>
  </div>`;
}

/** The not-found panel, with a way back. */
export function notFoundPanel(what: string, slug: string, back: { href: string; label: string }): TemplateResult {
  return html`<div class="state" role="alert" data-state="not-found">
    <h2>No ${what} called “${slug}”</h2>
    <p>Check the address, or pick one from the list.</p>
    <p><a href=${back.href}>${back.label}</a></p>
  </div>`;
}

/** The degraded banner: sources failing or stale, by name; nothing when `items` is empty. */
export function degradedBanner(title: string, items: readonly string[]): TemplateResult | typeof nothing {
  if (items.length === 0) return nothing;
  return html`<div class="banner" role="status" data-state="degraded">
    <strong>${title}</strong>
    <ul>
      ${items.map((item) => html`<li>${item}</li>`)}
    </ul>
  </div>`;
}
