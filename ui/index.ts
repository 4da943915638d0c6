/**
 * @module ui
 * `scene-radar/ui`: the dashboard as framework-agnostic web components (Lit and uPlot bundled,
 * no CDN). They read the API kit's routes under a base path (`/api` unless told) and nothing else.
 * Importing the module in a browser defines the elements; `defineSceneRadarUi()` does it
 * explicitly (for bundlers that drop side effects, or a scoped registry).
 * @example
 * ```html
 * <script type="module" src="/ui/scene-radar-ui.js"></script>
 * <scene-radar-app base="/api"></scene-radar-app>
 * ```
 */
import { SceneRadarAppElement } from './app.js';
import { ArtistPageElement } from './artist-page.js';
import { ScenePageElement } from './scene-page.js';
import { SceneListElement } from './scene-list.js';
import { ScenePulseListsElement } from './scene-pulse-lists.js';
import { TalentPulseElement } from './talent-pulse.js';
import { TopArtistsElement } from './top-artists.js';
import { TrendChartElement } from './trend-chart.js';

const ELEMENTS: Readonly<Record<SceneRadarUiTag, CustomElementConstructor>> = {
  'scene-radar-app': SceneRadarAppElement,
  'scene-radar-scene-list': SceneListElement,
  'scene-radar-scene-pulse': ScenePulseListsElement,
  'scene-radar-scene': ScenePageElement,
  'scene-radar-trend-chart': TrendChartElement,
  'scene-radar-talent-pulse': TalentPulseElement,
  'scene-radar-top-artists': TopArtistsElement,
  'scene-radar-artist': ArtistPageElement,
};

/** The tag names of the dashboard's elements. */
export type SceneRadarUiTag =
  | 'scene-radar-app'
  | 'scene-radar-scene-list'
  | 'scene-radar-scene-pulse'
  | 'scene-radar-scene'
  | 'scene-radar-trend-chart'
  | 'scene-radar-talent-pulse'
  | 'scene-radar-top-artists'
  | 'scene-radar-artist';

/** Every tag {@link defineSceneRadarUi} defines. */
export const SCENE_RADAR_UI_TAGS: readonly SceneRadarUiTag[] = Object.keys(ELEMENTS) as SceneRadarUiTag[];

/**
 * Defines every element of the dashboard in `registry` (tags already defined are left alone, so
 * calling it twice is harmless).
 * @param registry - Where to define them. @default the window's `customElements`
 * @example
 * ```ts
 * import { defineSceneRadarUi } from 'scene-radar/ui';
 * defineSceneRadarUi();
 * ```
 */
export function defineSceneRadarUi(registry: CustomElementRegistry = customElements): void {
  for (const [tag, element] of Object.entries(ELEMENTS)) if (!registry.get(tag)) registry.define(tag, element);
}

/** Options of {@link mountSceneRadarDashboard}. */
export interface MountOptions {
  /** Where the API kit's routes are mounted. @default '/api' */
  readonly base?: string;
}

/**
 * Appends a `<scene-radar-app>` (the whole dashboard) to `target` and returns it.
 * @param target - The host element to mount into.
 * @param options - The API's base path.
 * @example
 * ```ts
 * import { mountSceneRadarDashboard } from 'scene-radar/ui';
 * mountSceneRadarDashboard(document.querySelector('#radar')!, { base: '/radar/api' });
 * ```
 */
export function mountSceneRadarDashboard(target: Element, options: MountOptions = {}): HTMLElement {
  defineSceneRadarUi();
  const app = document.createElement('scene-radar-app');
  app.setAttribute('base', options.base ?? '/api');
  target.append(app);
  return app;
}

if (typeof customElements !== 'undefined') defineSceneRadarUi();
