import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { hashPassword } from '../accounts/passwords.ts';
import { revokeUserSessions } from '../accounts/sessions.ts';
import { createUser, listUsers, setPasswordHash, updateUser, type User } from '../accounts/users.ts';
import { withTransaction } from '../db/pool.ts';
import { formatHours } from '../settings/work-hours.ts';
import { requireRole } from '../http/auth.ts';
import { HttpError } from '../http/errors.ts';
import { errorResponse } from '../schemas/common.ts';
import { createUserBody, updateUserBody, userParams, userResponse, usersQuery, usersResponse } from '../schemas/users.ts';
import { guarded, noSuch } from './guarded.ts';

function toResponse(u: User, opts: { withPhone: boolean }) {
  return {
    id: u.id, username: u.username, role: u.role, name: u.name, phone: opts.withPhone ? u.phone : null,
    specialties: u.specialties, counties: u.counties, village: u.village, capacity: u.capacity,
    workHours: u.workStartMin === null || u.workEndMin === null ? null : formatHours(u.workStartMin, u.workEndMin),
    workDays: u.workDays, available: u.available, disabled: u.disabled, mustChangePassword: u.mustChangePassword,
    createdAt: u.createdAt,
  };
}

/** Accounts: an administrator creates and changes them; experts may list their colleagues (to transfer to). */
export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  const adminOnly = guarded(requireRole(app.resolveToken, 'admin'), ['accounts']);
  const staff = guarded(requireRole(app.resolveToken, 'admin', 'expert'), ['accounts']);

  app.post(
    '/api/v1/users',
    adminOnly({
      summary: '新建账号（专家、信息员、县管理员或市管理员）', body: createUserBody,
      response: { 201: userResponse, 400: errorResponse, 401: errorResponse, 403: errorResponse, 409: errorResponse },
    }),
    async (request, reply) => {
      const b = request.body;
      const user = await createUser(app.db.pool, {
        username: b.username, passwordHash: await hashPassword(b.password), role: b.role, name: b.name ?? b.username,
        phone: b.phone, specialties: b.specialties, counties: b.counties, village: b.village, capacity: b.capacity,
        workDays: b.workDays, workStartMin: b.workHours?.startMin, workEndMin: b.workHours?.endMin,
        mustChangePassword: b.mustChangePassword,
      });
      if (!user) throw new HttpError(409, 'username_taken', `用户名 ${b.username} 已经有人用了`);
      request.log.info({ user: user.username, role: user.role, by: request.principal?.name }, 'account created');
      return reply.status(201).send(toResponse(user, { withPhone: true }));
    },
  );

  app.get(
    '/api/v1/users',
    staff({
      summary: '账号列表（专家只能看到专家同事，不含手机号）', querystring: usersQuery,
      response: { 200: usersResponse, 401: errorResponse, 403: errorResponse },
    }),
    async (request) => {
      const admin = request.principal!.role === 'admin';
      const users = await listUsers(app.db.pool, { role: admin ? request.query.role : 'expert', includeDisabled: admin });
      return { users: users.map((u) => toResponse(u, { withPhone: admin })) };
    },
  );

  app.patch(
    '/api/v1/users/:id',
    adminOnly({
      summary: '修改账号（改密码或停用会让其已登录的令牌失效）', params: userParams,
      body: updateUserBody,
      response: { 200: userResponse, 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse },
    }),
    async (request) => {
      const { password, workHours, mustChangePassword, ...rest } = request.body;
      const hash = password ? await hashPassword(password) : undefined;
      const user = await withTransaction(app.db.pool, async (q) => {
        const updated = await updateUser(q, request.params.id, {
          ...rest,
          ...(workHours === undefined ? {} : { workStartMin: workHours?.startMin ?? null, workEndMin: workHours?.endMin ?? null }),
        });
        if (!updated) throw noSuch('账号', request.params.id);
        if (hash) await setPasswordHash(q, updated.id, hash, { mustChange: mustChangePassword ?? false });
        if (hash || rest.disabled) await revokeUserSessions(q, updated.id);
        return updated;
      });
      return toResponse(user, { withPhone: true });
    },
  );
};
