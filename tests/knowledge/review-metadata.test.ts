import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentError, contentHash, parseMarkdownDocument, parseQaFile } from '../../src/knowledge/documents.ts';

// Who wrote and reviewed a document, when, and by when it must be reviewed again: read from the front matter
// (or a Q&A item), checked, and part of the content hash so a new review date updates the stored document.
const md = (front: string) => `---\ntitle: 大蒜播种\ncategory: agronomy\n${front}\n---\n## 播期\n9月下旬。`;

describe('review record in the front matter', () => {
  it('reads writtenBy, reviewedBy (one name or a list), reviewedAt and reviewBy', () => {
    const doc = parseMarkdownDocument(
      md('writtenBy: 金乡县农技站\nreviewedBy: [县植保站, 市农科院]\nreviewedAt: 2026-12-01\nreviewBy: 2027-12-01'),
      { sourceKey: 'a.md' },
    );
    expect(doc.review).toEqual({ writtenBy: '金乡县农技站', reviewedBy: '县植保站；市农科院', reviewedAt: '2026-12-01', reviewBy: '2027-12-01' });
    expect(doc.reviewed).toBeUndefined();
  });

  it('reads the older `reviewed: <date>` as reviewedAt, never as the expert-answer flag', () => {
    const doc = parseMarkdownDocument(md('reviewed: 2026-12-01\nreviewBy: 2027-06-01'), { sourceKey: 'b.md' });
    expect(doc.review).toMatchObject({ reviewedAt: '2026-12-01', reviewBy: '2027-06-01' });
    expect(doc.reviewed).toBeUndefined();
  });

  it('has no review record when none is given, and keeps the old content hash then', () => {
    const doc = parseMarkdownDocument(md('source: 农技站'), { sourceKey: 'c.md' });
    expect(doc.review).toBeUndefined();
    expect(contentHash(doc)).toBe(contentHash({ ...doc, review: { writtenBy: null, reviewBy: null } }));
  });

  it('changes the content hash when only the review date changes', () => {
    const a = parseMarkdownDocument(md('reviewedAt: 2026-12-01\nreviewBy: 2027-12-01'), { sourceKey: 'd.md' });
    const b = parseMarkdownDocument(md('reviewedAt: 2026-12-01\nreviewBy: 2028-12-01'), { sourceKey: 'd.md' });
    expect(contentHash(a)).not.toBe(contentHash(b));
  });

  it('refuses an unreadable date or a reviewBy not after reviewedAt, naming the field', () => {
    expect(() => parseMarkdownDocument(md('reviewBy: 明年'), { sourceKey: 'e.md' })).toThrow(DocumentError);
    expect(() => parseMarkdownDocument(md('reviewBy: 明年'), { sourceKey: 'e.md' })).toThrow(/reviewBy（下次复核期限）/);
    expect(() => parseMarkdownDocument(md('reviewedAt: 2026-12-01\nreviewBy: 2026-12-01'), { sourceKey: 'f.md' })).toThrow(
      /应晚于复核日期/,
    );
  });

  it('reads the same fields from a Q&A item', () => {
    const [pair] = parseQaFile(
      JSON.stringify({ question: '蒜啥时候种', answer: '9月下旬。', writtenBy: '农技站', reviewedAt: '2026-12-01', reviewBy: '2027-12-01' }),
      { sourceKey: 'q.jsonl', category: 'agronomy' },
    );
    expect(pair.review).toEqual({ writtenBy: '农技站', reviewedBy: null, reviewedAt: '2026-12-01', reviewBy: '2027-12-01' });
  });
});

describe('the shipped general guidance', () => {
  const seeds = path.join(import.meta.dirname, '..', '..', 'seeds');
  const folder = path.join(seeds, 'knowledge', 'agronomy');
  const docs = readdirSync(folder).filter((f) => f.endsWith('.md'))
    .map((f) => parseMarkdownDocument(readFileSync(path.join(folder, f), 'utf8'), { sourceKey: f }));
  const pairs = ['agronomy', 'aquaculture', 'livestock'].flatMap((name) =>
    parseQaFile(readFileSync(path.join(seeds, 'faq', `${name}.jsonl`), 'utf8'), { sourceKey: `${name}.jsonl` }));

  const years = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / (365.25 * 86_400_000);

  it.each([...docs, ...pairs].map((d) => [d.sourceKey, d] as const))('%s says who wrote and reviewed it, and when to review it again', (_key, d) => {
    expect(d.review?.writtenBy).toBeTruthy();
    expect(d.review?.reviewedBy).toBeTruthy();
    expect(d.review?.reviewedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(d.review?.reviewBy).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Never the old placeholder, and at most a year or two out: guidance on pesticides and diseases ages fast.
    expect(d.review?.reviewBy).not.toBe('2026-11-01');
    expect(years(d.review!.reviewedAt!, d.review!.reviewBy!)).toBeLessThanOrEqual(2);
  });

  it('reviews the banned-pesticide list and the poisoning card within half a year', () => {
    for (const name of ['pesticide-banned-list.md', 'pesticide-safety.md']) {
      const d = docs.find((x) => x.sourceKey === name)!;
      expect(years(d.review!.reviewedAt!, d.review!.reviewBy!)).toBeLessThanOrEqual(0.51);
    }
  });
});
