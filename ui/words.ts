/**
 * @module ui/words
 * Numbers and signals in words a music person reads: what each explained signal means, which
 * source it came from, and which way it pushed the score. The API's names (`engagement_growth`,
 * `fusion`) stay visible in small print for the analyst; the sentence comes first.
 */

/** A signal's name in words, and what it measures. */
interface SignalWords {
  readonly label: string;
  readonly meaning: string;
}

const SIGNALS: Readonly<Record<string, SignalWords>> = {
  // Scene heat.
  member_momentum: { label: "Members' listening growth", meaning: 'how fast the scene’s artists are growing' },
  rising_members: { label: 'Members on the rise', meaning: 'share of members whose momentum is rising' },
  new_members: { label: 'New artists joining', meaning: 'artists who joined the scene recently' },
  tastemaker_activity: { label: 'Tastemaker attention', meaning: 'new links from curators, DJs and press' },
  // Momentum.
  engagement_growth: { label: 'Audience growth', meaning: 'daily listening against a month earlier' },
  engagement_acceleration: { label: 'Growth speeding up', meaning: 'whether growth is speeding up or slowing' },
  event_growth: { label: 'Buzz events', meaning: 'playlist adds, radio plays, chart entries, social spikes' },
  press_velocity: { label: 'Press pace', meaning: 'how fast articles are arriving' },
  // Breakout.
  level_now: { label: 'Audience today', meaning: 'daily listening and events now' },
  level_month: { label: 'Audience this month', meaning: 'listening over the last month' },
  growth_month: { label: 'Growth this month', meaning: 'change over the last month' },
  growth_quarter: { label: 'Growth this quarter', meaning: 'change over the last three months' },
  acceleration: { label: 'Growth speeding up', meaning: 'recent growth against earlier growth' },
  peak: { label: 'Best moment so far', meaning: 'the highest point reached' },
  staying_power: { label: 'Staying power', meaning: 'how long a rise holds' },
  staying_year: { label: 'Staying power over a year', meaning: 'how long a rise holds over a year' },
  presence_year: { label: 'Presence over the year', meaning: 'how much of the past year the artist was around' },
  recency: { label: 'Recent activity', meaning: 'how recent the last activity is' },
  career_age: { label: 'Career stage', meaning: 'time since the debut' },
  breadth: { label: 'Breadth of support', meaning: 'regions (markets) where its events happen' },
  spread: { label: 'Reach across regions', meaning: 'new regions its events reached in the window' },
  new_collaborators: { label: 'New collaborators', meaning: 'artists worked with recently' },
  new_tastemakers: { label: 'New tastemaker links', meaning: 'curators, DJs and writers newly connected' },
  press: { label: 'Press', meaning: 'articles and the quality of the outlets' },
  scene_heat: { label: 'Heat of their scene', meaning: 'how hot the artist’s scene is' },
  // Risk.
  decline: { label: 'Falling listening', meaning: 'listening and events going down' },
  incoherence: { label: 'Identity mismatch', meaning: 'profiles across platforms that do not line up' },
  drift: { label: 'Sound drifting', meaning: 'releases moving away from the artist’s core sound' },
  paid_dependence: { label: 'Reliance on paid campaigns', meaning: 'share of engagement that is paid' },
  anomaly: { label: 'Uncorroborated spikes', meaning: 'spikes with no press or tastemaker behind them' },
  stale_data: { label: 'Out-of-date data', meaning: 'how old the freshest data is' },
};

const SOURCES: Readonly<Record<string, string>> = {
  mig: 'MIG (industry graph)',
  cmg: 'CMG (creative graph)',
  fusion: 'Fusion (campaigns and engagement)',
  coverage: 'Coverage (press)',
  rcf: 'RCF (real-time feed)',
  identityKernel: 'IdentityKernel (identity)',
  scenes: 'Scenes Engine',
  // The Talent Radar's reads, per artist.
  record: 'artist record (MIG)',
  network: 'industry network (MIG)',
  releases: 'releases (CMG)',
  campaigns: 'campaigns (Fusion)',
  engagement: 'engagement (Fusion)',
  articles: 'press articles (Coverage)',
  events: 'real-time events (RCF)',
  coherence: 'identity coherence (IdentityKernel)',
  memberships: 'scene memberships (Scenes)',
  scenePulse: 'scene pulse (Scenes)',
};

/** `new_tastemakers` -> `New tastemakers`: the fallback for a host's own signals. */
function humanise(name: string): string {
  const words = name
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A signal's label in words (`engagement_growth` -> `Audience growth`). */
export function signalLabel(signal: string): string {
  return SIGNALS[signal]?.label ?? humanise(signal);
}

/** What a signal measures, in a few words ('' for a host's own signal). */
export function signalMeaning(signal: string): string {
  return SIGNALS[signal]?.meaning ?? '';
}

/** A source's name in words (`fusion` -> `Fusion (campaigns and engagement)`); `a+b` and `a|b` join. */
export function sourceLabel(source: string): string {
  const parts = source.split(/[+|]/);
  if (parts.length > 1) return parts.map((p) => (SOURCES[p] ?? p).replace(/ \(.*\)$/, '')).join(' + ');
  return SOURCES[source] ?? source;
}

/** How strongly a contribution moved its score, relative to the strongest one of the same score. */
export function effectWords(contribution: number, strongest: number, kind: 'up' | 'risk'): string {
  const share = strongest > 0 ? Math.abs(contribution) / strongest : 0;
  if (share < 0.05) return 'barely matters';
  const size = share > 0.6 ? 'strongly' : share > 0.25 ? 'clearly' : 'slightly';
  if (kind === 'risk') return contribution > 0 ? `${size} adds to the risk` : `${size} lowers the risk`;
  return contribution > 0 ? `${size} pushes it up` : `${size} holds it back`;
}

/** A number with at most `digits` decimals, grouped (`12,165`). */
export function num(value: number, digits = 0): string {
  // `signDisplay: 'negative'`: a value that rounds to zero (-0.001 at 2 digits, -0) reads 0, not -0.
  return Number.isFinite(value)
    ? value.toLocaleString('en', { maximumFractionDigits: digits, signDisplay: 'negative' })
    : '–';
}

/** A 0-1 share as a whole percentage (`0.72` -> `72%`). */
export function pct(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const shown = Math.round(value * 100);
  // A share that is not nothing (or not all) never reads as 0% (or 100%): one snapshot in a year.
  if (shown === 0 && value > 0) return '<1%';
  if (shown === 100 && value < 1) return '>99%';
  return `${shown}%`;
}

/**
 * A 0-1 score as a whole percentage rounded down (`0.69996` -> `69%`): beside a band that starts at
 * a whole percentage (70%), the figure never reads as the band above the one named.
 */
export function pctDown(value: number): string {
  return Number.isFinite(value) ? `${floorShown(value * 100)}%` : '–';
}

/**
 * `x` rounded down to a whole number, but a whole number `x` misses only by floating point
 * (`0.29 * 100` is 28.999999999999996) is that number: 69.99996 -> 69, 28.999999999999996 -> 29.
 */
export function floorShown(x: number): number {
  const whole = Math.round(x);
  // Float noise only (a few units in the last place): a score a hair below a band stays below it.
  return Math.abs(x - whole) <= 8 * Number.EPSILON * Math.max(1, Math.abs(x)) ? whole : Math.floor(x);
}

/**
 * A growth rate as a signed percentage, its size rounded down (`0.654` -> `+65%`, `-0.046` ->
 * `−4%`): beside a stage bound (cooling from -5%), the figure never reads as the stage beyond it.
 */
export function signedPct(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const size = floorShown(Math.abs(value) * 100);
  // A change below 1% is still a change (a member listed as growing reads "+<1%", not "0%").
  if (size === 0 && value !== 0) return value > 0 ? '+<1%' : '−<1%';
  return `${size > 0 && value > 0 ? '+' : size > 0 && value < 0 ? '−' : ''}${size}%`;
}

/**
 * A heat (0-100) with one decimal, rounded down (`39.96` -> `39.9`): beside a stage bound (emerging
 * below 40), the figure never reads as the stage above the one named.
 */
export function heatShown(value: number): string {
  return Number.isFinite(value) ? num(floorShown(value * 10) / 10, 1) : '–';
}

/** A slug as a display name when the API gives none (`the-lovely-gamblers` -> `The Lovely Gamblers`). */
export function titleOf(slug: string): string {
  return slug
    .split('-')
    .map((w) => (w ? w.charAt(0).toUpperCase() + w.slice(1) : w))
    .join(' ');
}

/**
 * A scene's display name from its slug when the API gives only the slug: scene slugs read
 * `<sound>-<region>-<city>` (`hip-hop-us-baltimore` -> `Hip Hop · Baltimore, US`); other slugs
 * are title-cased.
 */
export function sceneTitle(slug: string): string {
  const parts = slug.split('-');
  const at = parts.findIndex((p, i) => i > 0 && i < parts.length - 1 && /^[a-z]{2}$/.test(p));
  if (at < 0) return titleOf(slug);
  return `${titleOf(parts.slice(0, at).join('-'))} · ${titleOf(parts.slice(at + 1).join('-'))}, ${parts[at]!.toUpperCase()}`;
}

/**
 * The isolate controls (LRI, RLI, FSI, PDI). An embedding or override inside an isolate ends at its
 * PDI; an isolate control does not: a stray PDI closes the isolation early, a stray initiator takes
 * its PDI and leaves the isolation open to the end of the line.
 */
const ISOLATE_CONTROLS = /[\u2066-\u2069]/g;
/**
 * Characters that draw nothing: format characters (zero-width, direction marks), separators,
 * spaces, and the other default-ignorable code points (fillers, variation selectors).
 */
const INVISIBLE = /[\p{Cf}\p{Z}\s\p{Default_Ignorable_Code_Point}]/gu;

/**
 * `text` isolated from the sentence around it (FSI ... PDI): a name holding right-to-left text or
 * a direction override cannot reorder the words after it (a date, a reason). The text's own
 * isolate controls are dropped first: a stray PDI would close the isolation early and
 * let an override that follows it reorder the rest of the line. The text's own overrides and
 * right-to-left letters act inside the isolation only.
 */
export function isolated(text: string): string {
  return `\u2068${text.replace(ISOLATE_CONTROLS, '')}\u2069`;
}

/**
 * A scene's name, or its name read from the slug when the name shows nothing (blank, or only
 * zero-width and direction characters), so its link and heading have visible text.
 */
export function sceneName(name: string, slug: string): string {
  return name.replace(INVISIBLE, '') ? name : sceneTitle(slug);
}

/**
 * An ISO instant as a short date and time in UTC, its zone named: the days the API reports
 * (trend snapshots, as-of days) are UTC days, and a reader's own zone would put an instant near
 * midnight on another day than the trend beside it.
 */
export function when(iso: string | null | undefined): string {
  if (!iso) return 'never';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString('en', {
        // Fields, not `dateStyle`/`timeStyle`: those cannot be combined with `timeZoneName`.
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
        timeZone: 'UTC',
        timeZoneName: 'short',
      });
}

/** The lifecycle stage in words. */
export function stageWords(stage: string): string {
  switch (stage) {
    case 'emerging':
      return 'Emerging: small, starting to move';
    case 'growing':
      return 'Growing: heat rising steadily';
    case 'peaking':
      return 'Peaking: hot, growth levelling off';
    case 'cooling':
      return 'Cooling: heat falling';
    default:
      return humanise(stage);
  }
}
