/*
 * Documents keep maps as JSON objects keyed by ids. Ids may legally be
 * `__proto__` or `constructor` (DESIGN's id grammar allows them), so plain
 * `record[id]` reads and writes would hit Object.prototype; these two helpers
 * only ever touch own properties.
 */

/** The own value of `key` in `record`, or undefined. */
export function own<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** Sets `record[key]` as an own, enumerable property, even for `__proto__`. */
export function put<V>(record: Record<string, V>, key: string, value: V): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

