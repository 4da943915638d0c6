/**
 * @module ui/styles
 * The shared look: CSS custom properties a host can override (`--sr-accent`, `--sr-font`...), and
 * fixed row heights so that a skeleton takes exactly the room of the content it stands for (no
 * layout jump when the data arrives). Colours pass WCAG AA contrast on the default background.
 */
import { css } from 'lit';

/** Styles every element of the dashboard shares. */
export const sharedStyles = css`
  :host {
    --_fg: var(--sr-fg, #1b1b24);
    --_muted: var(--sr-muted, #4d4d5c);
    --_bg: var(--sr-bg, #ffffff);
    --_panel: var(--sr-panel, #f6f6f9);
    --_line: var(--sr-line, #d5d5de);
    --_accent: var(--sr-accent, #0a58a8);
    --_up: var(--sr-up, #17693f);
    --_down: var(--sr-down, #a8231b);
    --_warn-bg: var(--sr-warn-bg, #fff4d6);
    --_warn-fg: var(--sr-warn-fg, #5c3d00);
    --_row: 2.75rem;
    display: block;
    color: var(--_fg);
    font: 15px/1.45 var(--sr-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
  }
  * {
    box-sizing: border-box;
  }
  h2,
  h3 {
    margin: 0 0 0.5rem;
    line-height: 1.25;
  }
  /* A name without a break (up to 256 characters) wraps instead of widening the page; break-word,
     not anywhere: a figure in a flex row beside a long name is not split across two lines. */
  h2,
  h3,
  li,
  p {
    overflow-wrap: break-word;
  }
  h2 {
    font-size: 1.25rem;
  }
  h3 {
    font-size: 1rem;
  }
  a {
    color: var(--_accent);
  }
  a:focus-visible,
  button:focus-visible,
  select:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  button,
  select {
    font: inherit;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_muted);
    border-radius: 6px;
    padding: 0.3rem 0.75rem;
    min-height: 2.25rem;
    cursor: pointer;
  }
  button[disabled] {
    cursor: default;
    color: var(--_muted);
    border-color: var(--_line);
  }
  .card {
    background: var(--_bg);
    border: 1px solid var(--_line);
    border-radius: 10px;
    padding: 1rem;
  }
  .muted {
    color: var(--_muted);
  }
  .small {
    font-size: 0.85rem;
  }
  .grid {
    display: grid;
    gap: 1rem;
    grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr));
  }
  .grid.scores {
    grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr));
  }
  table {
    width: 100%;
    border-collapse: collapse;
    /* Fixed: the colgroup widths hold, and a long name is cut with an ellipsis instead of pushing
       the figures out of the card. */
    table-layout: fixed;
  }
  th,
  td {
    text-align: left;
    padding: 0 0.5rem;
    height: var(--_row);
    border-bottom: 1px solid var(--_line);
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  th {
    font-size: 0.8rem;
    text-transform: uppercase;
    letter-spacing: 0.03em;
    color: var(--_muted);
  }
  td.num,
  th.num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  ul.rows {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  ul.rows > li {
    height: var(--_row);
    display: flex;
    align-items: center;
    gap: 0.5rem;
    border-bottom: 1px solid var(--_line);
    overflow: hidden;
  }
  ul.rows > li > .grow {
    flex: 1;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .up {
    color: var(--_up);
  }
  .down {
    color: var(--_down);
  }
  .pill {
    display: inline-block;
    padding: 0 0.5rem;
    border-radius: 999px;
    background: var(--_panel);
    border: 1px solid var(--_line);
    font-size: 0.8rem;
  }
  .skeleton {
    display: block;
    height: 0.9rem;
    border-radius: 4px;
    background: linear-gradient(90deg, #ececf1 25%, #f6f6f9 50%, #ececf1 75%);
    background-size: 200% 100%;
    animation: shimmer 1.2s infinite linear;
  }
  @keyframes shimmer {
    to {
      background-position: -200% 0;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .skeleton {
      animation: none;
    }
  }
  .state {
    border-radius: 10px;
    padding: 1rem;
    border: 1px solid var(--_line);
    background: var(--_panel);
  }
  .state > p:first-child {
    margin-top: 0;
  }
  .state > p:last-child {
    margin-bottom: 0;
  }
  .state.error {
    border-color: var(--_down);
    background: #fdf0ef;
  }
  .banner {
    border-radius: 8px;
    padding: 0.6rem 0.9rem;
    margin: 0 0 1rem;
    background: var(--_warn-bg);
    color: var(--_warn-fg);
    border: 1px solid #e0b84c;
  }
  .banner ul {
    margin: 0.25rem 0 0;
    padding-left: 1.2rem;
  }
  .bar {
    position: relative;
    height: 0.75rem;
    background: var(--_panel);
    border-radius: 3px;
    overflow: hidden;
  }
  .bar > span {
    position: absolute;
    top: 0;
    bottom: 0;
    border-radius: 3px;
  }
  .pager {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    margin-top: 0.75rem;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
