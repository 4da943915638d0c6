/**
 * @module core/json-keys
 * `JSON.parse` keeps the last of a repeated object key, silently. The importers refuse such text
 * instead (a manifest naming one table twice, a JSON-lines row with two `weight`s), and need to
 * know which key and where.
 */

/** A key repeated within one object of a JSON text: the key, and the offset of its second occurrence. */
export interface RepeatedJsonKey {
  /** The key, unescaped (`"\u0061"` and `"a"` are one key). */
  readonly key: string;
  /** Where its second occurrence starts in the text (its opening quote). */
  readonly offset: number;
}

/**
 * The first key repeated within one object of `text`, which must be valid JSON (`JSON.parse`
 * accepted it); undefined when every object's keys are distinct. Each object, however deeply
 * nested, has keys of its own; with `topLevelOnly`, only the outermost object's are compared.
 * @example
 * ```ts
 * repeatedJsonKey('{"a":1,"b":{"a":2},"a":3}'); // { key: 'a', offset: 19 }
 * repeatedJsonKey('{"a":{"b":1,"b":2}}', { topLevelOnly: true }); // undefined
 * ```
 */
export function repeatedJsonKey(
  text: string,
  options: { readonly topLevelOnly?: boolean } = {},
): RepeatedJsonKey | undefined {
  // One set of keys per open object, null per open array (and per object not compared).
  const open: (Set<string> | null)[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: its closing quote is the first one not escaped by an odd run of backslashes.
      let end = text.indexOf('"', i + 1);
      for (;;) {
        // A string never closed (the text is not JSON): nothing more to compare, and no endless
        // loop (`indexOf` answers -1 and the scan would start over).
        if (end < 0) return undefined;
        let b = end - 1;
        while (text.charCodeAt(b) === 0x5c) b--;
        if ((end - 1 - b) % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      const keys = open[open.length - 1];
      if (keys) {
        let k = end + 1;
        while (k < text.length && ' \t\r\n'.includes(text[k]!)) k++;
        if (text.charCodeAt(k) === 0x3a) {
          const body = text.slice(i + 1, end);
          const key = body.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : body;
          if (keys.has(key)) return { key, offset: i };
          keys.add(key);
        }
      }
      i = end + 1;
      continue;
    }
    if (c === 0x7b) open.push(options.topLevelOnly === true && open.length > 0 ? null : new Set());
    else if (c === 0x5b) open.push(null);
    else if (c === 0x7d || c === 0x5d) open.pop();
    i++;
  }
  return undefined;
}
