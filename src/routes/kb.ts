import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DocumentError, parseMarkdownDocument, type DocumentInput } from '../knowledge/documents.ts';
import { badRequest } from '../http/errors.ts';
import { requireRole } from '../http/auth.ts';
import { errorResponse, uuidParam } from '../schemas/common.ts';
import { documentBody, documentCreated, searchQuery, searchResponse } from '../schemas/kb.ts';
import { guarded, noSuch } from './guarded.ts';

/** Knowledge-base administration: add or replace, delete and search documents (admin only). */
export const kbRoutes: FastifyPluginAsyncZod = async (app) => {
  const adminOnly = guarded(requireRole(app.resolveToken, 'admin'), ['knowledge']);
  // Integrations (a Botpress bot) search the knowledge base as the assistant does; they change nothing.
  const searchers = guarded(requireRole(app.resolveToken, 'admin', 'integration'), ['knowledge']);

  app.post(
    '/api/v1/kb/documents',
    adminOnly({
      summary: '添加或更新一篇知识文档（同分类同标题视为同一篇）',
      body: documentBody(app.config.KB_MAX_DOCUMENT_CHARS),
      response: { 200: documentCreated, 201: documentCreated, 400: errorResponse, 401: errorResponse },
    }),
    async (request, reply) => {
      const body = request.body;
      let doc: DocumentInput = {
        sourceKey: `api:${body.category}:${body.title}`,
        title: body.title,
        category: body.category,
        county: body.county ?? null,
        source: body.source ?? null,
        date: body.date ?? null,
        tags: body.tags ?? [],
        format: 'markdown',
        content: body.content,
      };
      if (body.content.startsWith('---')) {
        // Front matter inside the content fills what the body left out.
        try {
          const parsed = parseMarkdownDocument(body.content, { sourceKey: doc.sourceKey, category: body.category, title: body.title });
          doc = { ...doc, content: parsed.content, county: doc.county ?? parsed.county, source: doc.source ?? parsed.source, date: doc.date ?? parsed.date, tags: doc.tags?.length ? doc.tags : parsed.tags, review: parsed.review };
        } catch (err) {
          if (err instanceof DocumentError) throw badRequest(err.message, err.code);
          throw err;
        }
        if (!doc.content) throw badRequest('front matter 之后没有正文', 'invalid_document');
      }
      const result = await app.knowledge.store.upsert(doc);
      return reply.status(result.status === 'created' ? 201 : 200).send(result);
    },
  );

  app.delete(
    '/api/v1/kb/documents/:id',
    adminOnly({
      summary: '删除一篇知识文档及其全部段落',
      params: uuidParam,
      response: { 204: z.null(), 404: errorResponse },
    }),
    async (request, reply) => {
      const deleted = await app.knowledge.store.delete(request.params.id);
      if (!deleted) throw noSuch('文档', request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/kb/search',
    searchers({
      summary: '混合检索（向量 + 关键词），按相关度从高到低',
      querystring: searchQuery,
      response: { 200: searchResponse, 400: errorResponse },
    }),
    async (request) => {
      const { q, limit, category, county } = request.query;
      const hits = await app.knowledge.retriever.search(q, { limit, categories: category, county });
      return {
        hits: hits.map((h) => ({
          documentId: h.documentId,
          chunkId: h.chunkId,
          title: h.title,
          snippet: h.snippet,
          score: h.score,
          category: h.category,
          county: h.county,
          source: h.source,
          headingPath: h.headingPath,
        })),
      };
    },
  );
};
