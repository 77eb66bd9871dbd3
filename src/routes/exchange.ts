import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { badRequest, unauthorized } from '../http/errors.ts';
import { bearerToken } from '../http/auth.ts';
import { errorResponse } from '../schemas/common.ts';
import { exchangePageQuery, noticeBody, noticeStored, progressFeed, serviceRecordsPage } from '../schemas/services.ts';
import { acceptSignedJson } from '../http/signed-json.ts';
import { decodeCursor, encodeCursor, FEED_VERSION, rolloutProgress, serviceRecords } from '../services/exchange/feed.ts';
import { noticeDocument } from '../services/exchange/notices.ts';
import { recordEvent } from '../services/actor.ts';
import { guarded } from './guarded.ts';

const NOTICE_BODY_LIMIT = 1024 * 1024;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Pull: the province reads the versioned feed with EXCHANGE_TOKEN, page by page (docs/exchange.md). */
const pullRoutes: FastifyPluginAsyncZod<{ token: string }> = async (app, opts) => {
  const province = guarded(async (request) => {
    const token = bearerToken(request);
    if (!token || !sameSecret(token, opts.token)) throw unauthorized('交换令牌无效：请在 Authorization 头里带上 Bearer <EXCHANGE_TOKEN>');
  }, ['exchange']);

  app.get('/api/v1/exchange/v1/service-records', province({
    summary: '服务记录（问题类别、渠道、是否转专家、时间；不含手机号和姓名），按游标分页',
    querystring: exchangePageQuery, response: { 200: serviceRecordsPage, 400: errorResponse, 401: errorResponse },
  }), async (request) => {
    const after = decodeCursor(request.query.cursor);
    if (after === 'invalid') throw badRequest('cursor 无效：请用上一页返回的 nextCursor，或不带 cursor 从头读', 'invalid_cursor');
    const records = await serviceRecords(app.db.pool, after, request.query.limit);
    // The last page still hands back a cursor (its last record) so the caller can poll for what comes next.
    const last = records[records.length - 1]?.id ?? after;
    return { version: FEED_VERSION, records, nextCursor: last ? encodeCursor(last) : null };
  });

  app.get('/api/v1/exchange/v1/progress', province({
    summary: '各县推进情况：信息社建设、培训与到场、代购、农机信息', response: { 200: progressFeed, 401: errorResponse },
  }), async () => ({ version: FEED_VERSION, generatedAt: new Date().toISOString(), counties: await rolloutProgress(app.db.pool) }));
};

/** Inbound notices (policy documents), signed as the SMS gateway's webhooks with EXCHANGE_SECRET. */
const noticeRoutes: FastifyPluginAsyncZod<{ secret: string; maxAge: number }> = async (app, opts) => {
  acceptSignedJson(app, { secret: opts.secret, maxAge: opts.maxAge, bodyLimit: NOTICE_BODY_LIMIT });

  app.post('/api/v1/exchange/v1/notices', {
    schema: {
      tags: ['exchange'], summary: '省平台下发的通知（政策文件，签名）：进知识库，注明来源', body: noticeBody,
      response: { 200: noticeStored, 201: noticeStored, 400: errorResponse, 401: errorResponse },
    },
  }, async (request, reply) => {
    const result = await app.knowledge.store.upsert(noticeDocument(request.body));
    if (result.status !== 'unchanged') {
      await recordEvent(app.db.pool, {
        entity: 'notice', entityId: result.id, action: result.status, actor: { role: 'integration', name: '省平台' },
        detail: { provinceId: request.body.id, title: request.body.title },
      });
    }
    return reply.status(result.status === 'created' ? 201 : 200).send({ id: result.id, status: result.status });
  });
};

/** The provincial exchange: each half is on only when its setting is (EXCHANGE_TOKEN, EXCHANGE_SECRET). */
export const exchangeRoutes: FastifyPluginAsyncZod = async (app) => {
  if (app.config.EXCHANGE_TOKEN) await app.register(pullRoutes, { token: app.config.EXCHANGE_TOKEN });
  if (app.config.EXCHANGE_SECRET) {
    await app.register(noticeRoutes, { secret: app.config.EXCHANGE_SECRET, maxAge: app.config.EXCHANGE_SIGNATURE_MAX_AGE_SECONDS });
  }
};
