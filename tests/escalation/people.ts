import { expect } from 'vitest';
import { adminAuth, type TestContext } from '../helpers/app.ts';

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export interface Person {
  id: string;
  username: string;
  password: string;
  token: string;
  headers: { authorization: string };
}

/** Create an account through the admin API and log it in. */
export async function person(t: TestContext, body: Record<string, unknown> & { username: string }): Promise<Person> {
  const password = (body.password as string | undefined) ?? `pw-${body.username}-2024`;
  const created = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: adminAuth, payload: { password, ...body } });
  expect(created.statusCode, created.body).toBe(201);
  const token = await login(t, body.username, password);
  return { id: created.json().id, username: body.username, password, token, headers: bearer(token) };
}

export async function login(t: TestContext, username: string, password: string): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().token;
}

/** Around the clock, every day: routing finds the expert whatever the test's clock says. */
export const ALWAYS = { workDays: [1, 2, 3, 4, 5, 6, 7], workHours: '00:00-24:00' };

/** One farmer turn through the API channel. */
export async function ask(t: TestContext, text: string, phone: string, extra: Record<string, unknown> = {}) {
  const res = await t.app.inject({
    method: 'POST', url: '/api/v1/messages', headers: adminAuth, payload: { text, from: { phone }, ...extra },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    conversationId: string;
    duplicate: boolean;
    replies: { id: string; text: string; escalated: boolean; ticketId?: string; citations: { title: string }[] }[];
  };
}

export async function ticketRow(t: TestContext, id: string) {
  const { rows } = await t.db.pool.query('SELECT status, assignee_id, priority, due_at FROM tickets WHERE id = $1', [id]);
  return rows[0];
}

export async function eventKinds(t: TestContext, id: string): Promise<string[]> {
  const { rows } = await t.db.pool.query('SELECT kind FROM ticket_events WHERE ticket_id = $1 ORDER BY id', [id]);
  return rows.map((r) => r.kind);
}
