/**
 * `value` cut down to the keys `shape` has, recursively (arrays element by
 * element): what an older reader sees of a newer result. `expect(only(value,
 * old)).toEqual(old)` says that every key of `old` kept exactly its value,
 * whatever keys were added beside them.
 *
 * @example
 * onlyKeysOf({ rank: 1, tier: 'xuat-sac' }, { rank: 1 }) // { rank: 1 }
 */
export function onlyKeysOf(value: unknown, shape: unknown): unknown {
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return value;
    return value.map((item, index) => (index < shape.length ? onlyKeysOf(item, shape[index]) : item));
  }
  if (typeof shape !== 'object' || shape === null || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  const cut: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) {
    if (Object.prototype.hasOwnProperty.call(record, key)) cut[key] = onlyKeysOf(record[key], (shape as Record<string, unknown>)[key]);
  }
  return cut;
}
