/**
 * @module api/text
 * Small text rules shared by the handler and the operations (not part of the public entry).
 */

/** Longest piece of client input echoed back in a message or an issue path. */
const MAX_SHOWN = 128;

/** `text` cut to {@link MAX_SHOWN} characters, with `...` when cut; never between the halves of a surrogate pair. */
export function clip(text: string): string {
  if (text.length <= MAX_SHOWN) return text;
  const last = text.charCodeAt(MAX_SHOWN - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? MAX_SHOWN - 1 : MAX_SHOWN;
  return `${text.slice(0, end)}...`;
}
