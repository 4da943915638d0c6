/**
 * @module api/text
 * Small text rules shared by the handler and the operations (not part of the public entry).
 */

/** Longest piece of client input echoed back in a message or an issue path. */
const MAX_SHOWN = 128;

/** `text` cut to {@link MAX_SHOWN} characters, with `...` when cut. */
export function clip(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}...` : text;
}
