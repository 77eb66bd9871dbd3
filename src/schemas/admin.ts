import { z } from 'zod';

// Knowledge-base documents as the console lists them.
export const documentsQuery = z.object({
  q: z.string().trim().max(200).optional(),
  category: z.string().trim().max(30).optional(),
  county: z.string().trim().max(30).optional(),
  status: z.enum(['active', 'retired', 'all'], { error: 'status 应为 active、retired 或 all' }).default('active'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  reviewDue: z.coerce.number({ error: 'reviewDue 应为天数（0 表示已过复核期的）' }).int().min(0).max(36500).optional(),
});

const documentSummary = z.object({
  id: z.string(), sourceKey: z.string(), title: z.string(), category: z.string(), county: z.string().nullable(),
  source: z.string().nullable(), date: z.string().nullable(), tags: z.array(z.string()), format: z.string(),
  reviewed: z.boolean(), chunks: z.number(), status: z.enum(['active', 'retired']), updatedAt: z.string(),
  retiredBy: z.string().nullable(),
  writtenBy: z.string().nullable(), reviewedBy: z.string().nullable(), reviewedAt: z.string().nullable(),
  reviewBy: z.string().nullable(), pastReview: z.boolean(),
});

export const documentsResponse = z.object({ documents: z.array(documentSummary), total: z.number() });

export const documentDetail = z.object({
  document: documentSummary,
  chunks: z.array(z.object({ chunkId: z.string(), ordinal: z.number(), headingPath: z.array(z.string()), content: z.string() })),
});

export const uploadQuery = z.object({
  filename: z.string({ error: '请给出文件名 filename（.md、.json、.jsonl 或 .csv）' }).trim().min(1).max(200)
    .regex(/\.(md|markdown|json|jsonl|csv)$/i, '只能上传 .md、.json、.jsonl 或 .csv 文件'),
  category: z.string().trim().max(30).optional(),
});

export const uploadResponse = z.object({
  documents: z.array(z.object({ id: z.string(), title: z.string(), chunks: z.number(), status: z.enum(['created', 'updated', 'unchanged']) })),
});

export const restoredResponse = z.object({ id: z.string(), chunks: z.number() });

// Review queue of expert answers.
export const reviewQuery = z.object({
  status: z.enum(['pending', 'approved', 'retired', 'all']).default('pending'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const reviewItem = z.object({
  id: z.string(), ticketId: z.string(), documentId: z.string().nullable(), question: z.string(), answer: z.string(),
  category: z.string(), county: z.string().nullable(), authorName: z.string(), createdAt: z.string(), updatedAt: z.string(),
  approvedAt: z.string().nullable(), approvedBy: z.string().nullable(), retiredAt: z.string().nullable(),
  status: z.enum(['pending', 'approved', 'retired']),
});

export const reviewResponse = z.object({ answers: z.array(reviewItem) });
export const reviewItemResponse = reviewItem;

// Prices.
export const pricesQuery = z.object({
  commodity: z.string().trim().max(50).optional(),
  market: z.string().trim().max(100).optional(),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期写成 2026-11-01').optional(),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期写成 2026-11-28').optional(),
  limit: z.coerce.number().int().min(1).max(2000).default(200),
});

const price = z.object({
  id: z.string(), commodity: z.string(), variety: z.string().nullable(), market: z.string(), county: z.string().nullable(),
  date: z.string(), low: z.number(), avg: z.number(), high: z.number(), unit: z.string(), source: z.string().nullable(),
});

export const pricesResponse = z.object({ prices: z.array(price), total: z.number() });

export const priceBody = z.object({
  commodity: z.string({ error: '请填写品种 commodity' }).trim().min(1).max(50),
  variety: z.string().trim().max(50).optional(),
  market: z.string({ error: '请填写市场 market' }).trim().min(1).max(100),
  county: z.string().trim().max(30).optional(),
  date: z.string({ error: '请填写日期 date' }).trim().min(1).max(30),
  low: z.union([z.number(), z.string()]),
  avg: z.union([z.number(), z.string()]),
  high: z.union([z.number(), z.string()]),
  unit: z.string({ error: '请填写单位 unit，如 元/斤' }).trim().min(1).max(20),
  source: z.string().trim().max(100).optional(),
});

export const priceImportResponse = z.object({
  status: z.enum(['imported', 'rejected', 'already-imported']),
  rows: z.object({ total: z.number(), inserted: z.number(), updated: z.number(), unchanged: z.number(), duplicates: z.number(), rejected: z.number() }),
  rejections: z.array(z.object({ where: z.string(), reason: z.string() })),
  error: z.string().optional(),
  message: z.string(),
});

export const priceParams = z.object({ id: z.string().regex(/^\d{1,18}$/, '价格编号应为数字') });

// Posts of every kind.
export const postsQuery = z.object({
  kind: z.string({ error: '请给出 kind（如 labor、supply）' }).trim().min(1).max(30),
  status: z.enum(['active', 'closed', 'all']).default('active'),
  county: z.string().trim().max(30).optional(),
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const postKindQuery = z.object({ kind: z.string({ error: '请给出 kind（如 labor、supply）' }).trim().min(1).max(30) });

const post = z.object({
  id: z.string(), kind: z.string(), type: z.string(), title: z.string(), county: z.string(), town: z.string().nullable(),
  contact: z.string(), status: z.enum(['active', 'closed']), postedAt: z.string(), expiresAt: z.string(),
  closedAt: z.string().nullable(), postedBy: z.string().nullable(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
});

export const postsResponse = z.object({ posts: z.array(post), kinds: z.array(z.object({ kind: z.string(), label: z.string() })) });
export const postResponse = post;
export const postBody = z.record(z.string(), z.union([z.string().max(2000), z.number()]));
export const postParams = z.object({ id: z.string().uuid('信息编号应为 UUID') });
