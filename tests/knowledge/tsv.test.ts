import { describe, expect, it } from 'vitest';
import { toOrTsquery, toTsvectorLiteral } from '../../src/knowledge/tsv.ts';

describe('tsvector literals', () => {
  it('records positions so term frequency survives', () => {
    expect(toTsvectorLiteral(['小麦', '播种', '小麦'])).toBe("'小麦':1,3 '播种':2");
  });

  it('escapes quotes and backslashes', () => {
    const literal = toTsvectorLiteral(["o'neil", 'a\\b']);
    expect(literal).toBe("'o''neil':1 'a\\\\b':2");
  });

  it('builds an OR query of distinct tokens', () => {
    expect(toOrTsquery(['大蒜', '价格', '大蒜'])).toBe("'大蒜' | '价格'");
    expect(toOrTsquery([])).toBe('');
  });
});
