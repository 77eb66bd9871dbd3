import { createHash } from 'node:crypto';
import { AppError } from '../errors.ts';
import matter from 'gray-matter';
import { parse } from 'csv-parse/sync';
import { CATEGORIES, isCategory, type Category } from './categories.ts';
import { EMERGENCY_KINDS, emergencyTag, isEmergencyKind } from './emergency-cards.ts';
import { CHUNKER_VERSION, chunkMarkdown, packSentences, type ChunkDraft } from './chunker.ts';

export type DocumentFormat = 'markdown' | 'qa' | 'table';

export interface DocumentInput {
  /** Stable identity: a file path (with #n for one pair of a Q&A file) or api:<category>:<title>. */
  sourceKey: string;
  title: string;
  category: Category;
  county?: string | null;
  source?: string | null;
  date?: string | null;
  tags?: string[];
  format: DocumentFormat;
  content: string;
  /** An expert's own answer approved for the knowledge base (not the review record below). */
  reviewed?: boolean;
  /** Who wrote and reviewed the document, when, and by when it must be reviewed again. */
  review?: ReviewRecord;
}

export interface ReviewRecord {
  writtenBy?: string | null;
  reviewedBy?: string | null;
  /** YYYY-MM-DD */
  reviewedAt?: string | null;
  /** YYYY-MM-DD: after this day the document is past review, listed for the bureau and flagged in citations. */
  reviewBy?: string | null;
}

/** A caller's mistake in a document: becomes a 4xx with this message. */
export class DocumentError extends AppError {
  constructor(message: string, options?: ErrorOptions) {
    super(400, 'invalid_document', message, options);
  }
}

export function contentHash(doc: DocumentInput): string {
  const h = createHash('sha256');
  h.update(
    JSON.stringify([
      CHUNKER_VERSION, doc.title, doc.category, doc.county ?? null, doc.source ?? null, doc.date ?? null,
      [...(doc.tags ?? [])].sort(), doc.format, doc.content, doc.reviewed ?? false,
      // Only present when set, so documents without a review record keep their hash.
      ...(hasReview(doc.review) ? [reviewOf(doc)] : []),
    ]),
  );
  return h.digest('hex');
}

/** The review record with every field present (null when not given). */
export function reviewOf(doc: DocumentInput): Required<ReviewRecord> {
  const r = doc.review ?? {};
  return { writtenBy: r.writtenBy ?? null, reviewedBy: r.reviewedBy ?? null, reviewedAt: r.reviewedAt ?? null, reviewBy: r.reviewBy ?? null };
}

function hasReview(r: ReviewRecord | undefined): boolean {
  return !!r && Object.values(r).some((v) => v != null);
}

export function chunkDocument(doc: DocumentInput): ChunkDraft[] {
  if (doc.format === 'qa') {
    const { question, answer } = splitQa(doc.content);
    // The question is the title in most pairs; repeat it in the heading path only when it is not.
    const headingPath = question && question !== doc.title ? [question] : [];
    return packSentences(answer).map((content, ordinal) => ({ ordinal, headingPath, content }));
  }
  if (doc.format === 'table') {
    return doc.content
      .split('\n')
      .filter(Boolean)
      .map((content, ordinal) => ({ ordinal, headingPath: [], content }));
  }
  return chunkMarkdown(doc.content);
}

export function qaContent(question: string, answer: string): string {
  return `问：${question.trim()}\n答：${answer.trim()}`;
}

export function splitQa(content: string): { question: string; answer: string } {
  const m = /^问：([\s\S]*?)\n答：([\s\S]*)$/.exec(content);
  return m ? { question: m[1], answer: m[2] } : { question: '', answer: content };
}

export interface FrontMatterDefaults {
  sourceKey: string;
  category?: Category;
  title?: string;
}

/**
 * A markdown file with YAML front matter: title, category, county, source, date, tags, and the review record
 * (writtenBy, reviewedBy, reviewedAt, reviewBy; `reviewed: <date>` is read as reviewedAt).
 */
export function parseMarkdownDocument(text: string, defaults: FrontMatterDefaults): DocumentInput {
  let parsed: matter.GrayMatterFile<string>;
  try {
    // gray-matter caches by content; an empty options object disables the cache so errors repeat.
    parsed = matter(text, {});
  } catch (err) {
    throw new DocumentError(`文档开头的 front matter 格式有误（应为 YAML）：${(err as Error).message}`, { cause: err });
  }
  const data = parsed.data as Record<string, unknown>;
  const firstHeading = /^#\s+(.+)$/m.exec(parsed.content)?.[1]?.trim();
  const title = asString(data.title) ?? defaults.title ?? firstHeading;
  if (!title) throw new DocumentError(`${defaults.sourceKey}: 缺少标题 (front matter 里的 title)`);
  const category = data.category ?? defaults.category;
  if (!isCategory(category)) {
    throw new DocumentError(
      `${defaults.sourceKey}: 分类 "${String(category ?? '')}" 无效，应为 ${CATEGORIES.join(', ')} 之一`,
    );
  }
  const tags = Array.isArray(data.tags) ? data.tags.map(String) : typeof data.tags === 'string' ? [data.tags] : [];
  if (data.emergency !== undefined) {
    // An emergency card: the agent opens its reply with this card's steps when the farmer reports that emergency.
    if (!isEmergencyKind(data.emergency)) {
      throw new DocumentError(
        `${defaults.sourceKey}: emergency "${String(data.emergency)}" 无效，应为 ${EMERGENCY_KINDS.join(', ')} 之一`,
      );
    }
    tags.push(emergencyTag(data.emergency));
  }
  return {
    sourceKey: defaults.sourceKey,
    title,
    category,
    county: asString(data.county) ?? null,
    source: asString(data.source) ?? null,
    date: asDate(data.date, defaults.sourceKey),
    tags,
    format: 'markdown',
    content: parsed.content.trim(),
    ...reviewField(data, defaults.sourceKey),
  };
}

/** Q&A pairs from JSON (an array) or JSONL (one object a line): each pair becomes its own document. */
export function parseQaFile(text: string, opts: { sourceKey: string; category?: Category }): DocumentInput[] {
  const trimmed = text.trim();
  let items: unknown[];
  if (trimmed.startsWith('[')) {
    try {
      items = JSON.parse(trimmed) as unknown[];
    } catch (err) {
      throw new DocumentError(`${opts.sourceKey}: JSON 格式有误：${(err as Error).message}`, { cause: err });
    }
  } else {
    items = trimmed.split(/\r?\n/).flatMap((line, i) => {
      if (!line.trim()) return [];
      try {
        return [JSON.parse(line)];
      } catch (err) {
        throw new DocumentError(`${opts.sourceKey} 第 ${i + 1} 行不是有效的 JSON：${(err as Error).message}`, {
          cause: err,
        });
      }
    });
  }
  return items.map((item, i) => {
    const o = (item ?? {}) as Record<string, unknown>;
    const question = asString(o.question);
    const answer = asString(o.answer);
    if (!question || !answer) {
      throw new DocumentError(`${opts.sourceKey} 第 ${i + 1} 条缺少 question 或 answer`);
    }
    const category = isCategory(o.category) ? o.category : (opts.category ?? 'faq');
    return {
      sourceKey: `${opts.sourceKey}#${createHash('sha1').update(question).digest('hex').slice(0, 12)}`,
      title: asString(o.title) ?? question,
      category,
      county: asString(o.county) ?? null,
      source: asString(o.source) ?? null,
      date: asDate(o.date, opts.sourceKey),
      tags: Array.isArray(o.tags) ? o.tags.map(String) : [],
      format: 'qa' as const,
      content: qaContent(question, answer),
      ...reviewField(o, `${opts.sourceKey} 第 ${i + 1} 条`),
    };
  });
}

/** A CSV table: one chunk per row, rendered "列：值；…" so each row reads as a sentence. */
export function parseCsvTable(text: string, opts: { sourceKey: string; title: string; category: Category }): DocumentInput {
  const rows = parseCsv(text);
  if (rows.length < 2) throw new DocumentError(`${opts.sourceKey}: 表格至少要有表头和一行数据`);
  const [header, ...data] = rows;
  const lines = data.map((row, i) => {
    if (row.length !== header.length) {
      throw new DocumentError(`${opts.sourceKey} 第 ${i + 2} 行有 ${row.length} 列，表头有 ${header.length} 列`);
    }
    return header.map((h, j) => `${h}：${row[j]}`).join('；');
  });
  return { sourceKey: opts.sourceKey, title: opts.title, category: opts.category, format: 'table', content: lines.join('\n') };
}

/** CSV rows (quoted fields, BOM, CRLF handled by csv-parse); blank lines skipped, fields trimmed. */
export function parseCsv(text: string): string[][] {
  try {
    return parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
  } catch (err) {
    throw new DocumentError(`CSV 格式有误：${(err as Error).message}`, { cause: err });
  }
}

/** The review record of a front matter or a Q&A item, or nothing when it has none. */
function reviewField(data: Record<string, unknown>, where: string): { review?: ReviewRecord } {
  // `reviewed: true` would be an expert-answer flag, not a date: only a date counts as reviewedAt.
  const reviewedDate = data.reviewedAt ?? (typeof data.reviewed === 'boolean' ? undefined : data.reviewed);
  const review: ReviewRecord = {
    writtenBy: asNames(data.writtenBy ?? data.author),
    reviewedBy: asNames(data.reviewedBy ?? data.reviewer),
    reviewedAt: asDate(reviewedDate, `${where} 的 reviewedAt（复核日期）`),
    reviewBy: asDate(data.reviewBy, `${where} 的 reviewBy（下次复核期限）`),
  };
  if (review.reviewedAt && review.reviewBy && review.reviewBy <= review.reviewedAt) {
    throw new DocumentError(
      `${where}: 下次复核期限 reviewBy（${review.reviewBy}）应晚于复核日期 reviewedAt（${review.reviewedAt}）`,
    );
  }
  return hasReview(review) ? { review } : {};
}

/** One name or a list of names, as one line ("甲；乙"). */
function asNames(v: unknown): string | null {
  if (Array.isArray(v)) return v.map((x) => asString(x)).filter(Boolean).join('；') || null;
  return asString(v) ?? null;
}

function asString(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

function asDate(v: unknown, where: string): string | null {
  if (v === undefined || v === null || v === '') return null;
  const d = v instanceof Date ? v : new Date(String(v));
  if (Number.isNaN(d.getTime())) throw new DocumentError(`${where}: 日期 "${String(v)}" 无法识别，请写成 2024-03-05`);
  return d.toISOString().slice(0, 10);
}
