import type { Queryable } from '../db/pool.ts';
import { generatePassword, hashPassword } from '../accounts/passwords.ts';
import { createUser, setPasswordHash } from '../accounts/users.ts';
import type { ExpertCategory } from './categories.ts';

/** The demo expert team of the embedded default: one per category, serving the whole city. */
export const DEMO_TEAM: { username: string; name: string; category: ExpertCategory }[] = [
  { username: 'zj_liangshi', name: '张建国', category: '粮食作物' },
  { username: 'zj_jingji', name: '李秀英', category: '经济作物' },
  { username: 'zj_shucai', name: '王海燕', category: '蔬菜' },
  { username: 'zj_guoshu', name: '刘志强', category: '果树' },
  { username: 'zj_zhibao', name: '陈立新', category: '植保' },
  { username: 'zj_tufei', name: '杨春梅', category: '土肥' },
  { username: 'zj_xumu', name: '赵德胜', category: '畜牧' },
  { username: 'zj_shouyi', name: '黄晓东', category: '兽医' },
  { username: 'zj_shuichan', name: '周文华', category: '水产' },
  { username: 'zj_nongji', name: '吴国庆', category: '农机' },
  { username: 'zj_zhengce', name: '孙丽娟', category: '政策' },
  { username: 'zj_shichang', name: '马宏伟', category: '市场' },
];

export interface DemoAccount {
  username: string;
  name: string;
  category: ExpertCategory;
  /** only when asked to reveal (development mode) */
  password?: string;
}

/**
 * Create the demo team when the database has no experts yet; with `reveal` (development mode), give every
 * demo account a fresh password and return it to print (sessions already open stay open, so a watch-mode
 * restart does not log the console out). Without `reveal` the random passwords are never
 * shown, so a production start cannot leak them: an administrator sets real ones with the accounts CLI.
 */
export async function seedDemoTeam(q: Queryable, opts: { reveal: boolean }): Promise<{ created: number; accounts: DemoAccount[] }> {
  const { rows } = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE role = 'expert'`);
  let created = 0;
  if (rows[0].n === 0) {
    for (const member of DEMO_TEAM) {
      const user = await createUser(q, {
        username: member.username, passwordHash: await hashPassword(generatePassword()), role: 'expert',
        name: member.name, specialties: [member.category], demo: true,
      });
      if (user) created++;
    }
  }
  if (!opts.reveal) return { created, accounts: [] };
  const { rows: demo } = await q.query<{ id: string; username: string; name: string; specialties: string[] }>(
    `SELECT id, username, name, specialties FROM users WHERE demo AND NOT disabled ORDER BY username`,
  );
  const accounts: DemoAccount[] = [];
  for (const d of demo) {
    const password = generatePassword(10);
    await setPasswordHash(q, d.id, await hashPassword(password));
    accounts.push({ username: d.username, name: d.name, category: d.specialties[0] as ExpertCategory, password });
  }
  return { created, accounts };
}
