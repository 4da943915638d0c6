/**
 * @module ui/artist-page
 * `<scene-radar-artist>`: one artist's radar profile (`GET /talent/artists/{slug}`): momentum,
 * breakout chance and risk, each with its signals in words and as bars; opportunities and risks;
 * similar artists with the reason; trajectory; confidence and the sources that were missing.
 */
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { ArtistProfile, ProfileItem, SignalContribution } from '../src/talent/schemas.js';
import { RadarElement } from './radar-element.js';
import { Resource } from './resource.js';
import { slugNotFound } from './client.js';
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
  effectWords,
  floorShown,
  isolated,
  num,
  pct,
  pctDown,
  sceneTitle,
  signalLabel,
  signalMeaning,
  sourceLabel,
  titleOf,
  when,
} from './words.js';

const BAND_WORDS: Readonly<Record<string, string>> = {
  rising: 'rising',
  stable: 'holding steady',
  declining: 'declining',
  high: 'high',
  medium: 'medium',
  low: 'low',
};

/** `182` days -> `about six months`. */
function horizonWords(days: number): string {
  const months = Math.round(days / 30.4);
  if (months >= 2) return `about ${months} months`;
  return `${Math.round(days)} days`;
}

/** An artist's profile page. */
/** The two first reasons of a similar artist, plus its unknown sound when that is said (it comes last). */
function similarReasons(reasons: readonly string[]): string[] {
  const shown = reasons.slice(0, 2);
  const unknown = reasons.find((r) => r.startsWith('sound unknown'));
  if (unknown !== undefined && !shown.includes(unknown)) shown.push(unknown);
  return shown;
}

export class ArtistPageElement extends RadarElement {
  static override properties = { ...RadarElement.properties, slug: { type: String } };
  /** The artist (attribute `slug`). */
  declare slug: string;

  readonly #profile = new Resource<ArtistProfile>(this);

  constructor() {
    super();
    this.slug = '';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.slug && (changed.has('base') || changed.has('slug')))
      this.#profile.run((signal) =>
        this.fetchData<ArtistProfile>(`/talent/artists/${encodeURIComponent(this.slug)}`, {}, signal),
      );
  }

  protected override render(): TemplateResult {
    const state = this.#profile.state;
    const back = { href: this.pageHref('talent'), label: 'Back to the talent pulse' };
    if (state.kind === 'failed') {
      if (slugNotFound(state.failure, this.slug)) return notFoundPanel('artist', this.slug, back);
      if (state.failure.code === 'TALENT_INSUFFICIENT_DATA')
        return emptyPanel(
          `Not enough evidence to score ${titleOf(this.slug)} yet`,
          `${state.failure.message} Scores appear once the sources hold enough history for this artist (plug in more sources, or wait for the next refresh).`,
        );
      return errorPanel(state.failure, () => this.#profile.retry(), `the artist “${this.slug}”`);
    }
    const p = state.kind === 'ready' ? state.data : null;
    return html`<p class="small"><a href=${back.href}>← Talent pulse</a></p>
      ${p ? this.#header(p) : html`${loadingNote('the artist')}<div style="height:4.5rem">${skeletonBlock('3.5rem')}</div>`}
      ${p ? degradedBanner('Some sources were missing for this artist', this.#missing(p)) : nothing}
      <div class="grid scores">${p ? this.#scores(p) : [1, 2, 3, 4].map(() => html`<section class="card" style="min-height:9rem">${skeletonBlock('7rem')}</section>`)}</div>
      <div class="grid" style="margin-top:1rem">
        ${this.#items('Opportunities', 'opportunities', p?.opportunities ?? null, 'No clear opportunity right now.')}
        ${this.#items('Risks', 'risks', p?.risks ?? null, 'No notable risk right now.')}
        <section class="card" aria-labelledby="similar-title">
          <h3 id="similar-title">Similar artists</h3>
          ${p ? this.#similar(p) : skeletonList(5)}
        </section>
      </div>
      ${p ? this.#explanations(p) : html`<div style="margin-top:1rem">${skeletonBlock('20rem')}</div>`}`;
  }

  #header(p: ArtistProfile): TemplateResult {
    const a = p.artist;
    return html`<header style="min-height:4.5rem">
      <h2>${titleOf(a.artist_slug)}</h2>
      <p class="muted">
        ${a.scene_slug ? html`Scene <a href=${this.sceneHref(a.scene_slug)}>${sceneTitle(a.scene_slug)}</a> · ` : nothing}
        ${a.microgenres.length ? a.microgenres.join(', ') : 'no microgenre yet'}
      </p>
    </header>`;
  }

  /** The sources that did not answer for this artist, by name and reason. */
  #missing(p: ArtistProfile): string[] {
    const lines: string[] = [];
    for (const [read, outcome] of Object.entries(p.explanation.sources)) {
      if (outcome.status === 'ok' || outcome.status === 'missing') continue;
      const why =
        outcome.status === 'absent' ? 'not configured' : outcome.status === 'timeout' ? 'timed out' : 'failed';
      lines.push(`${sourceLabel(read)}: ${why}${outcome.reason ? ` (${isolated(outcome.reason)})` : ''}`);
    }
    // The host's own features: a failed one counts as missing in the breakout score.
    for (const [name, outcome] of Object.entries(p.explanation.hostFeatures ?? {})) {
      if (outcome.status !== 'error' && outcome.status !== 'timeout') continue;
      const why = outcome.status === 'timeout' ? 'timed out' : 'failed';
      lines.push(
        `host feature ${isolated(name)}: ${why}${outcome.reason ? ` (${isolated(outcome.reason)})` : ''}; missing from the breakout score`,
      );
    }
    const sound = p.explanation.similarSound;
    if (sound)
      lines.push(
        `similar artists' sound (CMG fingerprints): ${sound.status === 'timeout' ? 'timed out' : 'failed'}${sound.reason ? ` (${isolated(sound.reason)})` : ''}; their similarity leaves the sound out`,
      );
    return lines;
  }

  #scores(p: ArtistProfile): TemplateResult[] {
    const a = p.artist;
    const t = p.trajectory;
    const e = p.explanation;
    const card = (id: string, title: string, figure: string, words: string, detail: string) =>
      html`<section class="card" aria-labelledby="score-${id}" style="min-height:9rem" data-score=${id}>
        <h3 id="score-${id}">${title}</h3>
        <p style="font-size:1.8rem;font-weight:600;margin:0">${figure}</p>
        <p style="margin:.25rem 0"><strong>${words}</strong></p>
        <p class="small muted" style="margin:0">${detail}</p>
      </section>`;
    const sources = Object.values(e.sources);
    // An answer is any read that came back: `missing` is the source saying it does not know the
    // artist; a read that failed, timed out or has no source configured is not one.
    const answered = sources.filter((s) => s.status === 'ok' || s.status === 'missing').length;
    return [
      card(
        'momentum',
        'Momentum',
        // Rounded down, as the breakout and risk figures: 69.93 beside "holding steady" (rising from 70) reads 69.
        `${floorShown(a.momentum)} / 100`,
        `Momentum is ${BAND_WORDS[t.momentum] ?? t.momentum}`,
        `How fast the artist is growing now, against peers of a similar size${e.momentum.peers === 'prior' ? ' (no peer population yet: provisional)' : ''}.`,
      ),
      card(
        'breakout',
        'Breakout chance',
        pctDown(a.breakout_score),
        `Breakout potential is ${BAND_WORDS[t.breakoutPotential] ?? t.breakoutPotential}`,
        `Chance of ${e.breakout.event.replace(/ within .*$/, '')} within ${horizonWords(e.breakout.horizonDays)}${e.breakout.peers === 'prior' ? ' (no peer population yet: provisional)' : ''}.`,
      ),
      card(
        'risk',
        'Risk',
        pctDown(a.risk_score),
        `Risk is ${BAND_WORDS[t.riskLevel] ?? t.riskLevel}`,
        'How likely the current picture is misleading or turning: decline, drift, paid or uncorroborated growth.',
      ),
      html`<section class="card" aria-labelledby="score-confidence" style="min-height:9rem" data-score="confidence">
        <h3 id="score-confidence">Confidence</h3>
        <p style="font-size:1.8rem;font-weight:600;margin:0">${pct(e.confidence)}</p>
        <p style="margin:.25rem 0"><strong>evidence available and length of history</strong></p>
        <p class="small muted" style="margin:0">
          ${answered} of ${sources.length} source reads answered · as of ${when(e.asOf)} · model ${e.model_version}
        </p>
      </section>`,
    ];
  }

  #items(title: string, id: string, items: readonly ProfileItem[] | null, none: string): TemplateResult {
    return html`<section class="card" aria-labelledby="items-${id}">
      <h3 id="items-${id}">${title}</h3>
      ${
        items === null
          ? skeletonList(3)
          : items.length === 0
            ? html`<p class="muted">${none}</p>`
            : html`<ul style="margin:0;padding-left:1.1rem;display:grid;gap:.4rem" data-list=${id}>
              ${items.map((i) => html`<li>${i.description} <span class="small muted">(${pctDown(i.score)})</span></li>`)}
            </ul>`
      }
    </section>`;
  }

  #similar(p: ArtistProfile): TemplateResult {
    if (p.similarArtists.length === 0)
      return html`<p class="muted">No similar artist found yet: similarity needs releases, scenes or collaborators in common.</p>`;
    return html`<ul class="rows" data-list="similar">
      ${p.similarArtists.map(
        (s) => html`<li style="height:auto;min-height:var(--_row);padding:.3rem 0">
          <span class="grow" style="white-space:normal"
            ><a href=${this.artistHref(s.artist_slug)}>${titleOf(s.artist_slug)}</a>
            <span class="small muted">${similarReasons(s.reasons).join('; ')}</span></span
          >
          <span class="num">${pct(s.similarity)}</span>
        </li>`,
      )}
    </ul>`;
  }

  #explanations(p: ArtistProfile): TemplateResult {
    const e = p.explanation;
    return html`<section class="card" aria-labelledby="why-title" style="margin-top:1rem">
      <h3 id="why-title">Why the scores are what they are</h3>
      <div class="grid">
        ${this.#signals('momentum', 'Momentum', e.momentum.signals, 'up')}
        ${this.#signals('breakout', 'Breakout chance', e.breakout.signals, 'up')}
        ${this.#signals('risk', 'Risk', e.risk.signals, 'risk')}
      </div>
    </section>`;
  }

  #signals(id: string, title: string, signals: readonly SignalContribution[], kind: 'up' | 'risk'): TemplateResult {
    const strongest = Math.max(0, ...signals.map((s) => Math.abs(s.contribution)));
    const ordered = [...signals].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
    return html`<div data-explain=${id}>
      <h4 style="margin:.25rem 0 .5rem">${title}</h4>
      <ul style="list-style:none;margin:0;padding:0;display:grid;gap:.55rem">
        ${ordered.map((s) => {
          const share = strongest > 0 ? Math.abs(s.contribution) / strongest : 0;
          const good = kind === 'risk' ? s.contribution < 0 : s.contribution > 0;
          // A signal with no value (no evidence, or its source failed: the banner names which) is
          // not judged: "barely matters" would describe a value nobody read.
          const words =
            s.raw === null && s.normalized === null
              ? `${signalLabel(s.signal)}: no data`
              : `${signalLabel(s.signal)} ${effectWords(s.contribution, strongest, kind)}`;
          return html`<li>
            <div>${words}</div>
            <div class="bar" role="img" aria-label=${words}>
              <span
                style="${s.contribution >= 0 ? 'left:50%' : `right:50%`};width:${share * 50}%;background:${
                  good ? 'var(--_up)' : 'var(--_down)'
                }"
              ></span>
            </div>
            <div class="small muted">
              ${signalMeaning(s.signal)}${signalMeaning(s.signal) ? ' · ' : ''}${sourceLabel(s.source)} · value
              ${num(s.raw ?? Number.NaN, 2)}
            </div>
          </li>`;
        })}
      </ul>
    </div>`;
  }
}
