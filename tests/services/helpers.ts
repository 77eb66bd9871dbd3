import { expect } from 'vitest';
import { seedStructuredData } from '../../src/data/index.ts';
import { adminAuth, createTestApp, type TestContext } from '../helpers/app.ts';

export { adminAuth };

/** The real app on a fresh database with the shipped structured data (service points, demo posts). */
export async function servicesApp(overrides: Record<string, string> = {}, opts: { clock?: () => Date; sms?: boolean } = {}): Promise<TestContext> {
  const t = await createTestApp(overrides, opts);
  await seedStructuredData(t.db, t.config.SEEDS_DIR, { now: opts.clock?.() });
  return t;
}

/** An officer account of one county (and village), logged in: its bearer header. */
export async function officer(
  t: TestContext,
  who: { username: string; county: string; village?: string; phone?: string; name?: string },
): Promise<{ authorization: string }> {
  const password = 'Xinxiyuan-2024!';
  const created = await t.app.inject({
    method: 'POST', url: '/api/v1/users', headers: adminAuth,
    payload: { username: who.username, password, role: 'officer', name: who.name ?? who.username, counties: [who.county], village: who.village, phone: who.phone },
  });
  expect(created.statusCode, created.body).toBe(201);
  const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: who.username, password } });
  expect(login.statusCode, login.body).toBe(200);
  return { authorization: `Bearer ${login.json().token}` };
}

export async function outbox(t: TestContext, phone: string): Promise<string[]> {
  const { rows } = await t.db.pool.query<{ text: string }>(`SELECT text FROM sms_outbox WHERE phone = $1 ORDER BY created_at, seq`, [phone]);
  return rows.map((r) => r.text);
}

export async function events(t: TestContext, entityId: string): Promise<{ action: string; actor_name: string; actor_role: string; at: Date }[]> {
  const { rows } = await t.db.pool.query(`SELECT action, actor_name, actor_role, at FROM service_events WHERE entity_id = $1 ORDER BY id`, [entityId]);
  return rows;
}
