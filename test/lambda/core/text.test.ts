import * as fc from 'fast-check';
import { cutMiddleToJsonBytes, formatDuration, jsonBytes, truncateChars, truncateToJsonBytes } from '../../../lambda/core/text';

describe('cutMiddleToJsonBytes', () => {
  it('leaves text that fits as it is', () => {
    expect(cutMiddleToJsonBytes('short', 100)).toBe('short');
    expect(cutMiddleToJsonBytes('x'.repeat(98), 100)).toBe('x'.repeat(98)); // 98 characters + 2 quotes
  });

  it('cuts the middle: the head (what and where) and the tail (what to do next) stay', () => {
    const text = `Proton kept answering ThrottlingException for "prod" (${'API text '.repeat(500)}). Next: deploy again later.`;
    const cut = cutMiddleToJsonBytes(text, 400);
    expect(jsonBytes(cut)).toBeLessThanOrEqual(400);
    expect(cut.startsWith('Proton kept answering ThrottlingException for "prod" (API text')).toBe(true);
    expect(cut.endsWith('). Next: deploy again later.')).toBe(true);
    expect(cut).toContain('…');
    // Nearly the whole budget is used.
    expect(jsonBytes(cut)).toBeGreaterThan(390);
  });

  it('stays within the budget for any text, escapes and multi-byte characters included', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', '\u0001', 'é', '😀'), maxLength: 2000 }), fc.integer({ min: 8, max: 600 }), (text, budget) => {
        const cut = cutMiddleToJsonBytes(text, budget);
        expect(jsonBytes(cut)).toBeLessThanOrEqual(budget);
        if (jsonBytes(text) <= budget) expect(cut).toBe(text);
        else {
          const [head, tail] = cut.split('…');
          expect(text.startsWith(head)).toBe(true);
          if (tail !== undefined) expect(text.endsWith(tail)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('truncateChars', () => {
  it.each([
    ['abc', 3, 'abc'], // exactly at the limit: unchanged
    ['abcd', 3, 'ab…'], // one over: cut to the limit, the ellipsis counted
    ['abcdef', 1, '…'],
    ['abc', 0, ''], // no room even for the ellipsis
    ['abc', -1, ''],
    ['', 0, ''],
    ['😀😀😀😀', 3, '😀😀…'], // code points, not UTF-16 units
  ])('truncateChars(%j, %i) is %j', (text, maxChars, expected) => {
    expect(truncateChars(text, maxChars)).toBe(expected);
  });
});

describe('truncateToJsonBytes keeps the longest prefix that fits', () => {
  it.each([
    ['abcdefghij', 12, 'abcdefghij'], // 10 characters + 2 quotes: fits exactly
    ['abcdefghij', 11, 'abcdef…'], // 2 quotes + 6 + 3 bytes of ellipsis = 11
    ['abcdefghij', 8, 'abc…'],
    ['abcd', 5, '…'], // the ellipsis alone
    ['abcd', 4, ''], // not even the ellipsis fits
    ['a"b"c"d', 8, 'a"…'], // an escaped quote takes 2 bytes: "a\"…" is 8
    ['ééééé', 10, 'éé…'], // 2 bytes each in UTF-8
  ])('truncateToJsonBytes(%j, %i) is %j', (text, max, expected) => {
    expect(truncateToJsonBytes(text, max)).toBe(expected);
    expect(jsonBytes(expected)).toBeLessThanOrEqual(max);
  });

  it('no longer prefix would fit', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '"', '\\', 'é', '😀'), maxLength: 200 }), fc.integer({ min: 0, max: 300 }), (text, max) => {
        const cut = truncateToJsonBytes(text, max);
        if (cut === text) return;
        const points = Array.from(text);
        const kept = cut === '' ? -1 : Array.from(cut).length - 1;
        expect(jsonBytes(points.slice(0, kept + 1).join('') + '…')).toBeGreaterThan(max);
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});

describe('cutMiddleToJsonBytes at its edges', () => {
  const ALPHABET = 'abcdefghijklmnopqrstuvwxyz'; // 28 bytes as JSON
  it.each([
    [ALPHABET, 28, ALPHABET],
    // Half the budget (10) for the tail: 8 characters + 2 quotes; the head takes what is left: 2 + 7 + 3 + 8 = 20.
    [ALPHABET, 20, 'abcdefg…stuvwxyz'],
    [ALPHABET, 21, 'abcdefgh…stuvwxyz'],
    ['abcdef', 7, 'a…f'],
    ['abcdef', 6, '…f'],
    ['abcdef', 5, '…'], // the ellipsis alone
    ['abcdef', 4, ''], // not even the ellipsis fits
    ['abcdef', 0, ''],
  ])('cutMiddleToJsonBytes(%j, %i) is %j', (text, max, expected) => {
    expect(cutMiddleToJsonBytes(text, max)).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [570_000, '9m 30s'],
    [3_600_000, '1h 0m 0s'],
  ])('%d ms is %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
