/*
 * Documents keep maps as JSON objects keyed by ids. Ids may legally be
 * `__proto__` or `constructor` (the domain's id grammar allows them), so plain
 * `record[id]` reads and writes would hit Object.prototype; these two helpers
 * only ever touch own properties.
 */

/** The own value of `key` in `record`, or undefined. */
export function own<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** Sets `record[key]` as an own, enumerable property, even for `__proto__`. */
export function put<V>(record: Record<string, V>, key: string, value: V): void {
  // Only "__proto__" is an accessor on Object.prototype; every other key assigns as an own data property,
  // and plain assignment is far cheaper than defineProperty on a rebuild's hot path.
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

