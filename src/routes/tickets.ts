import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../http/auth.ts';
import { cannedFor } from '../escalation/canned.ts';
import { editExpertAnswer, listExpertAnswers, retireExpertAnswer } from '../escalation/answers.ts';
import { listTickets, ticketSummary } from '../escalation/queries.ts';
import { canSee, scopeOf } from '../escalation/scope.ts';
import { getTicket } from '../escalation/tickets.ts';
import { resolveTicketRef } from '../escalation/resolve.ts';
import { refused } from '../escalation/errors.ts';
import { ticketDetail, ticketItem } from '../escalation/view.ts';
import { actorOf } from '../escalation/context.ts';
import { ticketStreamHandler } from './ticket-stream.ts';
import { guarded, noSuch } from './guarded.ts';
import { errorResponse } from '../schemas/common.ts';
import {
  answerParams, answersQuery, cannedQuery, cannedResponse, closeBody, editAnswerBody, expertAnswerResponse,
  expertAnswersResponse, kbSearchQuery, kbSearchResponse, replyBody,
  replyResponse, saveKnowledgeBody, summary, ticketDetail as ticketDetailSchema, ticketItem as ticketItemSchema,
  ticketParams, ticketsQuery, ticketsResponse, transferBody,
} from '../schemas/tickets.ts';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };

/**
 * The expert team's tickets: lists in the caller's scope, the ticket page, and the
 * actions claim, reply, transfer, close and save-to-knowledge-base. Experts act on their own tickets,
 * administrators on any; officers only read the tickets of farmers they asked for.
 */
export const ticketRoutes: FastifyPluginAsyncZod = async (app) => {
  const readers = guarded(requireRole(app.resolveToken, 'admin', 'expert', 'officer'), ['tickets']);
  const workers = guarded(requireRole(app.resolveToken, 'admin', 'expert'), ['tickets']);
  const experts = guarded(requireRole(app.resolveToken, 'expert'), ['tickets']);
  const esc = app.escalation;
  const now = () => esc.ctx.now();
  // The 8-digit 问题编号 the farmer was shown works wherever the whole id does: resolved in the caller's scope.
  app.addHook('preHandler', async (request) => {
    const params = request.params as { id?: string } | undefined;
    if (!params?.id || !request.principal || !request.routeOptions.url?.startsWith('/api/v1/tickets/:id')) return;
    params.id = await resolveTicketRef(app.db.pool, scopeOf(request.principal), params.id);
  });

  app.get(
    '/api/v1/tickets',
    readers({
      querystring: ticketsQuery, response: { 200: ticketsResponse, ...errors },
      summary: '问题列表：view=scope（我能看到的，新到旧）、mine（我负责的）、queue（待认领，按紧急和时限）',
    }),
    async (request) => {
      const { view, status, category, county, number, limit, before } = request.query;
      const [createdAt, id] = before ? before.split('|') : [];
      const tickets = await listTickets(app.db.pool, scopeOf(request.principal!), {
        view, statuses: status, category, county, number, limit, before: before ? { createdAt, id } : undefined,
      });
      const at = now();
      return { tickets: tickets.map((t) => ticketItem(t, at)) };
    },
  );

  app.get(
    '/api/v1/tickets/summary',
    workers({ summary: '角标数字：我负责的、待认领的、超时未答的', response: { 200: summary, ...errors } }),
    async (request) => ticketSummary(app.db.pool, scopeOf(request.principal!), now()),
  );

  app.get(
    '/api/v1/tickets/stream',
    workers({ summary: '问题变化的实时推送（Server-Sent Events）' }),
    ticketStreamHandler(app),
  );

  app.get(
    '/api/v1/tickets/canned',
    workers({ summary: '常用答复', querystring: cannedQuery, response: { 200: cannedResponse, ...errors } }),
    async (request) => ({ answers: cannedFor(request.query.category).map(({ title, text }) => ({ title, text })) }),
  );

  app.get(
    '/api/v1/tickets/kb-search',
    workers({
      summary: '专家台里检索知识库', querystring: kbSearchQuery, response: { 200: kbSearchResponse, ...errors },
    }),
    async (request) => {
      const { q, category, limit } = request.query;
      const hits = await app.knowledge.retriever.search(q, { limit, categories: category ? [category] : undefined });
      return {
        hits: hits.map((h) => ({
          documentId: h.documentId, title: h.title, snippet: h.snippet, content: h.content, score: h.score,
          reviewed: h.reviewed, source: h.source,
        })),
      };
    },
  );

  app.get(
    '/api/v1/tickets/:id',
    readers({
      params: ticketParams, summary: '问题详情：整段对话（手机号打码）、助手找到的资料、处理记录',
      response: { 200: ticketDetailSchema, ...errors },
    }),
    async (request) => {
      const t = await getTicket(app.db.pool, request.params.id);
      if (!t) throw noSuch('问题', request.params.id);
      if (!(await canSee(app.db.pool, scopeOf(request.principal!), t))) {
        throw refused('out_of_scope', '这个问题不在您的专业或服务区县范围内');
      }
      return ticketDetail(app.db.pool, t, now());
    },
  );

  app.post(
    '/api/v1/tickets/:id/claim',
    experts({ params: ticketParams, summary: '认领队列里的问题', response: { 200: ticketItemSchema, ...errors } }),
    async (request) => ticketItem(await esc.claim(request.principal!, request.params.id), now()),
  );

  app.post(
    '/api/v1/tickets/:id/reply',
    workers({
      params: ticketParams, body: replyBody, response: { 200: replyResponse, ...errors },
      summary: '答复农户（网页实时送达，短信用户发短信）；saveToKnowledgeBase 同时存入知识库',
    }),
    async (request) => {
      const r = await esc.reply(request.principal!, request.params.id, request.body);
      return {
        ticket: ticketItem(r.ticket, now()),
        message: { id: r.message.id, author: r.message.author, text: r.message.text, createdAt: r.message.createdAt },
        delivery: r.delivery,
        ...(r.knowledge ? { knowledge: r.knowledge } : {}),
      };
    },
  );

  app.post(
    '/api/v1/tickets/:id/transfer',
    workers({
      params: ticketParams, body: transferBody, summary: '转交给另一位专家（to：账号名或编号）',
      response: { 200: ticketItemSchema, ...errors },
    }),
    async (request) => ticketItem(await esc.transfer(request.principal!, request.params.id, request.body), now()),
  );

  app.post(
    '/api/v1/tickets/:id/close',
    workers({
      params: ticketParams, body: closeBody, summary: '关闭问题，对话交还给助手',
      response: { 200: ticketItemSchema, ...errors },
    }),
    async (request) => ticketItem(await esc.close(request.principal!, request.params.id, request.body.note), now()),
  );

  app.post(
    '/api/v1/tickets/:id/knowledge',
    workers({
      params: ticketParams, body: saveKnowledgeBody,
      summary: '把专家答复存入知识库（经审核的问答，助手以后直接引用）', response: { 200: expertAnswerResponse, ...errors },
    }),
    async (request) => esc.saveToKnowledge(request.principal!, request.params.id, request.body),
  );
};

/** An administrator's view of expert answers in the knowledge base: list, correct, retire. */
export const expertAnswerRoutes: FastifyPluginAsyncZod = async (app) => {
  const adminOnly = guarded(requireRole(app.resolveToken, 'admin'), ['knowledge']);
  const esc = app.escalation;

  app.get(
    '/api/v1/expert-answers',
    adminOnly({
      summary: '存入知识库的专家答复（retired=true 含已停用的）', querystring: answersQuery,
      response: { 200: expertAnswersResponse, ...errors },
    }),
    async (request) => ({ answers: await listExpertAnswers(app.db.pool, { includeRetired: request.query.retired }) }),
  );

  app.patch(
    '/api/v1/expert-answers/:id',
    adminOnly({
      params: answerParams, body: editAnswerBody, summary: '修改一条专家答复（知识库随之更新）',
      response: { 200: expertAnswerResponse, ...errors },
    }),
    async (request) => editExpertAnswer(esc.ctx, request.params.id, actorOf(request.principal!), request.body),
  );

  app.delete(
    '/api/v1/expert-answers/:id',
    adminOnly({
      params: answerParams, summary: '停用一条专家答复（从知识库移除，记录保留）',
      response: { 200: expertAnswerResponse, ...errors },
    }),
    async (request) => retireExpertAnswer(esc.ctx, request.params.id, actorOf(request.principal!)),
  );
};
