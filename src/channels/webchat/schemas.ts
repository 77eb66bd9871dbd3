import { z } from 'zod';
import { citation } from '../../schemas/messages.ts';
import { clientId, deviceId, messageId, messageText, phoneQuery } from './protocol.ts';

// Schemas of the HTTP fallback (/webchat/api/*): the same messages as the WebSocket frames.

export const wireMessage = z.object({
  id: z.string(),
  conversationId: z.string(),
  author: z.enum(['farmer', 'bot', 'expert', 'officer', 'system']),
  text: z.string(),
  intent: z.string().optional(),
  citations: z.array(citation),
  quickReplies: z.array(z.string()),
  escalated: z.boolean(),
  ticketId: z.string().optional(),
  clientId: z.string().optional(),
  replyTo: z.string().optional(),
  onBehalfOf: z.string().optional(),
  createdAt: z.string(),
});

export const sendBody = z.object({ deviceId, clientId, text: messageText });

export const sendResponse = z.object({
  conversationId: z.string(),
  ack: z.object({ clientId: z.string(), messageId: z.string(), conversationId: z.string(), duplicate: z.boolean() }),
  messages: z.array(wireMessage),
});

export function pollQuery(maxWaitSeconds: number) {
  return z.object({
    deviceId,
    after: messageId.optional(),
    wait: z.coerce.number().int().min(0).max(maxWaitSeconds, `wait 最多 ${maxWaitSeconds} 秒`).default(maxWaitSeconds),
  });
}

export const pollResponse = z.object({
  conversationId: z.string(),
  role: z.enum(['farmer', 'officer']),
  messages: z.array(wireMessage),
  hasMore: z.boolean(),
});

export const historyBody = z.object({ phone: phoneQuery });
export const historyResponse = z.object({
  phone: z.string(),
  messages: z.array(wireMessage.extend({ channel: z.string() })),
});
