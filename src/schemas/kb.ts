import { z } from 'zod';
import { CATEGORIES } from '../knowledge/categories.ts';
import { TITLE_MAX } from '../knowledge/limits.ts';

export function documentBody(maxChars: number) {
  return z.object({
    title: z.string().trim().min(1, '标题不能为空').max(TITLE_MAX, `标题最多 ${TITLE_MAX} 个字`),
    content: z
      .string()
      .transform((s) => s.replaceAll('\u0000', ''))
      .pipe(z.string()
      .trim()
      .min(1, '内容不能为空')
      .max(maxChars, `内容最多 ${maxChars} 个字符，请拆成几篇文档`)),
    category: z.enum(CATEGORIES, { error: `分类应为 ${CATEGORIES.join(', ')} 之一` }),
    source: z.string().trim().max(500).optional(),
    county: z.string().trim().min(1).max(50).optional(),
    tags: z.array(z.string().trim().min(1).max(50)).max(30, '标签最多 30 个').optional(),
    date: z.iso.date('日期请写成 2024-03-05').optional(),
  });
}

export const documentCreated = z.object({
  id: z.string(),
  chunks: z.number().int(),
  status: z.enum(['created', 'updated', 'unchanged']),
});

export const searchQuery = z.object({
  q: z.string().trim().min(1, '请给出要搜索的内容 q').max(500, '搜索内容最多 500 个字'),
  limit: z.coerce.number().int().min(1, 'limit 至少为 1').max(50, 'limit 最多 50').default(5),
  category: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()) : undefined))
    .pipe(z.array(z.enum(CATEGORIES, { error: `分类应为 ${CATEGORIES.join(', ')} 之一` })).optional()),
  county: z.string().trim().min(1).max(50).optional(),
});

export const searchHit = z.object({
  documentId: z.string(),
  chunkId: z.string(),
  title: z.string(),
  snippet: z.string(),
  score: z.number(),
  category: z.string(),
  county: z.string().nullable(),
  source: z.string().nullable(),
  headingPath: z.array(z.string()),
});

export const searchResponse = z.object({ hits: z.array(searchHit) });
