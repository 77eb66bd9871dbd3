import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { login } from '../accounts/login.ts';
import { revokeSession } from '../accounts/sessions.ts';
import { bearerToken, requireRoleBeforePasswordChange } from '../http/auth.ts';
import { changeOwnPassword } from '../accounts/change-password.ts';
import { HttpError } from '../http/errors.ts';
import { errorResponse } from '../schemas/common.ts';
import { guarded } from './guarded.ts';
import { changePasswordBody, changePasswordResponse, loginBody, loginResponse, meResponse } from '../schemas/auth.ts';

/** People log in for an expiring session token; the token goes in `Authorization: Bearer …`. */
export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  // who am I, log out and the password change itself work before a generated password is changed
  const anyone = requireRoleBeforePasswordChange(app.resolveToken, 'admin', 'county_admin', 'integration', 'expert', 'officer');
  const people = requireRoleBeforePasswordChange(app.resolveToken, 'admin', 'county_admin', 'expert', 'officer');
  const signedIn = guarded(anyone, ['accounts']);
  const person = guarded(people, ['accounts']);
  const policy = {
    sessionTtlHours: app.config.SESSION_TTL_HOURS,
    maxFailures: app.config.LOGIN_MAX_FAILURES,
    maxFailuresPerIp: app.config.LOGIN_MAX_FAILURES_PER_IP,
    lockMinutes: app.config.LOGIN_LOCK_MINUTES,
  };

  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags: ['accounts'],
        summary: '专家、信息员、管理员登录，换取有时效的令牌',
        body: loginBody,
        response: { 200: loginResponse, 400: errorResponse, 401: errorResponse, 429: errorResponse },
      },
    },
    async (request, reply) => {
      const result = await login(app.db.pool, policy, { ...request.body, ip: request.ip });
      if (!result.ok && result.reason === 'locked') {
        const minutes = Math.max(1, Math.ceil(result.retryAfterSeconds / 60));
        reply.header('retry-after', String(result.retryAfterSeconds));
        throw new HttpError(429, 'too_many_attempts', `登录失败次数太多，账号已暂时锁定，请 ${minutes} 分钟后再试`);
      }
      if (!result.ok) throw new HttpError(401, 'invalid_credentials', '用户名或密码不对');
      request.log.info({ user: result.user.username, role: result.user.role }, 'login');
      return {
        token: result.token, role: result.user.role, expiresAt: result.expiresAt,
        mustChangePassword: result.user.mustChangePassword,
        user: { id: result.user.id, username: result.user.username, name: result.user.name },
      };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    signedIn({ summary: '退出登录（这个令牌随即失效）', response: { 204: z.null(), 401: errorResponse } }),
    async (request, reply) => {
      const token = bearerToken(request);
      if (token && request.principal?.userId) await revokeSession(app.db.pool, token);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/me',
    signedIn({ summary: '当前令牌是谁', response: { 200: meResponse, 401: errorResponse } }),
    async (request) => {
      const p = request.principal!;
      return {
        role: p.role, name: p.name, userId: p.userId, username: p.username, mustChangePassword: p.mustChangePassword ?? false,
        specialties: p.specialties ?? [], counties: p.counties ?? [], village: p.village ?? null,
      };
    },
  );

  app.post(
    '/api/v1/auth/password',
    person({
      body: changePasswordBody,
      summary: '修改自己的密码（首次登录必须先改）；其他已登录的令牌随即失效，返回新令牌',
      response: { 200: changePasswordResponse, 400: errorResponse, 401: errorResponse, 403: errorResponse, 429: errorResponse },
    }),
    async (request) => {
      const userId = request.principal!.userId;
      // A configured token (ADMIN_TOKEN, an integration's) has no account and so no password to change.
      if (!userId) throw new HttpError(403, 'not_an_account', '这个令牌不属于某个账号，没有密码可改：请用账号登录后再改密码');
      const result = await changeOwnPassword(app.db.pool, policy, { userId, ...request.body, ip: request.ip });
      if (!result.ok && result.reason === 'locked') {
        throw new HttpError(429, 'too_many_attempts', `当前密码错误次数太多，请 ${Math.max(1, Math.ceil(result.retryAfterSeconds / 60))} 分钟后再试`);
      }
      if (!result.ok && result.reason === 'wrong_password') throw new HttpError(400, 'wrong_password', '当前密码不对');
      if (!result.ok) throw new HttpError(400, 'same_password', '新密码不能和当前密码一样');
      request.log.info({ user: request.principal!.username }, 'password changed');
      return { changed: true as const, token: result.token, expiresAt: result.expiresAt };
    },
  );
};
