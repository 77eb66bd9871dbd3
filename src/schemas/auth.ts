import { z } from 'zod';
import { PASSWORD_MAX } from '../accounts/passwords.ts';

export const loginBody = z.object({
  username: z.string({ error: '请填写用户名 username' }).trim().min(1, '请填写用户名').max(64, '用户名最多 64 个字符'),
  password: z.string({ error: '请填写密码 password' }).min(1, '请填写密码').max(PASSWORD_MAX, `密码最多 ${PASSWORD_MAX} 个字符`),
});

export const personRole = z.enum(['admin', 'expert', 'officer']);

export const loginResponse = z.object({
  token: z.string(),
  role: personRole,
  expiresAt: z.string(),
  user: z.object({ id: z.string(), username: z.string(), name: z.string() }),
});

export const meResponse = z.object({
  role: z.enum(['admin', 'integration', 'expert', 'officer']),
  name: z.string(),
  userId: z.string().optional(),
  username: z.string().optional(),
  specialties: z.array(z.string()),
  counties: z.array(z.string()),
  village: z.string().nullable(),
});
