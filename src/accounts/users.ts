import type { Queryable } from '../db/pool.ts';

export const PERSON_ROLES = ['admin', 'county_admin', 'expert', 'officer'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

export interface User {
  id: string;
  username: string;
  role: PersonRole;
  name: string;
  phone: string | null;
  specialties: string[];
  counties: string[];
  village: string | null;
  capacity: number;
  /** ISO weekdays (1 = Monday) and minutes after midnight in China time; null = the team's */
  workDays: number[] | null;
  workStartMin: number | null;
  workEndMin: number | null;
  available: boolean;
  disabled: boolean;
  demo: boolean;
  /** a generated or reset password: the person must choose their own before anything else */
  mustChangePassword: boolean;
  createdAt: string;
}

export interface NewUser {
  username: string;
  passwordHash: string;
  role: PersonRole;
  name: string;
  phone?: string | null;
  specialties?: string[];
  counties?: string[];
  village?: string | null;
  capacity?: number;
  workDays?: number[] | null;
  workStartMin?: number | null;
  workEndMin?: number | null;
  demo?: boolean;
  mustChangePassword?: boolean;
}

export type UserPatch = Partial<Omit<NewUser, 'username' | 'passwordHash' | 'demo' | 'mustChangePassword'>> & {
  available?: boolean;
  disabled?: boolean;
};

const COLUMNS = ['id', 'username', 'role', 'name', 'phone', 'specialties', 'counties', 'village', 'capacity', 'work_days',
  'work_start_min', 'work_end_min', 'available', 'disabled', 'demo', 'must_change_password', 'created_at'];
const USER_COLUMNS = COLUMNS.join(', ');

/** The account columns (never the password hash), qualified by a table alias for joins. */
export function userColumns(alias: string): string {
  return COLUMNS.map((c) => `${alias}.${c}`).join(', ');
}

export function toUser(r: any): User {
  return {
    id: r.id, username: r.username, role: r.role, name: r.name, phone: r.phone, specialties: r.specialties ?? [],
    counties: r.counties ?? [], village: r.village, capacity: r.capacity, workDays: r.work_days,
    workStartMin: r.work_start_min, workEndMin: r.work_end_min, available: r.available, disabled: r.disabled,
    demo: r.demo, mustChangePassword: r.must_change_password ?? false, createdAt: new Date(r.created_at).toISOString(),
  };
}

/** A new account; `undefined` when the username is taken (usernames are unique regardless of case). */
export async function createUser(q: Queryable, u: NewUser): Promise<User | undefined> {
  const { rows } = await q.query(
    `INSERT INTO users (username, password_hash, role, name, phone, specialties, counties, village, capacity,
                        work_days, work_start_min, work_end_min, demo, must_change_password)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9, 10), $10, $11, $12, $13, $14)
     ON CONFLICT ((lower(username))) DO NOTHING
     RETURNING ${USER_COLUMNS}`,
    [
      u.username, u.passwordHash, u.role, u.name, u.phone ?? null, u.specialties ?? [], u.counties ?? [],
      u.village ?? null, u.capacity ?? null, u.workDays ?? null, u.workStartMin ?? null, u.workEndMin ?? null,
      u.demo ?? false, u.mustChangePassword ?? false,
    ],
  );
  return rows[0] ? toUser(rows[0]) : undefined;
}

export async function getUser(q: Queryable, id: string): Promise<User | undefined> {
  const { rows } = await q.query(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0] ? toUser(rows[0]) : undefined;
}

/** The account and its stored hash, for a login. */
export async function findForLogin(q: Queryable, username: string): Promise<{ user: User; passwordHash: string } | undefined> {
  const { rows } = await q.query(
    `SELECT ${USER_COLUMNS}, password_hash FROM users WHERE lower(username) = lower($1)`,
    [username],
  );
  return rows[0] ? { user: toUser(rows[0]), passwordHash: rows[0].password_hash } : undefined;
}

export async function findByUsername(q: Queryable, username: string): Promise<User | undefined> {
  const { rows } = await q.query(`SELECT ${USER_COLUMNS} FROM users WHERE lower(username) = lower($1)`, [username]);
  return rows[0] ? toUser(rows[0]) : undefined;
}

export async function listUsers(q: Queryable, filter: { role?: PersonRole; includeDisabled?: boolean } = {}): Promise<User[]> {
  const { rows } = await q.query(
    `SELECT ${USER_COLUMNS} FROM users
      WHERE ($1::text IS NULL OR role = $1) AND ($2 OR NOT disabled)
      ORDER BY role, username`,
    [filter.role ?? null, filter.includeDisabled ?? false],
  );
  return rows.map(toUser);
}

/** Change what the patch names and nothing else; `undefined` when there is no such account. */
export async function updateUser(q: Queryable, id: string, p: UserPatch): Promise<User | undefined> {
  const set: string[] = [];
  const values: unknown[] = [id];
  const column = (name: string, value: unknown) => {
    values.push(value);
    set.push(`${name} = $${values.length}`);
  };
  if (p.role !== undefined) column('role', p.role);
  if (p.name !== undefined) column('name', p.name);
  if (p.phone !== undefined) column('phone', p.phone);
  if (p.specialties !== undefined) column('specialties', p.specialties);
  if (p.counties !== undefined) column('counties', p.counties);
  if (p.village !== undefined) column('village', p.village);
  if (p.capacity !== undefined) column('capacity', p.capacity);
  if (p.workDays !== undefined) column('work_days', p.workDays);
  if (p.workStartMin !== undefined) column('work_start_min', p.workStartMin);
  if (p.workEndMin !== undefined) column('work_end_min', p.workEndMin);
  if (p.available !== undefined) column('available', p.available);
  if (p.disabled !== undefined) column('disabled', p.disabled);
  if (!set.length) return getUser(q, id);
  const { rows } = await q.query(
    `UPDATE users SET ${set.join(', ')}, updated_at = now() WHERE id = $1 RETURNING ${USER_COLUMNS}`,
    values,
  );
  return rows[0] ? toUser(rows[0]) : undefined;
}

/** A new password; `mustChange` when someone else chose it (a reset), so the person picks their own at login. */
export async function setPasswordHash(
  q: Queryable,
  id: string,
  passwordHash: string,
  opts: { mustChange?: boolean } = {},
): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE users SET password_hash = $2, must_change_password = $3, updated_at = now() WHERE id = $1`,
    [id, passwordHash, opts.mustChange ?? false],
  );
  return (rowCount ?? 0) > 0;
}
