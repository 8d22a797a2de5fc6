import { onlyKeysOf } from './shape-of';

describe('onlyKeysOf', () => {
  it('keeps only the keys of the shape, recursively and element by element', () => {
    const value = { rank: 1, tier: 'a', rows: [{ unitId: 'u', groups: {} }, { unitId: 'v', groups: {} }], flag: null };
    expect(onlyKeysOf(value, { rank: 0, rows: [{ unitId: '' }, { unitId: '' }], flag: null })).toEqual({ rank: 1, rows: [{ unitId: 'u' }, { unitId: 'v' }], flag: null });
  });

  it('leaves a missing key missing and a longer array longer, so a comparison with the shape fails', () => {
    expect(onlyKeysOf({ a: 1 }, { a: 1, b: 2 })).not.toEqual({ a: 1, b: 2 });
    expect(onlyKeysOf([1, 2, 3], [1, 2])).not.toEqual([1, 2]);
    expect(onlyKeysOf({ a: 'x' }, { a: { b: 1 } })).toEqual({ a: 'x' });
  });
});
