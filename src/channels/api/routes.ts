import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { getConversation, messagesAfter } from '../../conversations/store.ts';
import type { Message } from '../../conversations/types.ts';
import { notFound, forbidden } from '../../http/errors.ts';
import { requireRole } from '../../http/auth.ts';
import { errorResponse } from '../../schemas/common.ts';
import { conversationMessages, conversationMessagesQuery, messageBody, messageResponse } from '../../schemas/messages.ts';
import { canSeeConversation, conversationOutOfScope, recordScopeOf } from '../../conversations/scope.ts';
import { apiChannel } from './adapter.ts';
import { z } from 'zod';

/** The API channel: one farmer turn in, the assistant's replies out; and a conversation's later messages. */
export const messageRoutes: FastifyPluginAsyncZod = async (app) => {
  const callers = requireRole(app.resolveToken, 'admin', 'integration', 'officer');
  const readers = requireRole(app.resolveToken, 'admin', 'integration', 'officer');
  const channel = apiChannel(app.db.pool);

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
      if (body.onBehalfOf && principal.role === 'integration') {
        throw forbidden('代问只能由信息员或管理员账号发起');
      }
      const outcome = await app.turns.receive(channel, {
        text: body.text, channelMessageId: body.messageId, principal,
        conversationId: body.conversationId, onBehalfOf: body.onBehalfOf, from: body.from,
      });
      return {
        conversationId: outcome.conversation.id,
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
        summary: '会话里某条消息之后的消息（如专家的答复），从旧到新：信息员限本村本县和自己代问过的农户，接入方限自己创建的会话',
        security: [{ bearer: [] }],
        params: z.object({ id: z.string().uuid('会话编号应为 UUID') }),
        querystring: conversationMessagesQuery,
        response: { 200: conversationMessages, 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse },
      },
    },
    async (request) => {
      const conversation = await getConversation(app.db.pool, request.params.id);
      if (!conversation) throw notFound(`没有编号为 ${request.params.id} 的会话`);
      if (!(await canSeeConversation(app.db.pool, recordScopeOf(request.principal), conversation))) throw conversationOutOfScope();
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
