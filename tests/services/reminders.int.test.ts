import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler, recentRuns } from '../../src/jobs/index.ts';
import type { Message } from '../../src/conversations/types.ts';
import { findOrCreateConversation } from '../../src/conversations/store.ts';
import type { TestContext } from '../helpers/app.ts';
import { adminAuth, officer, outbox, servicesApp } from './helpers.ts';

// Reminders through the real scheduler: node-cron ticks every second, the jobs read a fixed clock four days on.
const EVERY_SECOND = '* * * * * *';
let t: TestContext;
beforeAll(async () => {
  t = await servicesApp({
    JOBS_ORDER_REMINDERS_SCHEDULE: EVERY_SECOND, JOBS_TRAINING_REMINDERS_SCHEDULE: EVERY_SECOND, ORDER_REMINDER_DAYS: '3',
    JOBS_PRICE_IMPORT_ENABLED: 'false', JOBS_EXPIRY_ENABLED: 'false', JOBS_KNOWLEDGE_ENABLED: 'false',
  });
});
afterAll(async () => {
  await t?.close();
});


describe('reminder jobs on a real node-cron tick', () => {
  it('reminds a quiet order and tomorrow’s trainees once, however many ticks run', async () => {
    await officer(t, { username: 'qf-officer', county: '曲阜市', phone: '13905370399', name: '曲阜信息员' });
    const order = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: adminAuth, payload: { phone: '13905370301', items: '一袋二铵', county: '曲阜市' } });
    expect(order.statusCode, order.body).toBe(201);
    const fresh = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: adminAuth, payload: { phone: '13905370302', items: '一袋尿素', county: '曲阜市' } });

    const fixed = new Date(Date.now() + 4 * 86_400_000);
    // the second order changed a day before the fixed clock: not quiet long enough
    await t.db.pool.query(`UPDATE orders SET status_changed_at = $2 WHERE id = $1`, [fresh.json().id, new Date(fixed.getTime() - 86_400_000)]);
    const training = await t.app.inject({
      method: 'POST', url: '/api/v1/trainings', headers: adminAuth,
      payload: { topic: '手机应用技能培训', county: '曲阜市', place: '尼山镇鲁源村益农信息社', startsAt: new Date(fixed.getTime() + 86_400_000).toISOString(), capacity: 1 },
    });
    const id = training.json().id;
    // a web-chat farmer signs up by chat: the reminder arrives in that conversation
    const web = await findOrCreateConversation(t.db.pool, { channel: 'web', webId: 'web-reminder-1' });
    await t.db.pool.query(
      `INSERT INTO training_signups (training_id, phone, status, seat, conversation_id) VALUES ($1, '13905370303', 'seated', 1, $2)`,
      [id, web.id],
    );
    // the waiting list is not reminded
    await t.app.inject({ method: 'POST', url: `/api/v1/trainings/${id}/signups`, headers: adminAuth, payload: { phone: '13905370304' } });

    const published: Message[] = [];
    const stop = t.events.subscribe(web.id, (m) => published.push(m));
    const scheduler = createScheduler({ config: t.config, db: t.db, knowledge: t.knowledge, now: () => fixed, outbox: t.outbox });
    scheduler.start();
    try {
      await expect.poll(async () => (await recentRuns(t.db.pool, { job: 'training-reminders' })).filter((r) => r.outcome === 'succeeded').length, { timeout: 8000 }).toBeGreaterThanOrEqual(2);
      await expect.poll(async () => (await recentRuns(t.db.pool, { job: 'order-reminders' })).filter((r) => r.outcome === 'succeeded').length, { timeout: 8000 }).toBeGreaterThanOrEqual(2);
    } finally {
      await scheduler.stop(5000);
      stop();
    }
    const officerTexts = await outbox(t, '13905370399');
    expect(officerTexts).toHaveLength(1);
    expect(officerTexts[0]).toContain('代购提醒');
    expect(officerTexts[0]).toContain('一袋二铵');
    const farmer = await outbox(t, '13905370301');
    expect(farmer.at(-1)).toContain('已提醒信息员');
    expect(farmer.filter((x) => x.includes('已提醒信息员'))).toHaveLength(1);
    expect((await outbox(t, '13905370302')).some((x) => x.includes('已提醒'))).toBe(false);

    expect(published.map((m) => m.text)).toEqual([expect.stringContaining('培训提醒：明天')]);
    expect(published[0].conversationId).toBe(web.id);
    expect(await outbox(t, '13905370304')).toEqual([]);
    const runs = await recentRuns(t.db.pool, { job: 'training-reminders' });
    expect(runs.map((r) => r.counts.reminded).sort()).toContain(1);
    expect(runs.filter((r) => Number(r.counts.reminded) > 0)).toHaveLength(1);
  }, 30_000);
});
