import type { Queryable } from '../db/pool.ts';
import { generatePassword, hashPassword } from '../accounts/passwords.ts';
import { createUser, setPasswordHash } from '../accounts/users.ts';
import type { ExpertCategory } from './categories.ts';
import { JINING_COUNTIES, type JiningCounty } from '../data/counties.ts';

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

/** One 信息员 per county (a real town's made-up village) and one county administrator per county. */
const COUNTY_CODES: Record<JiningCounty, string> = {
  任城区: 'rencheng', 兖州区: 'yanzhou', 微山县: 'weishan', 鱼台县: 'yutai', 金乡县: 'jinxiang', 嘉祥县: 'jiaxiang',
  汶上县: 'wenshang', 泗水县: 'sishui', 梁山县: 'liangshan', 曲阜市: 'qufu', 邹城市: 'zoucheng',
};

export const DEMO_OFFICERS = JINING_COUNTIES.map((county) => ({
  username: `xxy_${COUNTY_CODES[county]}`, name: `${county.slice(0, 2)}信息员`, county, village: `${county.slice(0, 2)}示范村`,
}));
export const DEMO_COUNTY_ADMINS = JINING_COUNTIES.map((county) => ({
  username: `gly_${COUNTY_CODES[county]}`, name: `${county}农业农村局`, county,
}));

export interface DemoAccount {
  username: string;
  name: string;
  role: 'expert' | 'officer' | 'county_admin';
  /** an expert's category, an officer's or county administrator's county */
  label: string;
  /** only when asked to reveal (development mode) */
  password?: string;
}

/**
 * Create the demo team when the database has no experts yet (and, with `officers`, the 信息员 and county
 * administrators of each county when there are none); with `reveal` (demo mode), give every demo account
 * a fresh password and return it to print (sessions already open stay open, so a watch-mode restart does
 * not log the console out). Without `reveal` the random passwords are never shown, so a production start
 * cannot leak them: an administrator sets real ones in the console or with the accounts CLI.
 */
export async function seedDemoTeam(
  q: Queryable,
  opts: { reveal: boolean; officers?: boolean },
): Promise<{ created: number; accounts: DemoAccount[] }> {
  const { rows } = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE role = 'expert'`);
  let created = 0;
  const add = async (u: Parameters<typeof createUser>[1]) => {
    if (await createUser(q, u)) created++;
  };
  if (rows[0].n === 0) {
    for (const member of DEMO_TEAM) {
      await add({
        username: member.username, passwordHash: await hashPassword(generatePassword()), role: 'expert',
        name: member.name, specialties: [member.category], demo: true,
      });
    }
  }
  if (opts.officers) {
    const { rows: others } = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE role IN ('officer', 'county_admin')`);
    if (others[0].n === 0) {
      for (const o of DEMO_OFFICERS) {
        await add({
          username: o.username, passwordHash: await hashPassword(generatePassword()), role: 'officer', name: o.name,
          counties: [o.county], village: o.village, demo: true,
        });
      }
      for (const a of DEMO_COUNTY_ADMINS) {
        await add({
          username: a.username, passwordHash: await hashPassword(generatePassword()), role: 'county_admin', name: a.name,
          counties: [a.county], demo: true,
        });
      }
    }
  }
  if (!opts.reveal) return { created, accounts: [] };
  const { rows: demo } = await q.query<{ id: string; username: string; name: string; role: DemoAccount['role']; specialties: string[]; counties: string[] }>(
    `SELECT id, username, name, role, specialties, counties FROM users WHERE demo AND NOT disabled ORDER BY role, username`,
  );
  const accounts: DemoAccount[] = [];
  for (const d of demo) {
    const password = generatePassword(10);
    await setPasswordHash(q, d.id, await hashPassword(password));
    accounts.push({
      username: d.username, name: d.name, role: d.role, label: d.role === 'expert' ? d.specialties[0] : d.counties[0] ?? '', password,
    });
  }
  return { created, accounts };
}
