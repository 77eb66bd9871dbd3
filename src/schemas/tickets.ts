import { z } from 'zod';
import { EXPERT_CATEGORIES, TICKET_STATUSES } from '../conversations/handover.ts';
import { CATEGORIES } from '../knowledge/categories.ts';

export const REPLY_MAX = 2000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A paging cursor exactly as the list wrote it: an ISO instant (that PostgreSQL will read) | a ticket id. */
function isCursor(value: string): boolean {
  const [at, id, ...rest] = value.split('|');
  if (rest.length || !id || !UUID.test(id) || !/^\d{4}-\d{2}-\d{2}T/.test(at)) return false;
  const ms = Date.parse(at);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === at;
}

/** A whole ticket id, or the 8-digit 问题编号 the farmer is shown (resolved within the caller's scope). */
const ticketNumber = z
  .string()
  .trim()
  .regex(/^#?([0-9a-f]{8}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, '问题编号应为 8 位问题编号（如 1f81309b）或完整编号');

export const ticketParams = z.object({ id: ticketNumber });

export const ticketsQuery = z.object({
  status: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined))
    .pipe(z.array(z.enum(TICKET_STATUSES, { error: `状态应为 ${TICKET_STATUSES.join(', ')} 之一` })).min(1).optional()),
  view: z.enum(['scope', 'mine', 'queue'], { error: 'view 应为 scope（我能看到的全部）、mine（我的）或 queue（待认领）' }).default('scope'),
  category: z.enum(EXPERT_CATEGORIES, { error: `分类应为 ${EXPERT_CATEGORIES.join('、')} 之一` }).optional(),
  county: z.string().trim().min(1).max(50).optional(),
  limit: z.coerce.number().int().min(1, 'limit 至少为 1').max(200, 'limit 最多 200').default(50),
  /** the 问题编号 (8 digits, a prefix of the id) or a whole id */
  number: ticketNumber.optional(),
  before: z
    .string()
    .refine(isCursor, 'before 应为上一页最后一条的 cursor（原样照抄，如 2026-11-28T04:00:00.000Z|0b7c…）')
    .optional(),
});

const assignee = z.object({ id: z.string(), name: z.string(), username: z.string() });

export const ticketItem = z.object({
  id: z.string(),
  status: z.enum(TICKET_STATUSES),
  category: z.string(),
  priority: z.enum(['urgent', 'high', 'normal']),
  county: z.string().optional(),
  question: z.string(),
  conversationId: z.string(),
  assignee: assignee.optional(),
  dueAt: z.string(),
  overdue: z.boolean(),
  channel: z.enum(['web', 'sms', 'api']),
  /** masked: 138****1234 */
  farmerPhone: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** paging: pass as `before` for the next (older) page */
  cursor: z.string(),
});

export const summary = z.object({ mine: z.number(), queue: z.number(), overdue: z.number() });

export const ticketsResponse = z.object({ tickets: z.array(ticketItem) });

export const ticketDetail = z.object({
  ticket: ticketItem.extend({
    commodity: z.string().nullable(),
    onBehalfOf: z.string().nullable(),
    answeredAt: z.string().nullable(),
    closedAt: z.string().nullable(),
  }),
  passages: z.array(z.object({ documentId: z.string(), title: z.string(), score: z.number(), snippet: z.string() })),
  messages: z.array(
    z.object({ id: z.string(), author: z.string(), text: z.string(), intent: z.string().nullable(), createdAt: z.string() }),
  ),
  events: z.array(
    z.object({
      kind: z.string(),
      fromStatus: z.string().nullable(),
      toStatus: z.string().nullable(),
      actor: z.string(),
      assignee: z.string().nullable(),
      note: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
  knowledge: z.object({ id: z.string(), documentId: z.string().nullable(), retired: z.boolean() }).nullable(),
});

export const replyBody = z.object({
  text: z
    .string({ error: '请填写答复内容 text' })
    .trim()
    .min(1, '答复内容不能为空')
    .max(REPLY_MAX, `答复最多 ${REPLY_MAX} 个字`),
  saveToKnowledgeBase: z.boolean().optional(),
  /** the question as it should stand in the knowledge base (defaults to the farmer's words) */
  question: z.string().trim().min(2, '问题至少 2 个字').max(200, '问题最多 200 个字').optional(),
});

const expertAnswer = z.object({
  id: z.string(),
  ticketId: z.string(),
  documentId: z.string().nullable(),
  question: z.string(),
  answer: z.string(),
  category: z.string(),
  county: z.string().nullable(),
  authorName: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  retiredAt: z.string().nullable(),
});
export const expertAnswerResponse = expertAnswer;
export const expertAnswersResponse = z.object({ answers: z.array(expertAnswer) });

export const replyResponse = z.object({
  ticket: ticketItem,
  message: z.object({ id: z.string(), author: z.string(), text: z.string(), createdAt: z.string() }),
  delivery: z.object({ channel: z.enum(['web', 'sms', 'api']), sms: z.array(z.string()), smsError: z.string().optional() }),
  knowledge: z
    .object({ saved: z.boolean(), answer: expertAnswer.optional(), error: z.string().optional() })
    .optional(),
});

export const transferBody = z.object({
  to: z.string({ error: '请指定转给哪位专家 to（账号名或编号）' }).trim().min(1, '请指定转给哪位专家').max(64),
  note: z.string().trim().max(500, '备注最多 500 个字').optional(),
});

export const closeBody = z
  .object({ note: z.string().trim().max(500, '备注最多 500 个字').optional() })
  .nullish()
  .transform((b) => b ?? {});

export const saveKnowledgeBody = z
  .object({
    question: z.string().trim().min(2, '问题至少 2 个字').max(200, '问题最多 200 个字').optional(),
    answer: z.string().trim().min(1, '答复内容不能为空').max(REPLY_MAX, `答复最多 ${REPLY_MAX} 个字`).optional(),
  })
  .nullish()
  .transform((b) => b ?? {});

export const editAnswerBody = z.object({
  question: z.string().trim().min(2).max(200, '问题最多 200 个字').optional(),
  answer: z.string().trim().min(1, '答复内容不能为空').max(REPLY_MAX).optional(),
  category: z.enum(EXPERT_CATEGORIES).optional(),
  county: z.string().trim().min(1).max(50).nullable().optional(),
});

export const kbSearchQuery = z.object({
  q: z.string().trim().min(1, '请输入要搜索的内容').max(200, '搜索内容最多 200 个字'),
  category: z.enum(CATEGORIES).optional(),
  limit: z.coerce.number().int().min(1).max(20).default(8),
});

export const kbSearchResponse = z.object({
  hits: z.array(
    z.object({
      documentId: z.string(), title: z.string(), snippet: z.string(), content: z.string(), score: z.number(),
      reviewed: z.boolean(), source: z.string().nullable(),
    }),
  ),
});

export const cannedQuery = z.object({ category: z.enum(EXPERT_CATEGORIES).optional() });
export const cannedResponse = z.object({ answers: z.array(z.object({ title: z.string(), text: z.string() })) });

export const answerParams = z.object({ id: z.string().uuid('专家答复编号应为 UUID') });
export const answersQuery = z.object({ retired: z.enum(['true', 'false']).default('false').transform((v) => v === 'true') });
