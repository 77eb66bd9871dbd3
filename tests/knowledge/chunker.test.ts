import { describe, expect, it } from 'vitest';
import { chunkMarkdown, packSentences, splitSentences } from '../../src/knowledge/chunker.ts';

describe('splitSentences', () => {
  it('ends sentences at Chinese and Latin end marks and keeps the marks', () => {
    expect(splitSentences('小麦10月上旬播种。每亩15公斤！行吗？可以；好的')).toEqual([
      '小麦10月上旬播种。',
      '每亩15公斤！',
      '行吗？',
      '可以；',
      '好的；',
    ]);
  });

  it('treats a line without an end mark as a sentence (list items)', () => {
    expect(splitSentences('- 有场所\n- 有人员')).toEqual(['有场所；', '有人员；']);
  });
});

describe('packSentences', () => {
  it('packs whole sentences up to the limit and never cuts one that fits', () => {
    const text = '一二三四五。'.repeat(10);
    const pieces = packSentences(text, 14);
    expect(pieces.every((p) => p.length <= 14)).toBe(true);
    expect(pieces.join('')).toBe(text);
    expect(pieces.every((p) => p.endsWith('。'))).toBe(true);
  });

  it('cuts an over-long sentence at commas before cutting hard', () => {
    const pieces = packSentences('甲甲甲甲，乙乙乙乙，丙丙丙丙。', 10);
    expect(pieces).toEqual(['甲甲甲甲，乙乙乙乙，', '丙丙丙丙。']);
  });
});

describe('chunkMarkdown', () => {
  it('keeps the heading path with each chunk', () => {
    const chunks = chunkMarkdown('# 小麦\n引言。\n## 播种\n10月上旬。\n### 播量\n每亩12公斤。\n## 施肥\n底肥为主。');
    expect(chunks.map((c) => [c.headingPath, c.content])).toEqual([
      [['小麦'], '引言。'],
      [['小麦', '播种'], '10月上旬。'],
      [['小麦', '播种', '播量'], '每亩12公斤。'],
      [['小麦', '施肥'], '底肥为主。'],
    ]);
    expect(chunks.map((c) => c.ordinal)).toEqual([0, 1, 2, 3]);
  });

  it('drops markdown decoration but keeps the words', () => {
    const [chunk] = chunkMarkdown('**注意**：看[标签](http://x)用药。');
    expect(chunk.content).toBe('注意：看标签用药。');
  });

  it('returns nothing for an empty document', () => {
    expect(chunkMarkdown('\n\n')).toEqual([]);
  });
});
