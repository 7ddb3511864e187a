import * as fc from 'fast-check';
import { cutMiddleToJsonBytes, jsonBytes } from '../../../lambda/core/text';

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
