import { isStorableText, unstorableTextIssue } from '.';

describe('storable text', () => {
  it('accepts any well-formed text, surrogate pairs (emoji) and Vietnamese included', () => {
    for (const text of ['', 'Sở Xây dựng', 'Cờ thi đua 🏅', 'tab\tand\nnewline', '\uFFFF']) expect([text, isStorableText(text)]).toEqual([text, true]);
    expect(unstorableTextIssue({ a: ['Khối 🏅', { b: 'ok' }], n: 1, x: null, t: true }, 'data')).toBeNull();
  });

  it('refuses U+0000 and lone surrogates of either half, saying where', () => {
    expect(isStorableText('a\u0000')).toBe(false);
    expect(isStorableText('\uD83D')).toBe(false);
    expect(isStorableText('x\uDC00y')).toBe(false);
    expect(isStorableText('\uDC00\uD83D')).toBe(false); // reversed halves are two lone ones
    expect(unstorableTextIssue('ab\u0000', 'type')).toEqual({ path: 'type', message: 'contains U+0000 (NUL) at index 2', code: 'unstorable_text' });
    expect(unstorableTextIssue('🏅\uDC00', 's')?.message).toBe(
      'contains a lone surrogate U+DC00 at index 2 (half of a UTF-16 pair, which has no UTF-8 form)',
    );
  });

  it('names the path of the first bad string below the given root, object keys included', () => {
    expect(unstorableTextIssue({ targets: [{ c: 'ok' }, { c: 'bad\uD800' }] }, 'events.0.data')?.path).toBe('events.0.data.targets.1.c');
    expect(unstorableTextIssue({ 'k\u0000': 1 }, 'data')).toMatchObject({ path: 'data."k\\u0000"', message: expect.stringMatching(/^key contains U\+0000/) });
    expect(unstorableTextIssue(['\u0000'], '')?.path).toBe('0');
    expect(unstorableTextIssue('\u0000', '')?.path).toBe('(root)');
  });
});
