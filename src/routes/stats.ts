import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { assertCounty, countyScope } from '../admin/scope.ts';
import { normalizeCounty } from '../data/counties.ts';
import { addDays, chinaToday, parseDay } from '../data/fields.ts';
import { requireRole } from '../http/auth.ts';
import { badRequest } from '../http/errors.ts';
import { errorResponse } from '../schemas/common.ts';
import { serviceQuery, serviceResponse } from '../schemas/stats.ts';
import { serviceFigures } from '../stats/service.ts';
import { guarded } from './guarded.ts';

const MAX_DAYS = 366;

/** Service figures for the bureau: turns, answers, escalations, the experts' response times. */
export const statsRoutes: FastifyPluginAsyncZod = async (app) => {
  const bureau = guarded(requireRole(app.resolveToken, 'admin', 'county_admin'), ['stats']);

  app.get(
    '/api/v1/stats/service',
    bureau({
      querystring: serviceQuery,
      summary: '服务统计：对话量（按渠道、按天）、回答与转专家、工单与时限、未答问题归类、专家答复情况（默认最近 30 天）',
      response: { 200: serviceResponse, 400: errorResponse, 401: errorResponse, 403: errorResponse },
    }),
    async (request) => {
      const principal = request.principal!;
      const q = request.query;
      const to = q.to ? parseDay(q.to) : chinaToday();
      if (!to) throw badRequest(`结束日期“${q.to}”不存在`, 'invalid_date');
      const from = q.from ? parseDay(q.from) : addDays(to, -29);
      if (!from) throw badRequest(`开始日期“${q.from}”不存在`, 'invalid_date');
      if (from > to) throw badRequest(`开始日期 ${from} 晚于结束日期 ${to}`, 'invalid_range');
      if (addDays(from, MAX_DAYS) <= to) throw badRequest(`一次最多统计 ${MAX_DAYS} 天`, 'invalid_range');
      let county: string | undefined;
      if (q.county) {
        county = normalizeCounty(q.county) ?? undefined;
        if (!county) throw badRequest(`“${q.county}”不是济宁的县市区`, 'unknown_county');
        assertCounty(principal, county);
      }
      return serviceFigures(app.db.pool, { from, to, county, counties: countyScope(principal) }, app.knowledge.tokenizer);
    },
  );
};
