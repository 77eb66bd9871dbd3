import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { postKindsWith, type PostContext } from '../data/post-kinds.ts';
import { loadMachineWords } from '../data/machine-words.ts';
import { requireRole } from '../http/auth.ts';
import { badRequest } from '../http/errors.ts';
import { errorResponse } from '../schemas/common.ts';
import { postBody, postCreated, postsList, postsQuery } from '../schemas/services.ts';
import { recordEvent, requireCounty } from '../services/actor.ts';
import { serviceTransaction } from './service-errors.ts';
import { guarded } from './guarded.ts';

/**
 * The posts API by kind (src/data/post-kinds.ts): machinery (农机) today. Administrators and officers post
 * (officers in their own county), and every post they make is an event with who and when; anyone with a
 * token reads the live posts, nearest first.
 */
export const postRoutes: FastifyPluginAsyncZod = async (app) => {
  const machines = await loadMachineWords(app.config.SEEDS_DIR);
  const writers = guarded(requireRole(app.resolveToken, 'admin', 'officer'), ['posts']);
  const readers = guarded(requireRole(app.resolveToken, 'admin', 'officer', 'expert', 'integration'), ['posts']);
  const context = (postedBy: string): PostContext => ({ now: new Date(), postedBy, machines });
  const kinds = postKindsWith('api');
  const kindOf = (name: string) => {
    const kind = kinds.get(name);
    if (!kind) throw badRequest(`不认识的信息类型 ${name}`);
    return kind;
  };

  app.post('/api/v1/posts', writers({
    summary: '发布一条信息（kind: machinery 农机出租或求租）', body: postBody,
    response: { 201: postCreated, 400: errorResponse, 401: errorResponse, 403: errorResponse },
  }), async (request, reply) => {
    const actor = request.principal!;
    const kind = kindOf(request.body.kind);
    const ctx = context(actor.name);
    const input = request.body as unknown as Record<string, unknown>;
    const created = await serviceTransaction(app.db.pool, async (client) => {
      requireCounty(actor, kind.api.county(input, ctx), '信息');
      const post = await kind.api.create(client, input, ctx);
      await recordEvent(client, { entity: 'machinery', entityId: post.id, action: 'posted', actor, detail: { kind: kind.kind, side: input.side, machine: input.machine } });
      return post;
    });
    return reply.status(201).send({ id: created.id });
  });

  app.get('/api/v1/posts', readers({
    summary: '查在效的信息（农机：同村、同镇、同县由近到远，新的在前）', querystring: postsQuery,
    response: { 200: postsList, 400: errorResponse, 401: errorResponse },
  }), async (request) => {
    const kind = kindOf(request.query.kind);
    return { posts: (await kind.api.list(app.db.pool, request.query, context(''))) as never };
  });
};
