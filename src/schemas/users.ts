import { z } from 'zod';
import { normalizePhone } from '../data/index.ts';
import { JINING_COUNTIES, normalizeCounty } from '../data/counties.ts';
import { PASSWORD_MAX, PASSWORD_MIN } from '../accounts/passwords.ts';
import { EXPERT_CATEGORIES } from '../conversations/handover.ts';
import { parseWorkHours } from '../settings/work-hours.ts';
import { personRole } from './auth.ts';

const password = z
  .string()
  .min(PASSWORD_MIN, `密码至少 ${PASSWORD_MIN} 位`)
  .max(PASSWORD_MAX, `密码最多 ${PASSWORD_MAX} 位`)
  .refine((p) => p.trim() === p, '密码首尾不能有空格');

const mobile = z
  .string()
  .trim()
  .transform((raw, ctx) => {
    const r = normalizePhone(raw);
    if (!r.ok || !/^1\d{10}$/.test(r.phone)) {
      ctx.addIssue({ code: 'custom', message: r.ok ? '手机号应为 1 开头的 11 位数字（用来接收短信提醒）' : r.reason });
      return z.NEVER;
    }
    return r.phone;
  });

const county = z
  .string()
  .trim()
  .transform((raw, ctx) => {
    const c = normalizeCounty(raw);
    if (!c) {
      ctx.addIssue({ code: 'custom', message: `“${raw}”不是济宁的县市区，应为 ${JINING_COUNTIES.join('、')} 之一` });
      return z.NEVER;
    }
    return c;
  });

const workHours = z
  .string()
  .trim()
  .transform((raw, ctx) => {
    const h = parseWorkHours(raw);
    if (!h) {
      ctx.addIssue({ code: 'custom', message: '工作时间写成 08:00-18:00（结束晚于开始）' });
      return z.NEVER;
    }
    return h;
  });

const profile = {
  name: z.string().trim().min(1, '姓名不能为空').max(50, '姓名最多 50 个字'),
  phone: mobile,
  specialties: z
    .array(z.enum(EXPERT_CATEGORIES, { error: `专业应为 ${EXPERT_CATEGORIES.join('、')} 之一` }))
    .max(EXPERT_CATEGORIES.length),
  counties: z.array(county).max(JINING_COUNTIES.length),
  village: z.string().trim().min(1).max(100, '村名最多 100 个字'),
  capacity: z.number().int().min(1, '同时处理的问题至少 1 个').max(1000),
  workHours,
  workDays: z.array(z.number().int().min(1).max(7, '工作日用 1-7 表示（1 是星期一）')).min(1).max(7),
};

export const createUserBody = z
  .object({
    username: z
      .string({ error: '请填写用户名 username' })
      .trim()
      .regex(/^[A-Za-z0-9_.-]{3,32}$/, '用户名为 3 到 32 位字母、数字、下划线、点或短横线'),
    password,
    role: personRole,
    name: profile.name.optional(),
    phone: profile.phone.optional(),
    specialties: profile.specialties.optional(),
    counties: profile.counties.optional(),
    village: profile.village.optional(),
    capacity: profile.capacity.optional(),
    workHours: profile.workHours.optional(),
    workDays: profile.workDays.optional(),
    /** true: the person must choose their own password at first login (an administrator picked this one) */
    mustChangePassword: z.boolean().optional(),
  })
  .refine((b) => b.role !== 'expert' || (b.specialties?.length ?? 0) > 0, {
    message: '专家账号至少要有一个专业 specialties（如 植保）', path: ['specialties'],
  })
  .refine((b) => b.role !== 'county_admin' || (b.counties?.length ?? 0) > 0, {
    message: '县管理员账号要写明所属县市区 counties（如 邹城市）', path: ['counties'],
  });

export const updateUserBody = z.object({
  password: password.optional(),
  role: personRole.optional(),
  name: profile.name.optional(),
  phone: profile.phone.nullable().optional(),
  specialties: profile.specialties.optional(),
  counties: profile.counties.optional(),
  village: profile.village.nullable().optional(),
  capacity: profile.capacity.optional(),
  workHours: profile.workHours.nullable().optional(),
  workDays: profile.workDays.nullable().optional(),
  available: z.boolean().optional(),
  disabled: z.boolean().optional(),
  /** with a new password: the person must change it at their next login (a reset) */
  mustChangePassword: z.boolean().optional(),
});

export const userResponse = z.object({
  id: z.string(),
  username: z.string(),
  role: personRole,
  name: z.string(),
  phone: z.string().nullable(),
  specialties: z.array(z.string()),
  counties: z.array(z.string()),
  village: z.string().nullable(),
  capacity: z.number(),
  workHours: z.string().nullable(),
  workDays: z.array(z.number()).nullable(),
  available: z.boolean(),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  createdAt: z.string(),
});

export const usersQuery = z.object({
  role: personRole.optional(),
});

export const usersResponse = z.object({ users: z.array(userResponse) });

export const userParams = z.object({ id: z.string().uuid('账号编号应为 UUID') });
