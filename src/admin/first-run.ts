import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Queryable } from '../db/pool.ts';
import { generatePassword, hashPassword } from '../accounts/passwords.ts';
import { createUser } from '../accounts/users.ts';

export const INITIAL_ADMIN_USERNAME = 'admin';
export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

export interface InitialAdmin {
  username: string;
  password: string;
  /** where the password was written (mode 0600) */
  file: string;
}

/**
 * The way in on a first start, as Jenkins, Grafana and Gitea do it: with no administrator account at all,
 * create `admin` with a random password that must be changed at first login, and write it to a file only
 * the server's user can read. Returns undefined when an administrator exists (nothing is printed again).
 * Run under the start-up lock, so two instances starting together make one account.
 */
export async function ensureInitialAdmin(q: Queryable, dataDir: string): Promise<InitialAdmin | undefined> {
  const { rows } = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE role = 'admin'`);
  if (rows[0].n > 0) return undefined;
  const password = generatePassword(16);
  const user = await createUser(q, {
    username: INITIAL_ADMIN_USERNAME, passwordHash: await hashPassword(password), role: 'admin', name: '系统管理员',
    mustChangePassword: true,
  });
  // A non-admin account already called "admin": the bureau's first administrator gets another name.
  const account = user ?? await createUser(q, {
    username: `${INITIAL_ADMIN_USERNAME}-${password.slice(0, 4).toLowerCase()}`, passwordHash: await hashPassword(password),
    role: 'admin', name: '系统管理员', mustChangePassword: true,
  });
  if (!account) throw new Error('could not create the first administrator account (both names taken)');
  const file = path.resolve(dataDir, INITIAL_PASSWORD_FILE);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${account.username}\n${password}\n`, { mode: 0o600 });
    await chmod(file, 0o600); // an existing file keeps its mode on write
  } catch (err) {
    throw new Error(`could not write the first administrator's password to ${file}`, { cause: err });
  }
  return { username: account.username, password, file };
}
