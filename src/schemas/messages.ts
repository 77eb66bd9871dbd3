import { z } from 'zod';
import { INTENTS } from '../conversations/intents.ts';
import { MAX_MESSAGE_CHARS } from '../conversations/limits.ts';

const phone = z.string().trim().min(5, '手机号太短').max(20, '手机号太长');

export const messageBody = z
  .object({
    text: z
      .string({ error: '请提供 text（要问的问题）' })
      .max(MAX_MESSAGE_CHARS, `一条消息最多 ${MAX_MESSAGE_CHARS} 个字，请分几次问`),
    from: z
      .object({
        phone: phone.optional(),
        webId: z
          .string()
          .regex(/^[A-Za-z0-9_-]{8,128}$/, 'webId 应为 8 到 128 位的字母、数字、下划线或短横线')
          .optional(),
      })
      .default({}),
    conversationId: z.string().uuid('conversationId 应为会话编号（UUID）').optional(),
    onBehalfOf: z.object({ phone }).optional(),
    /** the caller's id of this message: a resend with the same id is answered once */
    messageId: z.string().min(1).max(128).optional(),
  })
  .refine((b) => b.conversationId || b.from.phone || b.from.webId || b.onBehalfOf, {
    message: '请提供 from.phone、from.webId 或 conversationId 之一，说明是谁在问',
    path: ['from'],
  });

export const citation = z.object({
  documentId: z.string(),
  title: z.string(),
  source: z.string().optional(),
  snippet: z.string(),
  notice: z.string().optional(),
});

export const reply = z.object({
  id: z.string(),
  text: z.string(),
  intent: z.enum(INTENTS),
  confidence: z.number(),
  citations: z.array(citation),
  quickReplies: z.array(z.string()),
  escalated: z.boolean(),
  ticketId: z.string().optional(),
});

export const messageResponse = z.object({
  conversationId: z.string(),
  duplicate: z.boolean(),
  replies: z.array(reply),
});

export const conversationMessagesQuery = z.object({
  after: z.string().regex(/^\d{1,18}$/, 'after 应为消息编号（数字）').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export const conversationMessages = z.object({
  messages: z.array(
    z.object({
      id: z.string(),
      author: z.enum(['farmer', 'bot', 'expert', 'officer', 'system']),
      text: z.string(),
      intent: z.string().nullable(),
      citations: z.array(citation),
      escalated: z.boolean(),
      createdAt: z.string(),
    }),
  ),
});
