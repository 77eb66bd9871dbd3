import { z } from 'zod';
import { MAX_MESSAGE_CHARS } from '../../conversations/limits.ts';
import type { Author, Citation, Message } from '../../conversations/types.ts';
import { issuesMessage, zhIssue } from '../../http/validation.ts';
import { cleanDeep } from '../../privacy/clean-text.ts';
import { forbiddenKeyMessage, forbiddenKeyPath } from '../../http/json-body.ts';

// The JSON frames of /ws/chat, described for people in docs/webchat-protocol.md. Client frames are checked
// here; anything else gets an error frame that names what is wrong, never a crash.

/** A browser's device id: random and long enough that nobody guesses another farmer's. */
export const deviceId = z
  .string({ error: 'deviceId 缺失' })
  .regex(/^[A-Za-z0-9_-]{16,128}$/, 'deviceId 应为 16 到 128 位的字母、数字、下划线或短横线');
export const clientId = z
  .string({ error: 'clientId 缺失' })
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'clientId 应为 1 到 64 位的字母、数字或 _.:-');
export const messageId = z.string().regex(/^\d{1,18}$/, '消息编号应为数字');
export const messageText = z
  .string({ error: '请提供 text（要问的问题）' })
  .max(MAX_MESSAGE_CHARS, `一条消息最多 ${MAX_MESSAGE_CHARS} 个字，请分几次问`);
export const phoneQuery = z.string().trim().regex(/^(\+?86)?1[3-9]\d{9}$/, '请填写 11 位手机号');

export const clientFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    deviceId,
    lastSeenId: messageId.optional(),
    /** an officer's or admin's bearer token: officer mode */
    token: z.string().min(1).max(512).optional(),
  }),
  z.object({ type: z.literal('message'), clientId, text: messageText }),
  z.object({ type: z.literal('typing') }),
  z.object({ type: z.literal('ping'), t: z.number().optional() }),
  /** officer mode: a farmer's earlier questions and answers, by phone */
  z.object({ type: z.literal('history'), phone: phoneQuery }),
]);
export type ClientFrame = z.infer<typeof clientFrame>;
export const FRAME_TYPES = ['hello', 'message', 'typing', 'ping', 'history'] as const;

/** A message as the page sees it. */
export interface WireMessage {
  id: string;
  conversationId: string;
  author: Author;
  text: string;
  /** on the assistant's replies: policy, agronomy, price, labor, supply, service, programme, … */
  intent?: string;
  citations: Citation[];
  quickReplies: string[];
  escalated: boolean;
  ticketId?: string;
  /** the sender's clientId, on the farmer's or officer's own messages */
  clientId?: string;
  replyTo?: string;
  /** set on messages of a farmer's conversation an officer asked in (代问): that farmer's phone */
  onBehalfOf?: string;
  createdAt: string;
}

/** Messages sent on (re)connect at most; `hasMore` tells the page to reconnect (or poll again) for the rest. */
export const RESUME_LIMIT = 500;

export type ServerFrame =
  | { type: 'welcome'; conversationId: string; role: 'farmer' | 'officer'; name?: string; messages: WireMessage[]; hasMore: boolean }
  | { type: 'ack'; clientId: string; messageId: string; conversationId: string; duplicate: boolean }
  | ({ type: 'message' } & WireMessage)
  | { type: 'typing'; active: boolean }
  | { type: 'pong'; t?: number }
  | { type: 'history'; phone: string; messages: (WireMessage & { channel: string })[] }
  | { type: 'error'; code: ErrorCode; message: string; clientId?: string; retryAfterMs?: number };

export type ErrorCode =
  | 'invalid_json' | 'unknown_type' | 'invalid_frame' | 'hello_first' | 'too_large' | 'rate_limited'
  | 'invalid_token' | 'forbidden' | 'internal';

export function toWire(m: Message, extra: { ticketId?: string; onBehalfOf?: string } = {}): WireMessage {
  return {
    id: m.id,
    conversationId: m.conversationId,
    author: m.author,
    text: m.text,
    ...(m.author === 'bot' && m.intent ? { intent: m.intent } : {}),
    citations: m.citations,
    quickReplies: m.quickReplies,
    escalated: m.escalated,
    ...(extra.ticketId ? { ticketId: extra.ticketId } : {}),
    ...(m.channelMessageId && (m.author === 'farmer' || m.author === 'officer') ? { clientId: m.channelMessageId } : {}),
    ...(m.replyTo ? { replyTo: m.replyTo } : {}),
    ...(extra.onBehalfOf ? { onBehalfOf: extra.onBehalfOf } : {}),
    createdAt: m.createdAt,
  };
}

export type ParsedFrame = { ok: true; frame: ClientFrame } | { ok: false; code: ErrorCode; message: string };

/** Read one text frame: JSON, a known type, valid fields; otherwise the error to send back. */
export function parseFrame(raw: string): ParsedFrame {
  let data: unknown;
  try {
    // The same cleaning as every HTTP request gets (src/http/input.ts): no NUL or half a character below.
    data = cleanDeep(JSON.parse(raw));
  } catch {
    return { ok: false, code: 'invalid_json', message: '消息格式不对：不是有效的 JSON' };
  }
  const forbidden = forbiddenKeyPath(data);
  if (forbidden) return { ok: false, code: 'invalid_frame', message: `消息内容有误：${forbiddenKeyMessage(forbidden)}` };
  const type = (data as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !(FRAME_TYPES as readonly string[]).includes(type)) {
    return { ok: false, code: 'unknown_type', message: `不认识的消息类型：${String(type ?? '（缺少 type）').slice(0, 40)}` };
  }
  const parsed = clientFrame.safeParse(data, { error: zhIssue });
  if (!parsed.success) {
    const details = issuesMessage(parsed.error.issues);
    return { ok: false, code: 'invalid_frame', message: `消息内容有误：${details}` };
  }
  return { ok: true, frame: parsed.data };
}
