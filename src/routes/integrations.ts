import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Principal } from '../accounts/principal.ts';
import { findOrCreateConversation } from '../conversations/store.ts';
import { creatorKey } from '../conversations/scope.ts';
import { normalizePhone } from '../data/index.ts';
import { badRequest, forbidden, notFound } from '../http/errors.ts';
import { requireRole } from '../http/auth.ts';
import { closeHandoff, handoffMessage, openHandoff } from '../integrations/handoff.ts';
import { linkConversation } from '../integrations/links.ts';
import { outboxCounts } from '../integrations/outbox-store.ts';
import { disableWebhook, getWebhook, listWebhooks, registerWebhook, type Webhook } from '../integrations/webhooks.ts';
import { errorResponse } from '../schemas/common.ts';
import {
  handoffBody, handoffCloseBody, handoffCloseResponse, handoffMessageBody, handoffMessageResponse, handoffResponse,
  idParams, linkBody, linkResponse, ticketParams, webhookBody, webhookList, webhookResponse,
} from '../schemas/integrations.ts';
import { guarded, noSuch } from './guarded.ts';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };

function phoneOrError(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const r = normalizePhone(raw);
  if (!r.ok) throw badRequest(`phone：${r.reason}`, 'invalid_phone');
  if (!/^1\d{10}$/.test(r.phone)) throw badRequest('phone 应为手机号（11 位）', 'invalid_phone');
  return r.phone;
}

/** An integration owns the webhooks it registered; an administrator owns every one. */
const owns = (p: Principal, w: Webhook): boolean => p.role === 'admin' || w.integration === p.name;

/** The webhook named in a request, if the caller owns it and it is in use. */
async function ownWebhook(q: Parameters<typeof getWebhook>[0], p: Principal, id: string): Promise<Webhook> {
  const w = await getWebhook(q, id);
  if (!w || !owns(p, w)) throw notFound(`没有编号为 ${id} 的 webhook（请先注册）`);
  if (w.disabled) throw badRequest('这个 webhook 已停用，请重新注册', 'webhook_disabled');
  return w;
}

/**
 * Integrations (a Botpress bot) with their integration token: register the webhook later replies are
 * delivered to, link their conversations to ours, and hand a farmer to the expert team and back.
 */
export const integrationRoutes: FastifyPluginAsyncZod = async (app) => {
  const integrations = guarded(requireRole(app.resolveToken, 'integration', 'admin'), ['integrations']);
  const pool = app.db.pool;
  const esc = app.escalation;

  app.put(
    '/api/v1/integration/webhook',
    integrations({
      summary: '注册（或更新）接收后续答复的 webhook；返回签名密钥',
      body: webhookBody, response: { 200: webhookResponse, ...errors },
    }),
    async (request) => {
      const p = request.principal!;
      const { url, secret, label, integration } = request.body;
      if (integration && p.role !== 'admin') throw forbidden('只有管理员可以替其他集成注册 webhook');
      if (p.role === 'admin' && !integration) throw badRequest('管理员注册时请用 integration 写明是哪个集成令牌（例如 integration-1）');
      const w = await registerWebhook(pool, { integration: integration ?? p.name, url, secret, label });
      return { id: w.id, integration: w.integration, url: w.url, secret: w.secret, label: w.label, createdAt: w.createdAt };
    },
  );

  app.get(
    '/api/v1/integration/webhooks',
    integrations({ summary: '已注册的 webhook 和各自的投递情况', response: { 200: webhookList, ...errors } }),
    async (request) => {
      const p = request.principal!;
      const list = await listWebhooks(pool, p.role === 'admin' ? undefined : p.name);
      return {
        webhooks: await Promise.all(list.map(async (w) => ({
          id: w.id, integration: w.integration, url: w.url, label: w.label, disabled: w.disabled, createdAt: w.createdAt,
          outbox: await outboxCounts(pool, w.id),
        }))),
      };
    },
  );

  app.delete(
    '/api/v1/integration/webhooks/:id',
    integrations({ summary: '停用 webhook（集成被卸载）', params: idParams, response: { 204: z.null(), ...errors } }),
    async (request, reply) => {
      const w = await getWebhook(pool, request.params.id);
      const p = request.principal!;
      if (!w || !owns(p, w)) throw noSuch(' webhook', request.params.id);
      await disableWebhook(pool, w.integration, w.url);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/integration/conversations',
    integrations({
      summary: '对方平台的一个会话对应我们的一个会话；之后的专家答复投递到 webhook',
      body: linkBody, response: { 200: linkResponse, ...errors },
    }),
    async (request) => {
      const b = request.body;
      const w = await ownWebhook(pool, request.principal!, b.webhookId);
      // Opened by this integration: only it (and administrators) may post into it by id (conversations/scope.ts).
      const conversation = await findOrCreateConversation(pool, {
        channel: 'api', webId: b.webId, phone: phoneOrError(b.phone), createdBy: creatorKey(request.principal!),
      });
      await linkConversation(pool, {
        conversationId: conversation.id, webhookId: w.id, kind: 'chat', externalId: b.externalId,
        externalUserId: b.externalUserId ?? null,
      });
      return { conversationId: conversation.id, webhookId: w.id };
    },
  );

  app.post(
    '/api/v1/integration/handoffs',
    integrations({
      summary: '转人工：带着此前的对话给专家团队开一个问题',
      body: handoffBody, response: { 200: handoffResponse, ...errors },
    }),
    async (request) => {
      const b = request.body;
      const w = await ownWebhook(pool, request.principal!, b.webhookId);
      const h = await openHandoff(esc.ctx, w, {
        externalId: b.externalId, externalUserId: b.externalUserId, webId: b.webId, phone: phoneOrError(b.phone),
        title: b.title, description: b.description, transcript: b.transcript, category: b.category, county: b.county,
      });
      return {
        conversationId: h.conversationId, ticketId: h.ticket.id, status: h.ticket.status, category: h.ticket.category,
        assignee: h.ticket.assigneeName, wait: h.wait, duplicate: h.duplicate,
      };
    },
  );

  app.post(
    '/api/v1/integration/handoffs/:ticketId/messages',
    integrations({
      summary: '转人工期间农户的话，加到专家的问题里',
      params: ticketParams, body: handoffMessageBody, response: { 200: handoffMessageResponse, ...errors },
    }),
    async (request) => {
      const w = await ownWebhook(pool, request.principal!, request.body.webhookId);
      const r = await handoffMessage(esc.ctx, w, request.params.ticketId, request.body);
      return { messageId: r.message.id, status: r.ticket.status, duplicate: r.duplicate };
    },
  );

  app.post(
    '/api/v1/integration/handoffs/:ticketId/close',
    integrations({
      summary: '结束转人工：关闭问题，会话交还机器人',
      params: ticketParams, body: handoffCloseBody, response: { 200: handoffCloseResponse, ...errors },
    }),
    async (request) => {
      const w = await ownWebhook(pool, request.principal!, request.body.webhookId);
      const t = await closeHandoff(esc.ctx, w, request.params.ticketId, request.body.reason);
      return { ticketId: t.id, status: t.status };
    },
  );
};
