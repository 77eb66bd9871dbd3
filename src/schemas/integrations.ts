import { z } from 'zod';
import { MAX_MESSAGE_CHARS } from '../conversations/limits.ts';
import { cleanMessageText } from '../privacy/clean-text.ts';

/**
 * A farmer's text relayed by an integration: NUL bytes and broken characters were cleaned at the edge
 * (src/http/input.ts); control characters and replacement marks go here, as the turn pipeline drops them.
 */
const farmerText = (what: string) =>
  z
    .string({ error: `请提供 ${what}` })
    .overwrite(cleanMessageText)
    .trim()
    .min(1, `${what} 是空的`)
    .max(MAX_MESSAGE_CHARS, `${what} 最多 ${MAX_MESSAGE_CHARS} 个字`);

const uuid = (what: string) => z.string().uuid(`${what} 应为 UUID`);
const externalId = z.string().trim().min(1, '请提供 externalId（对方平台的会话编号）').max(200, 'externalId 太长');
const webId = z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, 'webId 应为 8 到 128 位的字母、数字、下划线或短横线');
const phone = z.string().trim().min(5, '手机号太短').max(20, '手机号太长');

export const webhookBody = z.object({
  url: z
    .string({ error: '请提供 url（接收答复的 webhook 地址）' })
    .max(2000, 'url 太长')
    .url('url 应为完整的 http(s) 地址')
    .refine((u) => /^https?:\/\//i.test(u), 'url 应以 http:// 或 https:// 开头'),
  secret: z.string().min(32, 'secret 至少 32 个字符（不填则由服务器生成）').max(200, 'secret 太长').optional(),
  label: z.string().trim().max(100, 'label 最多 100 个字').optional(),
  /** administrators register a webhook on an integration's behalf: its token name (integration-1 …) */
  integration: z.string().regex(/^[\w.-]{1,64}$/, 'integration 应为集成令牌的名称，例如 integration-1').optional(),
});

export const webhookResponse = z.object({
  id: z.string(),
  integration: z.string(),
  url: z.string(),
  secret: z.string(),
  label: z.string().nullable(),
  createdAt: z.string(),
});

export const webhookList = z.object({
  webhooks: z.array(
    z.object({
      id: z.string(),
      integration: z.string(),
      url: z.string(),
      label: z.string().nullable(),
      disabled: z.boolean(),
      createdAt: z.string(),
      outbox: z.object({ queued: z.number(), sending: z.number(), sent: z.number(), failed: z.number() }),
    }),
  ),
});

export const idParams = z.object({ id: uuid('编号') });

export const linkBody = z.object({
  webhookId: uuid('webhookId'),
  externalId,
  externalUserId: z.string().max(200).optional(),
  webId,
  phone: phone.optional(),
});

export const linkResponse = z.object({ conversationId: z.string(), webhookId: z.string() });

export const handoffBody = z.object({
  webhookId: uuid('webhookId'),
  externalId,
  externalUserId: z.string().max(200).optional(),
  webId,
  phone: phone.optional(),
  title: farmerText('title（农户要问专家的问题）'),
  description: z.string().max(MAX_MESSAGE_CHARS).optional(),
  transcript: z
    .array(z.object({ from: z.enum(['farmer', 'bot']), text: farmerText('transcript.text') }))
    .max(50, '对话记录最多带 50 条（最近的）')
    .default([]),
  category: z.string().max(10).optional(),
  county: z.string().max(20).optional(),
});

export const handoffResponse = z.object({
  conversationId: z.string(),
  ticketId: z.string(),
  status: z.string(),
  category: z.string(),
  assignee: z.string().nullable(),
  wait: z.string(),
  duplicate: z.boolean(),
});

export const handoffMessageBody = z.object({
  webhookId: uuid('webhookId'),
  text: farmerText('text'),
  messageId: z.string().min(1).max(200).optional(),
});

export const handoffMessageResponse = z.object({ messageId: z.string(), status: z.string(), duplicate: z.boolean() });

export const handoffCloseBody = z.object({
  webhookId: uuid('webhookId'),
  reason: z.enum(['cancel', 'timeout', 'done']).default('cancel'),
});

export const handoffCloseResponse = z.object({ ticketId: z.string(), status: z.string() });

export const ticketParams = z.object({ ticketId: uuid('ticketId') });
