import { describe, expect, it } from 'vitest';
import {
  DocumentError,
  chunkDocument,
  contentHash,
  parseCsvTable,
  parseMarkdownDocument,
  parseQaFile,
} from '../../src/knowledge/documents.ts';

describe('parseMarkdownDocument', () => {
  it('reads front matter', () => {
    const doc = parseMarkdownDocument(
      '---\ntitle: 大蒜播种\ncategory: agronomy\ncounty: 金乡县\nsource: 农技站\ndate: 2024-09-20\ntags: [大蒜]\n---\n## 播期\n9月下旬。',
      { sourceKey: 'a.md' },
    );
    expect(doc).toMatchObject({
      title: '大蒜播种', category: 'agronomy', county: '金乡县', source: '农技站', date: '2024-09-20', tags: ['大蒜'],
    });
    expect(doc.content).toBe('## 播期\n9月下旬。');
  });

  it('rejects malformed front matter with a message saying so', () => {
    expect(() => parseMarkdownDocument('---\ntitle: [oops\n---\n正文', { sourceKey: 'b.md' })).toThrow(DocumentError);
    expect(() => parseMarkdownDocument('---\ntitle: [oops\n---\n正文', { sourceKey: 'b.md' })).toThrow(/front matter/);
  });

  it('rejects an unknown category and lists the valid ones', () => {
    expect(() => parseMarkdownDocument('---\ntitle: x\ncategory: weather\n---\n正文', { sourceKey: 'c.md' })).toThrow(
      /policy, agronomy/,
    );
  });

  it('rejects an unreadable date', () => {
    expect(() =>
      parseMarkdownDocument('---\ntitle: x\ncategory: faq\ndate: 明天\n---\n正文', { sourceKey: 'd.md' }),
    ).toThrow(/日期/);
  });
});

describe('parseQaFile', () => {
  it('makes one document per pair from JSONL, with stable keys', () => {
    const docs = parseQaFile('{"question":"蒜啥时候种","answer":"9月下旬到10月上旬。"}\n\n{"question":"q2","answer":"a2"}', {
      sourceKey: 'faq.jsonl',
    });
    expect(docs).toHaveLength(2);
    expect(docs[0]).toMatchObject({ title: '蒜啥时候种', category: 'faq', format: 'qa' });
    expect(docs[0].sourceKey).toMatch(/^faq\.jsonl#[0-9a-f]{12}$/);
    expect(parseQaFile('[{"question":"蒜啥时候种","answer":"x"}]', { sourceKey: 'faq.jsonl' })[0].sourceKey).toBe(
      docs[0].sourceKey,
    );
  });

  it('names the broken line', () => {
    expect(() => parseQaFile('{"question":"a","answer":"b"}\n{broken', { sourceKey: 'f.jsonl' })).toThrow(/第 2 行/);
    expect(() => parseQaFile('{"question":"a"}', { sourceKey: 'f.jsonl' })).toThrow(/question 或 answer/);
  });
});

describe('parseCsvTable', () => {
  it('renders each row as one readable chunk', () => {
    const doc = parseCsvTable('县,村数\n金乡县,"1,000"\n', { sourceKey: 't.csv', title: '村数', category: 'programme' });
    expect(chunkDocument(doc).map((c) => c.content)).toEqual(['县：金乡县；村数：1,000']);
  });

  it('rejects a row whose width differs from the header', () => {
    expect(() => parseCsvTable('a,b\n1\n', { sourceKey: 't.csv', title: 't', category: 'faq' })).toThrow(/第 2 行/);
  });
});

describe('contentHash', () => {
  it('changes with content and metadata, not with tag order', () => {
    const base = { sourceKey: 'k', title: 't', category: 'faq' as const, format: 'markdown' as const, content: 'c', tags: ['a', 'b'] };
    expect(contentHash(base)).toBe(contentHash({ ...base, tags: ['b', 'a'] }));
    expect(contentHash(base)).not.toBe(contentHash({ ...base, content: 'd' }));
    expect(contentHash(base)).not.toBe(contentHash({ ...base, county: '金乡县' }));
  });
});
