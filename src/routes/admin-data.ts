import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { countiesToList } from '../admin/scope.ts';
import { deletePrice, listPrices } from '../admin/prices.ts';
import { DataError, upsertPrices, validatePriceRow } from '../data/index.ts';
import { postKindsWith } from '../data/post-kinds.ts';
import { requireRole } from '../http/auth.ts';
import { badRequest } from '../http/errors.ts';
import { importPriceFile } from '../jobs/price-import/index.ts';
import { errorResponse } from '../schemas/common.ts';
import {
  postBody, postKindQuery, postParams, postResponse, postsQuery, postsResponse, priceBody, priceImportResponse, priceParams,
  pricesQuery, pricesResponse,
} from '../schemas/admin.ts';
import { guarded, noSuch } from './guarded.ts';

/** Prices and posts for the console: list, add, import a price file, retire. */
export const adminDataRoutes: FastifyPluginAsyncZod = async (app) => {
  const adminOnly = guarded(requireRole(app.resolveToken, 'admin'), ['prices']);
  const bureau = guarded(requireRole(app.resolveToken, 'admin', 'county_admin'), ['prices']);
  const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse };
  const maxBytes = Math.round(app.config.PRICE_IMPORT_MAX_MB * 1024 * 1024);

  app.addContentTypeParser(['text/csv', 'application/octet-stream', 'application/x-ndjson', 'text/plain'],
    { parseAs: 'buffer', bodyLimit: maxBytes }, (_request, body, done) => done(null, body));

  app.get(
    '/api/v1/prices',
    bureau({ querystring: pricesQuery, summary: '已存的价格行情（新的日期在前）', response: { 200: pricesResponse, ...errors } }),
    async (request) => listPrices(app.db.pool, request.query),
  );

  app.post(
    '/api/v1/prices',
    adminOnly({
      summary: '添加一条价格（JSON），或上传整个价格文件（Content-Type: text/csv，或 application/x-ndjson；与放入价格文件夹同样校验，整份文件一次导入）',
      querystring: z.object({ filename: z.string().trim().max(200).optional() }),
      response: { 200: priceImportResponse, 201: pricesResponse, ...errors },
    }),
    async (request, reply) => {
      const body = request.body as unknown;
      if (Buffer.isBuffer(body)) {
        const json = /ndjson|json/.test(String(request.headers['content-type']));
        const name = request.query.filename ?? `上传-${new Date().toISOString().slice(0, 10)}.${json ? 'jsonl' : 'csv'}`;
        const dir = await mkdtemp(path.join(tmpdir(), 'yinong-prices-'));
        try {
          const file = path.join(dir, json ? 'upload.jsonl' : 'upload.csv');
          await writeFile(file, body);
          const report = await importPriceFile(app.db, file, { source: 'drop', name: `upload:${name}`, maxBytes, format: json ? 'jsonl' : 'csv' });
          const r = report.rows;
          const message = report.status === 'imported'
            ? `已导入 ${r.total} 行：新增 ${r.inserted}，更新 ${r.updated}，未变 ${r.unchanged}${r.rejected ? `，有 ${r.rejected} 行不对没有导入` : ''}`
            : report.status === 'already-imported' ? '这份文件以前导入过，内容没变，没有重复导入' : `文件没有导入：${report.error ?? ''}`;
          // A refused file is a 400 in the one error shape, its reason in the message.
          if (report.status === 'rejected') throw badRequest(message, 'price_file_rejected');
          return reply.status(200).send({ ...report, message });
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }
      if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
        throw badRequest('请发一条价格（JSON 对象），或上传整个价格文件（Content-Type: text/csv）', 'bad_price_body');
      }
      const parsed = priceBody.safeParse(body ?? {});
      if (!parsed.success) throw badRequest(`价格有误：${parsed.error.issues.map((i) => `${i.path.join('.')}：${i.message}`).join('；')}`);
      const b = parsed.data;
      const row = validatePriceRow({
        commodity: b.commodity, variety: b.variety, market: b.market, county: b.county, date: b.date,
        low: String(b.low), avg: String(b.avg), high: String(b.high), unit: b.unit, source: b.source ?? request.principal!.name,
      }, 1);
      if (!row.ok) throw new DataError([row.reason]);
      await upsertPrices(app.db.pool, [row.row]);
      return reply.status(201).send(await listPrices(app.db.pool, { commodity: row.row.commodity, from: row.row.date, to: row.row.date, limit: 50 }));
    },
  );

  app.delete(
    '/api/v1/prices/:id',
    adminOnly({ params: priceParams, summary: '删除一条错误的价格', response: { 204: z.null(), ...errors } }),
    async (request, reply) => {
      if (!(await deletePrice(app.db.pool, request.params.id))) throw noSuch('价格', request.params.id);
      return reply.status(204).send(null);
    },
  );

  const consoleKinds = postKindsWith('console');
  const kindOf = (kind: string) => {
    const k = consoleKinds.get(kind);
    if (!k) throw badRequest(`kind 应为 ${[...consoleKinds.keys()].join('、')} 之一`, 'unknown_kind');
    return k.console;
  };
  const kinds = () => [...consoleKinds.values()].map((k) => ({ kind: k.kind, label: k.label }));

  // GET/POST /api/v1/posts belong to the services' posts API (machinery, live posts for officers and
  // integrations); the console lists every kind, closed ones too, here.
  app.get(
    '/api/v1/admin/posts',
    bureau({
      tags: ['posts'], querystring: postsQuery,
      summary: '发布的信息（kind=labor 用工、supply 供求…），含已下架的（status=all）；县管理员只看本县',
      response: { 200: postsResponse, ...errors },
    }),
    async (request) => {
      const { kind, status, county, q, limit } = request.query;
      const counties = countiesToList(request.principal!, county);
      return { posts: await kindOf(kind).list(app.db.pool, { status, counties, q, limit }), kinds: kinds() };
    },
  );

  app.post(
    '/api/v1/admin/posts',
    adminOnly({
      tags: ['posts'], querystring: postKindQuery, body: postBody,
      summary: '代发一条信息（字段同信息员发布：labor 要 type、title、county、contact；supply 要 type、commodity、county、contact）',
      response: { 201: postResponse, ...errors },
    }),
    async (request, reply) => {
      const post = await kindOf(request.query.kind).create(app.db.pool, request.body, {
        now: new Date(), postedBy: `管理员:${request.principal!.username ?? request.principal!.name}`,
      });
      return reply.status(201).send(post);
    },
  );

  app.delete(
    '/api/v1/posts/:id',
    adminOnly({
      tags: ['posts'], params: postParams, querystring: postKindQuery,
      summary: '下架一条信息（记录保留，农民不再查到）', response: { 204: z.null(), ...errors },
    }),
    async (request, reply) => {
      if (!(await kindOf(request.query.kind).close(app.db.pool, request.params.id, new Date()))) {
        throw noSuch('在架信息', request.params.id);
      }
      return reply.status(204).send(null);
    },
  );
};
