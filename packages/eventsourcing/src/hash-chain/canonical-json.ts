/**
 * Canonical JSON for hashing: object keys sorted by code unit, no whitespace,
 * `undefined` members dropped, strings and numbers as `JSON.stringify` writes
 * them. The same value always gives the same bytes, whatever key order the
 * store or the JSON parser returned.
 */
export function canonicalJson(value: unknown): string {
  return valueJson(value);
}

/**
 * Canonical JSON of event metadata without its `prevHash` and `hash`: the same
 * bytes as `canonicalJson(metadataWithoutHashes(metadata))` for a plain
 * object, without copying it first (this runs once per appended event).
 */
export function canonicalJsonWithoutHashes(metadata: Record<string, unknown>): string {
  return objectJson(metadata, true);
}

/*
 * Why not the obvious `keys.filter().sort().map().join()`: hashing runs for
 * every appended and every verified event, and the intermediate arrays and
 * strings made it the largest cost of an in-memory append. This version
 * builds one string per object and must keep producing exactly the bytes the
 * obvious version produced, or stored hashes stop verifying (the kernel's
 * hash-chain test pins a hash computed by the original).
 */
function valueJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return quoteString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`Cannot hash non-finite number ${value}`);
      return JSON.stringify(value);
    case 'object':
      if (Array.isArray(value)) return arrayJson(value);
      // A Date (or anything with toJSON) is stored as JSON.stringify writes it: hash that form, or the chain breaks on read.
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return valueJson((value as { toJSON(): unknown }).toJSON());
      return objectJson(value as Record<string, unknown>, false);
    default:
      throw new TypeError(`Cannot hash a value of type ${typeof value}`);
  }
}

function arrayJson(array: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < array.length; i += 1) {
    if (i > 0) out += ',';
    // A hole writes nothing, as Array.prototype.map + join did; undefined writes null, as JSON does.
    if (!(i in array)) continue;
    const item = array[i];
    out += valueJson(item === undefined ? null : item);
  }
  return out + ']';
}

function objectJson(record: Record<string, unknown>, skipHashes: boolean): string {
  const keys = Object.keys(record);
  sortKeys(keys);
  let out = '{';
  let first = true;
  for (const key of keys) {
    if (skipHashes && (key === 'prevHash' || key === 'hash')) continue;
    const member = record[key];
    if (member === undefined) continue;
    out += first ? quoteKey(key) : `,${quoteKey(key)}`;
    out += ':';
    out += valueJson(member);
    first = false;
  }
  return out + '}';
}

/** Sorts by UTF-16 code unit, as the default `Array.prototype.sort` does; insertion sort wins for the few keys events have. */
function sortKeys(keys: string[]): void {
  if (keys.length > 16) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i += 1) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j -= 1;
    }
    keys[j + 1] = key;
  }
}

/** Characters JSON.stringify escapes (controls, quote, backslash) or may escape (any surrogate, lone ones are). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(text)`, without its cost for the common string that needs no escape. */
function quoteString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** Event payloads reuse a small set of keys: quote each once. Bounded, so free-form keys cannot grow it without limit. */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 10_000;

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(key, quoted);
  }
  return quoted;
}
