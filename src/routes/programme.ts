import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { assertCounty, countiesToList, countyScope } from '../admin/scope.ts';
import { normalizeCounty } from '../data/counties.ts';
import { chinaToday, parseDay } from '../data/fields.ts';
import { requireRole } from '../http/auth.ts';
import { badRequest } from '../http/errors.ts';
import {
  checkProgressReport, describeProgress, importProgressTable, insertProgressReports, listProgressReports, progressAsOf,
  ProgressTableError, progressTableCsv, villageCounts,
} from '../programme/index.ts';
import { errorResponse } from '../schemas/common.ts';
import {
  importError, importQuery, importResponse, progressBody, progressCreated, progressQuery, progressResponse, reportsQuery,
  reportsResponse,
} from '../schemas/programme.ts';
import { guarded } from './guarded.ts';

const MAX_TABLE_BYTES = 2 * 1024 * 1024;

/** The roll-out (附件2): reports by the city and county bureaus, compared with the 附件1 targets. */
export const programmeRoutes: FastifyPluginAsyncZod = async (app) => {
  const bureau = guarded(requireRole(app.resolveToken, 'admin', 'county_admin'), ['programme']);
  const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse };

  // A whole table arrives as the file's bytes (CSV in UTF-8 or GBK), not as JSON.
  app.addContentTypeParser(['text/csv', 'application/octet-stream', 'text/plain'], { parseAs: 'buffer', bodyLimit: MAX_TABLE_BYTES },
    (_request, body, done) => done(null, body));

  const queryDay = (raw: string | undefined): string => {
    if (!raw) return chinaToday();
    const day = parseDay(raw);
    if (!day) throw badRequest(`日期“${raw}”不存在，请写成 2019-06-30 这样的格式`, 'invalid_date');
    return day;
  };

  app.post(
    '/api/v1/programme/progress',
    bureau({
      body: progressBody,
      summary: '填报一个县市区的建设进度（附件2）；县管理员只能填报本县',
      response: { 201: progressCreated, ...errors },
    }),
    async (request, reply) => {
      const principal = request.principal!;
      const county = normalizeCounty(request.body.county);
      if (county) assertCounty(principal, county);
      const check = checkProgressReport(request.body, { villages: await villageCounts(app.db.pool) });
      if (!check.ok) throw badRequest(`进度没有保存：${check.issues.join('；')}`, 'invalid_report');
      const [report] = await insertProgressReports(app.db.pool, [check.row], {
        source: 'api', userId: principal.userId, name: principal.name,
      });
      const { counties } = await progressAsOf(app.db.pool, { asOf: report.asOf, counties: [report.county] });
      request.log.info({ county: report.county, asOf: report.asOf, by: principal.name }, 'progress reported');
      const progress = counties[0] ?? {
        county: report.county, villages: 0, stationsTarget: 0, stationsDue: null, stationsBuilt: report.stationsBuilt,
        percentOfTarget: null, appDownloadsDue: null, appDownloads: report.appDownloads, officersTrained: report.officersTrained,
        stationsStandard: report.stationsStandard, asOf: report.asOf, dueBy: null, duePeriod: null, note: report.note,
        reportId: report.id, reportedBy: report.reportedBy,
      };
      return reply.status(201).send({ report, progress, sentence: describeProgress(progress) });
    },
  );

  app.get(
    '/api/v1/programme/progress',
    bureau({
      querystring: progressQuery,
      summary: '各县市区最新进度与截至该日应完成的任务（附件1）对比；县管理员只看到本县',
      response: { 200: progressResponse, ...errors },
    }),
    async (request) => progressAsOf(app.db.pool, {
      asOf: queryDay(request.query.asOf), counties: countyScope(request.principal!),
    }),
  );

  app.get(
    '/api/v1/programme/progress.csv',
    bureau({
      querystring: progressQuery,
      summary: '附件2 实施进度统计表（CSV，UTF-8 带 BOM，Excel 可直接打开）',
      produces: ['text/csv'],
    }),
    async (request, reply) => {
      const asOf = queryDay(request.query.asOf);
      const table = await progressAsOf(app.db.pool, { asOf, counties: countyScope(request.principal!) });
      const name = `信息进村入户工程实施进度统计表-${asOf}.csv`;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="progress-${asOf}.csv"; filename*=UTF-8''${encodeURIComponent(name)}`)
        .send(progressTableCsv(table));
    },
  );

  app.post(
    '/api/v1/programme/progress/import',
    bureau({
      querystring: importQuery,
      summary: '上传整张进度表（CSV，UTF-8 或 GBK）：全部行都对才保存，有错一行也不存；dryRun=true 只检查',
      response: { 200: importResponse, 400: importError, 401: errorResponse, 403: errorResponse },
    }),
    async (request, reply) => {
      const principal = request.principal!;
      const body = request.body;
      if (!Buffer.isBuffer(body) || !body.length) {
        throw badRequest('请把 CSV 文件作为请求体上传（Content-Type: text/csv）', 'empty_table');
      }
      try {
        const result = await importProgressTable(app.db.pool, body, {
          by: { userId: principal.userId, name: principal.name }, counties: countyScope(principal), dryRun: request.query.dryRun,
        });
        const dup = result.duplicates.map((d) => `${d.county} ${d.asOf} 出现在第 ${d.lines.join('、')} 行，以第 ${d.kept} 行为准`);
        const message = [
          result.dryRun ? `检查通过：${result.rows} 行都可以导入（还没有保存）` : `已导入 ${result.imported} 条进度`,
          result.encoding === 'GBK' ? '文件按 GBK 编码读取' : '',
          ...dup,
        ].filter(Boolean).join('；');
        request.log.info({ imported: result.imported, encoding: result.encoding, by: principal.name }, 'progress table imported');
        return { ...result, message };
      } catch (err) {
        if (!(err instanceof ProgressTableError)) throw err;
        return reply.status(400).send({ error: { code: err.code, message: err.message, issues: err.issues, encoding: err.encoding } });
      }
    },
  );

  app.get(
    '/api/v1/programme/reports',
    bureau({
      querystring: reportsQuery,
      summary: '保留的全部进度填报（含更正），新的在前；用于画进度随时间的变化',
      response: { 200: reportsResponse, ...errors },
    }),
    async (request) => {
      const counties = countiesToList(request.principal!, request.query.county);
      return { reports: await listProgressReports(app.db.pool, { counties, limit: request.query.limit }) };
    },
  );
};
