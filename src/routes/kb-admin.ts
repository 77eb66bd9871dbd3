import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listDocuments, restoreDocument, retireDocument } from '../admin/kb-documents.ts';
import { approveAnswer, reviewQueue } from '../admin/review.ts';
import { requireRole } from '../http/auth.ts';
import { badRequest, HttpError } from '../http/errors.ts';
import { CATEGORIES, type Category } from '../knowledge/categories.ts';
import { DocumentError, parseCsvTable, parseMarkdownDocument, parseQaFile, type DocumentInput } from '../knowledge/documents.ts';
import { errorResponse, uuidParam } from '../schemas/common.ts';
import {
  documentDetail, documentsQuery, documentsResponse, restoredResponse, reviewItemResponse, reviewQuery, reviewResponse,
  uploadQuery, uploadResponse,
} from '../schemas/admin.ts';
import { actorName, guarded, noSuch } from './guarded.ts';

/** The category a query names, if any; 400 for one that is not a category. */
function categoryOf(c: string | undefined): Category | undefined {
  if (!c) return undefined;
  if (!(CATEGORIES as readonly string[]).includes(c)) throw badRequest(`分类应为 ${CATEGORIES.join(', ')} 之一`);
  return c as Category;
}

/** A file a person uploads, as documents: Markdown (front matter allowed), Q&A JSON/JSONL, or a CSV table. */
function documentsOfFile(filename: string, text: string, category: Category | undefined): DocumentInput[] {
  const sourceKey = `upload:${filename}`;
  if (/\.(md|markdown)$/i.test(filename)) {
    const doc = parseMarkdownDocument(text, { sourceKey, category, title: filename.replace(/\.(md|markdown)$/i, '') });
    if (!doc.content.trim()) throw new DocumentError('文档没有正文');
    return [doc];
  }
  if (/\.(json|jsonl)$/i.test(filename)) return parseQaFile(text, { sourceKey, category });
  return [parseCsvTable(text, { sourceKey, title: filename.replace(/\.csv$/i, ''), category: category ?? 'faq' })];
}

/** The console's knowledge base: list, preview, upload, retire and restore; the review of expert answers. */
export const kbAdminRoutes: FastifyPluginAsyncZod = async (app) => {
  const admin = guarded(requireRole(app.resolveToken, 'admin'), ['knowledge']);
  const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse };
  const store = app.knowledge.store;

  app.addContentTypeParser(['text/markdown', 'text/csv', 'text/plain', 'application/x-ndjson', 'application/octet-stream'],
    { parseAs: 'string', bodyLimit: app.config.KB_MAX_DOCUMENT_CHARS * 4 }, (_request, body, done) => done(null, body));

  app.get(
    '/api/v1/kb/documents',
    admin({
      querystring: documentsQuery,
      summary: '知识文档列表：按标题、来源或正文查找，按分类、县、状态（active 在用 / retired 已停用）筛选；reviewDue=N 只列 N 天内到复核期的（0 为已过期），到期早的在前',
      response: { 200: documentsResponse, ...errors },
    }),
    async (request) => {
      const q = request.query;
      categoryOf(q.category);
      const { reviewDue, ...rest } = q;
      return listDocuments(app.db.pool, { ...rest, q: q.q || undefined, reviewDueDays: reviewDue });
    },
  );

  app.get(
    '/api/v1/kb/documents/:id',
    admin({ params: uuidParam, summary: '一篇文档及其切分出的段落（预览）', response: { 200: documentDetail, ...errors } }),
    async (request) => {
      const { documents: [found] } = await listDocuments(app.db.pool, { status: 'all', id: request.params.id, limit: 1, offset: 0 });
      if (!found) throw noSuch('文档', request.params.id);
      return { document: found, chunks: found.status === 'active' ? await store.chunksOf(found.id) : [] };
    },
  );

  app.post(
    '/api/v1/kb/upload',
    admin({
      querystring: uploadQuery,
      summary: '上传一个知识文件（.md 可带 front matter；.json/.jsonl 问答对；.csv 表格），请求体是文件内容（UTF-8）',
      response: { 200: uploadResponse, ...errors },
    }),
    async (request) => {
      const { filename } = request.query;
      const category = categoryOf(request.query.category);
      const text = typeof request.body === 'string' ? request.body.replaceAll('\u0000', '') : '';
      if (!text.trim()) throw badRequest('文件是空的', 'empty_file');
      if (text.length > app.config.KB_MAX_DOCUMENT_CHARS) {
        throw badRequest(`文件有 ${text.length} 个字符，超过上限 ${app.config.KB_MAX_DOCUMENT_CHARS}，请拆成几个文件`, 'too_large');
      }
      let docs: DocumentInput[];
      try {
        docs = documentsOfFile(filename, text, category);
      } catch (err) {
        if (err instanceof DocumentError) throw badRequest(err.message, 'invalid_document');
        throw err;
      }
      const documents = [];
      for (const doc of docs) documents.push({ title: doc.title, ...(await store.upsert(doc)) });
      request.log.info({ filename, documents: documents.length, by: request.principal!.name }, 'knowledge uploaded');
      return { documents };
    },
  );

  app.post(
    '/api/v1/kb/documents/:id/retire',
    admin({ params: uuidParam, summary: '停用一篇文档（助手不再引用，可恢复）', response: { 200: restoredResponse, ...errors } }),
    async (request) => {
      const { rows } = await app.db.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM kb_chunks WHERE document_id = $1', [request.params.id],
      );
      if (!(await retireDocument(app.db.pool, store, request.params.id, actorName(request.principal!)))) {
        throw noSuch('在用文档', request.params.id);
      }
      return { id: request.params.id, chunks: rows[0].n };
    },
  );

  app.post(
    '/api/v1/kb/documents/:id/restore',
    admin({ params: uuidParam, summary: '恢复一篇已停用的文档（重新切分、索引）', response: { 200: restoredResponse, ...errors } }),
    async (request) => {
      const restored = await restoreDocument(app.db.pool, store, request.params.id);
      if (!restored) throw noSuch('已停用文档', request.params.id);
      return restored;
    },
  );

  app.get(
    '/api/v1/review/expert-answers',
    admin({
      querystring: reviewQuery,
      summary: '审核队列：专家存入知识库的答复（pending 待审、approved 已审、retired 已停用）',
      response: { 200: reviewResponse, ...errors },
    }),
    async (request) => ({ answers: await reviewQueue(app.db.pool, request.query.status, request.query.limit) }),
  );

  app.post(
    '/api/v1/expert-answers/:id/approve',
    admin({ params: uuidParam, summary: '审核通过一条专家答复', response: { 200: reviewItemResponse, 409: errorResponse, ...errors } }),
    async (request) => {
      const result = await approveAnswer(app.db.pool, request.params.id, actorName(request.principal!));
      if (result.ok) return result.item;
      if (result.reason === 'retired') throw new HttpError(409, 'retired', '这条答复已经停用，不能审核通过');
      throw noSuch('专家答复', request.params.id);
    },
  );
};
