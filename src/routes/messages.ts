import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { normalizePhone } from '../data/index.ts';
import { findOrCreateConversation, getConversation, messagesAfter } from '../conversations/store.ts';
import type { Conversation, Message } from '../conversations/types.ts';
import { badRequest, notFound, forbidden, HttpError } from '../http/errors.ts';
import { canSeeConversation, creatorKey, recordAskedFor, recordScopeOf } from '../conversations/scope.ts';
import { requireRole } from '../http/auth.ts';
import { errorResponse } from '../schemas/common.ts';
import { conversationMessages, conversationMessagesQuery, messageBody, messageResponse } from '../schemas/messages.ts';
import { z } from 'zod';

function phoneOrError(raw: string, field: string): string {
  const r = normalizePhone(raw);
  if (!r.ok) throw badRequest(`${field}：${r.reason}`, 'invalid_phone');
  if (!/^1\d{10}$/.test(r.phone)) throw badRequest(`${field} 应为手机号（11 位）`, 'invalid_phone');
  return r.phone;
}

const outOfScope = () =>
  new HttpError(403, 'out_of_scope', '这个会话不在您的范围内：信息员只能查看本村本县的农户和自己代问过的农户，接入方只能查看自己创建的会话');

/** The API channel: one farmer turn in, the assistant's replies out; and a conversation's later messages. */
export const messageRoutes: FastifyPluginAsyncZod = async (app) => {
  const callers = requireRole(app.resolveToken, 'admin', 'integration', 'officer');
  const readers = requireRole(app.resolveToken, 'admin', 'integration', 'officer');

  app.post(
    '/api/v1/messages',
    {
      onRequest: callers,
      schema: {
        tags: ['messages'],
        summary: '农民的一句话（或信息员代问），返回助手的答复',
        security: [{ bearer: [] }],
        body: messageBody,
        response: { 200: messageResponse, 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse },
      },
    },
    async (request) => {
      const body = request.body;
      const principal = request.principal!;
      const scope = recordScopeOf(principal);
      const createdBy = creatorKey(principal);
      const officer = principal.role === 'officer';
      let conversation: Conversation | undefined;
      /** the farmer an officer writes for: their record becomes readable to the officer (代问) */
      let askedFor: string | undefined;
      if (body.onBehalfOf && principal.role === 'integration') {
        throw forbidden('代问只能由信息员或管理员账号发起');
      }
      if (body.conversationId) {
        conversation = await getConversation(app.db.pool, body.conversationId);
        if (!conversation) throw notFound(`没有编号为 ${body.conversationId} 的会话`);
        if (!(await canSeeConversation(app.db.pool, scope, conversation))) throw outOfScope();
      } else if (body.onBehalfOf) {
        askedFor = phoneOrError(body.onBehalfOf.phone, 'onBehalfOf.phone');
        conversation = await findOrCreateConversation(app.db.pool, { channel: 'api', phone: askedFor, createdBy });
      } else if (body.from.webId) {
        if (officer) throw forbidden('信息员替农户提问请用 onBehalfOf.phone 写明农户手机号（代问）');
        conversation = await findOrCreateConversation(app.db.pool, {
          channel: 'api', webId: body.from.webId, phone: body.from.phone ? phoneOrError(body.from.phone, 'from.phone') : undefined, createdBy,
        });
      } else {
        const phone = phoneOrError(body.from.phone!, 'from.phone');
        // An officer naming a farmer's phone is asking for that farmer: stored as the officer's words.
        if (officer) askedFor = phone;
        conversation = await findOrCreateConversation(app.db.pool, { channel: 'api', phone, createdBy });
      }
      if (officer && askedFor) await recordAskedFor(app.db.pool, principal, askedFor);
      const outcome = await app.agent.handle({
        conversationId: conversation.id,
        text: body.text,
        // An officer's words are the officer's, never the farmer's; an integration relays the farmer's own.
        author: body.onBehalfOf || officer ? 'officer' : 'farmer',
        principal,
        channelMessageId: body.messageId,
      });
      return {
        conversationId: conversation.id,
        duplicate: outcome.duplicate,
        replies: outcome.replies.map((m) => toReply(m, outcome.tickets[m.id])),
      };
    },
  );

  app.get(
    '/api/v1/conversations/:id/messages',
    {
      onRequest: readers,
      schema: {
        tags: ['messages'],
        summary: '会话里某条消息之后的消息（如专家的答复），从旧到新',
        security: [{ bearer: [] }],
        params: z.object({ id: z.string().uuid('会话编号应为 UUID') }),
        querystring: conversationMessagesQuery,
        response: { 200: conversationMessages, 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse },
      },
    },
    async (request) => {
      const conversation = await getConversation(app.db.pool, request.params.id);
      if (!conversation) throw notFound(`没有编号为 ${request.params.id} 的会话`);
      if (!(await canSeeConversation(app.db.pool, recordScopeOf(request.principal), conversation))) throw outOfScope();
      const messages = await messagesAfter(app.db.pool, conversation.id, request.query.after ?? '0', request.query.limit);
      return {
        messages: messages.map((m) => ({
          id: m.id, author: m.author, text: m.text, intent: m.intent, citations: m.citations,
          escalated: m.escalated, createdAt: m.createdAt,
        })),
      };
    },
  );
};

function toReply(m: Message, ticketId: string | undefined) {
  return {
    id: m.id,
    text: m.text,
    intent: (m.intent ?? 'unknown') as never,
    confidence: m.confidence ?? 0,
    citations: m.citations,
    quickReplies: m.quickReplies,
    escalated: m.escalated,
    ...(ticketId ? { ticketId } : {}),
  };
}
