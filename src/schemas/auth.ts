import { z } from 'zod';
import { PASSWORD_MAX, PASSWORD_MIN } from '../accounts/passwords.ts';

export const loginBody = z.object({
  username: z.string({ error: '请填写用户名 username' }).trim().min(1, '请填写用户名').max(64, '用户名最多 64 个字符'),
  password: z.string({ error: '请填写密码 password' }).min(1, '请填写密码').max(PASSWORD_MAX, `密码最多 ${PASSWORD_MAX} 个字符`),
});

export const personRole = z.enum(['admin', 'county_admin', 'expert', 'officer']);

export const loginResponse = z.object({
  token: z.string(),
  role: personRole,
  expiresAt: z.string(),
  /** true: a generated or reset password; POST /api/v1/auth/password before anything else */
  mustChangePassword: z.boolean(),
  user: z.object({ id: z.string(), username: z.string(), name: z.string() }),
});

export const meResponse = z.object({
  role: z.enum(['admin', 'county_admin', 'integration', 'expert', 'officer']),
  mustChangePassword: z.boolean(),
  name: z.string(),
  userId: z.string().optional(),
  username: z.string().optional(),
  specialties: z.array(z.string()),
  counties: z.array(z.string()),
  village: z.string().nullable(),
});

export const changePasswordBody = z.object({
  currentPassword: z.string({ error: '请填写当前密码 currentPassword' }).min(1, '请填写当前密码').max(PASSWORD_MAX),
  newPassword: z
    .string({ error: '请填写新密码 newPassword' })
    .min(PASSWORD_MIN, `新密码至少 ${PASSWORD_MIN} 位`)
    .max(PASSWORD_MAX, `新密码最多 ${PASSWORD_MAX} 位`)
    .refine((p) => p.trim() === p, '新密码首尾不能有空格'),
});

export const changePasswordResponse = z.object({ changed: z.literal(true), token: z.string(), expiresAt: z.string() });
