import { parseArgs } from 'node:util';
import type { Queryable } from '../db/pool.ts';
import { createUserBody } from '../schemas/users.ts';
import { generatePassword, hashPassword, PASSWORD_MIN } from '../accounts/passwords.ts';
import { revokeUserSessions } from '../accounts/sessions.ts';
import { clearFailures } from '../accounts/throttle.ts';
import { createUser, findByUsername, listUsers, setPasswordHash, updateUser, PERSON_ROLES, type PersonRole } from '../accounts/users.ts';

export const ACCOUNTS_USAGE = `用法:
  npm run accounts -- create --username <名> --role expert|officer|admin [--name 张三] [--phone 139…]
                              [--specialties 植保,蔬菜] [--counties 金乡县,鱼台县] [--village 某村] [--password …]
  npm run accounts -- list [--role expert]
  npm run accounts -- passwd <用户名> [--password …]     不给密码则生成一个并显示；已登录的令牌失效
  npm run accounts -- disable <用户名> | enable <用户名>
  npm run accounts -- unlock <用户名>                     解除登录失败造成的锁定
不给 --password 时生成随机密码并只显示这一次。`;

/** A command's mistake: printed with the usage, exit code 2. */
export class UsageError extends Error {}

const list = (v?: string) => (v ? v.split(/[,，、]/).map((s) => s.trim()).filter(Boolean) : undefined);

/** The accounts command line, over an open database; returns the lines to print. */
export async function runAccountsCommand(q: Queryable, argv: string[]): Promise<string[]> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      username: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, phone: { type: 'string' },
      specialties: { type: 'string' }, counties: { type: 'string' }, village: { type: 'string' }, password: { type: 'string' },
    },
  });
  const [command, target] = positionals;
  switch (command) {
    case 'create': {
      const generated = values.password ? undefined : generatePassword();
      const parsed = createUserBody.safeParse({
        username: values.username, password: values.password ?? generated, role: values.role, name: values.name,
        phone: values.phone, specialties: list(values.specialties), counties: list(values.counties), village: values.village,
      });
      if (!parsed.success) {
        throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || '参数'}：${i.message}`).join('\n'));
      }
      const b = parsed.data;
      const user = await createUser(q, {
        username: b.username, passwordHash: await hashPassword(b.password), role: b.role, name: b.name ?? b.username,
        phone: b.phone, specialties: b.specialties, counties: b.counties, village: b.village,
      });
      if (!user) throw new UsageError(`用户名 ${b.username} 已经有人用了`);
      return [
        `已创建 ${user.role} 账号 ${user.username}（${user.name}）${user.specialties.length ? ` 专业：${user.specialties.join('、')}` : ''}`,
        ...(generated ? [`初始密码：${generated}（只显示这一次）`] : []),
      ];
    }
    case 'list': {
      if (values.role && !(PERSON_ROLES as readonly string[]).includes(values.role)) throw new UsageError(`--role 应为 ${PERSON_ROLES.join('、')} 之一`);
      const users = await listUsers(q, { role: values.role as PersonRole | undefined, includeDisabled: true });
      return users.map((u) =>
        [u.username, u.role, u.name, u.specialties.join('、') || '-', u.counties.join('、') || '全市', u.disabled ? '已停用' : u.available ? '' : '暂停接单']
          .join('\t').trimEnd());
    }
    case 'passwd': {
      const user = target ? await findByUsername(q, target) : undefined;
      if (!user) throw new UsageError(`没有账号 ${target ?? ''}`);
      const password = values.password ?? generatePassword();
      if (password.length < PASSWORD_MIN) throw new UsageError(`密码至少 ${PASSWORD_MIN} 位`);
      await setPasswordHash(q, user.id, await hashPassword(password));
      const revoked = await revokeUserSessions(q, user.id);
      return [`已修改 ${user.username} 的密码${values.password ? '' : `：${password}`}；${revoked} 个已登录的令牌已失效`];
    }
    case 'disable':
    case 'enable': {
      const user = target ? await findByUsername(q, target) : undefined;
      if (!user) throw new UsageError(`没有账号 ${target ?? ''}`);
      await updateUser(q, user.id, { disabled: command === 'disable' });
      if (command === 'disable') await revokeUserSessions(q, user.id);
      return [`${user.username} 已${command === 'disable' ? '停用' : '启用'}`];
    }
    case 'unlock': {
      if (!target) throw new UsageError('请给出用户名');
      await clearFailures(q, `user:${target.trim().toLowerCase()}`);
      return [`${target} 的登录锁定已解除`];
    }
    default:
      throw new UsageError(ACCOUNTS_USAGE);
  }
}
