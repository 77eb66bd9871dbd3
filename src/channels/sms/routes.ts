import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError } from '../../http/errors.ts';
import { errorResponse } from '../../schemas/common.ts';
import { InboundRejected, receiveSms, type InboundDeps, type InboundResult } from './inbound.ts';
import { recordReceipt } from './outbox-store.ts';
import { inboundDeps } from './service.ts';
import { acceptSignedJson } from '../../http/signed-json.ts';

const WEBHOOK_BODY_LIMIT = 64 * 1024;

const inboundBody = z.object({
  id: z.union([z.string().min(1, 'id 不能为空').max(200, 'id 最多 200 个字符'), z.number().int().transform(String)], { error: '缺少 id（网关的短信编号）' }),
  from: z.string({ error: '缺少 from（发信手机号）' }),
  to: z.string({ error: '缺少 to（收信号码）' }).max(32, 'to 太长'),
  text: z.string({ error: '缺少 text（短信内容）' }),
  receivedAt: z.string().datetime({ offset: true, error: 'receivedAt 应为 ISO 8601 时间，如 2026-11-28T08:00:00+08:00' }).optional(),
});

const inboundResponse = z.object({
  status: z.enum(['handled', 'duplicate', 'in_progress', 'stored']),
  conversationId: z.string().optional(),
  queued: z.number(),
});

const statusBody = z.object({
  id: z.union([z.string().min(1).max(200), z.number().int().transform(String)], { error: '缺少 id（网关的短信编号）' }),
  status: z.string({ error: '缺少 status（投递状态）' }).min(1).max(40),
  error: z.string().max(500).optional(),
});

function toHttp(err: unknown): never {
  if (err instanceof InboundRejected) throw new HttpError(err.code === 'text_too_long' ? 413 : 400, err.code, err.message);
  throw err;
}

function answer(result: InboundResult) {
  return { status: result.status, conversationId: result.conversationId, queued: result.outbox.length };
}

/**
 * The generic HTTP gateway's webhooks (docs/architecture.md, README "SMS"). The signature covers the raw bytes, so this plugin reads
 * JSON itself: check the signature first (401, nothing stored), then UTF-8 and JSON (400), then the fields.
 */
const httpWebhooks: FastifyPluginAsyncZod<{ inbound: InboundDeps; secret: string; maxAge: number }> = async (app, opts) => {
  acceptSignedJson(app, { secret: opts.secret, maxAge: opts.maxAge, bodyLimit: WEBHOOK_BODY_LIMIT, encodingHint: '，请检查网关的字符编码' });

  app.post('/webhooks/sms/http', {
    schema: {
      tags: ['sms'], summary: '短信网关推送的上行短信（签名）', body: inboundBody,
      response: { 200: inboundResponse, 202: inboundResponse, 400: errorResponse, 401: errorResponse, 413: errorResponse },
    },
  }, async (request, reply) => {
    const b = request.body;
    const result = await receiveSms(opts.inbound, {
      gateway: 'http', gatewayMessageId: b.id, from: b.from, to: b.to, text: b.text,
      receivedAt: b.receivedAt ? new Date(b.receivedAt) : undefined,
    }, (err) => request.log.error({ err }, 'SMS stored; its turn failed and will be retried')).catch(toHttp);
    // Stored but not yet answered: accepted all the same, the sweeper finishes it.
    return reply.status(result.status === 'stored' ? 202 : 200).send(answer(result));
  });

  app.post('/webhooks/sms/http/status', {
    schema: {
      tags: ['sms'], summary: '短信网关的投递回执（签名）', body: statusBody,
      response: { 200: z.object({ matched: z.boolean() }), 400: errorResponse, 401: errorResponse },
    },
  }, async (request) => {
    const b = request.body;
    return { matched: await recordReceipt(opts.inbound.pool, 'http', b.id, b.status, b.error) };
  });
};

/** Development only: text the assistant as a phone would, and see the replies the console gateway prints. */
const consoleWebhook: FastifyPluginAsyncZod<{ inbound: InboundDeps }> = async (app, opts) => {
  app.post('/webhooks/sms/console', {
    schema: {
      tags: ['sms'], summary: '开发用：模拟手机发短信（仅 SMS_GATEWAY=console 且非生产环境）',
      body: z.object({ from: z.string({ error: '缺少 from（手机号）' }), text: z.string({ error: '缺少 text' }), id: z.string().max(200).optional() }),
      response: { 200: inboundResponse.extend({ replies: z.array(z.string()) }), 202: inboundResponse.extend({ replies: z.array(z.string()) }), 400: errorResponse, 413: errorResponse },
    },
  }, async (request, reply) => {
    const b = request.body;
    const result = await receiveSms(opts.inbound, { gateway: 'console', gatewayMessageId: b.id ?? randomUUID(), from: b.from, text: b.text }).catch(toHttp);
    const { rows } = result.outbox.length
      ? await opts.inbound.pool.query<{ text: string }>(`SELECT text FROM sms_outbox WHERE id = ANY($1) ORDER BY created_at, seq`, [result.outbox])
      : { rows: [] };
    return reply.status(result.status === 'stored' ? 202 : 200).send({ ...answer(result), replies: rows.map((r) => r.text) });
  });
};

/** SMS webhooks: the HTTP gateway's when SMS_HTTP_SECRET is set; the console route in development. */
export const smsRoutes: FastifyPluginAsyncZod = async (app) => {
  const config = app.config;
  const inbound = inboundDeps(config, app.db.pool, app.turns);
  if (config.SMS_HTTP_SECRET) {
    await app.register(httpWebhooks, { inbound, secret: config.SMS_HTTP_SECRET, maxAge: config.SMS_SIGNATURE_MAX_AGE_SECONDS });
  }
  if (config.SMS_GATEWAY === 'console' && config.NODE_ENV !== 'production') {
    await app.register(consoleWebhook, { inbound });
  }
};
