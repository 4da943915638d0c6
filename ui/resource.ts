/**
 * @module ui/resource
 * One load of data for an element, as a Lit reactive controller: `loading`, then `ready` or
 * `failed`; a new load aborts the one before, so a fast reader paging through never sees an older
 * page land last. Each element's first `ready` leaves a `performance` mark
 * (`scene-radar:<tag>:ready`), which is how the time to first render is measured.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ANSWERED, ApiFailure } from './client.js';

/** Where a load is. */
export type LoadState<T> =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly data: T }
  | { readonly kind: 'failed'; readonly failure: ApiFailure };

/** The element a {@link Resource} belongs to. */
export type ResourceHost = ReactiveControllerHost & HTMLElement;

/** The failure of an answer that arrived (a 2xx) but whose data the page cannot read. */
function unexpectedShape(error: unknown): ApiFailure {
  // The script error is for the developer console, not the reader.
  console.error('scene-radar dashboard: the API answered with data of an unexpected shape', error);
  return new ApiFailure(
    'BAD_RESPONSE',
    'The API answered with data of an unexpected shape: this dashboard and the API may be of different versions.',
    200,
    null,
  );
}

/** One reloadable load (see the module note). */
export class Resource<T> implements ReactiveController {
  /** The current state. */
  state: LoadState<T> = { kind: 'loading' };
  readonly #host: ResourceHost;
  #abort: AbortController | undefined;
  #run: ((signal: AbortSignal) => Promise<T>) | undefined;
  #marked = false;
  /** A load aborted because the element left the page before it settled. */
  #interrupted = false;

  /** @param host - The element whose render reads {@link Resource.state}. */
  constructor(host: ResourceHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Starts `load` (aborting the previous one); the state is `loading` until it settles. */
  run(load: (signal: AbortSignal) => Promise<T>): void {
    this.#run = load;
    this.#interrupted = false;
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.state = { kind: 'loading' };
    this.#host.requestUpdate();
    // A load that throws before it returns its promise (a slug `encodeURIComponent` refuses)
    // fails like one that rejects: never `loading` for ever.
    new Promise<T>((resolve) => resolve(load(abort.signal))).then(
      (data) => {
        if (abort.signal.aborted) return;
        this.#settle({ kind: 'ready', data });
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        // Not the client's ApiFailure: after an answer arrived, reading its data threw (an answer
        // of an unexpected shape); before any, the load itself failed (a value the URL refuses).
        const failure =
          error instanceof ApiFailure
            ? error
            : ANSWERED.has(abort.signal)
              ? unexpectedShape(error)
              : new ApiFailure('CLIENT_ERROR', error instanceof Error ? error.message : String(error), 0, null);
        this.#settle({ kind: 'failed', failure });
      },
    );
  }

  /** Runs the last load again (the error panel's Retry). */
  retry(): void {
    if (this.#run) this.run(this.#run);
  }

  /** Aborts a load in flight when the element leaves the page. */
  hostDisconnected(): void {
    if (this.state.kind === 'loading' && this.#abort && !this.#abort.signal.aborted) this.#interrupted = true;
    this.#abort?.abort();
  }

  /** Runs again a load that leaving the page interrupted (a host moving the element), or it would never settle. */
  hostConnected(): void {
    if (this.#interrupted) this.retry();
  }

  #settle(state: LoadState<T>): void {
    this.state = state;
    this.#host.requestUpdate();
    const name = state.kind === 'ready' ? 'sr-ready' : 'sr-failed';
    this.#host.updateComplete.then(
      () => {
        if (!this.#marked && state.kind === 'ready') {
          this.#marked = true;
          performance.mark(`scene-radar:${this.#host.localName}:ready`);
        }
        this.#host.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true }));
      },
      (error: unknown) => {
        // Drawing the data threw (a field the page reads is missing or null): the page would stay
        // on its last frame, `loading`, for ever. It shows the error panel instead.
        if (state.kind === 'ready' && this.state === state)
          this.#settle({ kind: 'failed', failure: unexpectedShape(error) });
      },
    );
  }
}
