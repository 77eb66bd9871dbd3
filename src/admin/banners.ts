import type { DemoAccount } from '../escalation/demo-team.ts';
import type { InitialAdmin } from './first-run.ts';

const ROLE_LABELS: Record<DemoAccount['role'], string> = { expert: '专家', officer: '信息员', county_admin: '县管理员' };
const WHERE: Record<DemoAccount['role'], string> = { expert: '/expert', officer: '/', county_admin: '/admin' };

/** What start-up prints once for the first administrator (stdout, so it is in the log however it is kept). */
export function initialAdminBanner(a: InitialAdmin, port: number): string {
  return [
    '',
    '================================================================',
    '  首次启动：已创建管理员账号（密码只显示这一次，首次登录必须修改）',
    `  管理台  http://localhost:${port}/admin`,
    `  用户名  ${a.username}`,
    `  密码    ${a.password}`,
    `  密码也写在 ${a.file}（只有本用户可读，改密码后请删除）`,
    '================================================================',
    '',
  ].join('\n');
}

/** The demo accounts and where each logs in (demo mode only; passwords renewed on every start). */
export function demoTeamBanner(accounts: DemoAccount[]): string {
  const lines = ['', '演示账号（演示模式 NODE_ENV=development 或 DEMO=1 才显示，每次启动重新生成密码）'];
  for (const a of accounts) {
    lines.push(`  ${ROLE_LABELS[a.role].padEnd(4, '　')} ${WHERE[a.role].padEnd(8)} ${a.label.padEnd(4, '　')}  ${a.name.padEnd(10, '　')} ${a.username.padEnd(16)} ${a.password ?? ''}`);
  }
  lines.push('');
  return lines.join('\n');
}
