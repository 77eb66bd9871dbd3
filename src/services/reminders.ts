import type pg from 'pg';
import { withTransaction } from '../db/pool.ts';
import { markReminded, staleOrders, STATUS_LABELS, type Order } from './orders.ts';
import { dueTrainingReminders, markSignupReminded, whenLabel } from './trainings.ts';
import { tellFarmer, type FarmerOutbox } from './notify.ts';

export interface ReminderDeps {
  pool: pg.Pool;
  now: Date;
  /** farmers are told on their own channel, officers by text */
  outbox: FarmerOutbox;
  signal?: AbortSignal;
}

/** Officers of an order's county (and its station's village, when they have one) with a phone to text. */
async function officerPhones(q: pg.PoolClient, order: Order): Promise<string[]> {
  const { rows } = await q.query<{ phone: string }>(
    `SELECT u.phone FROM users u
     LEFT JOIN service_points sp ON sp.id = $2
     WHERE u.role = 'officer' AND NOT u.disabled AND u.phone IS NOT NULL AND $1 = ANY(u.counties)
       AND (u.village IS NULL OR sp.village IS NULL OR u.village = sp.village)`,
    [order.county, order.station],
  );
  return rows.map((r) => r.phone);
}

/**
 * Orders never expire silently: an open order whose status has not moved for `days` gets a reminder, to
 * the officers who can move it and to the farmer, once per `days` of silence. Each order is its own
 * transaction (the guard, the texts and the farmer's message together); a stop leaves the rest for the next run.
 */
export async function remindStaleOrders(deps: ReminderDeps & { days: number }): Promise<{ orders: number; officerTexts: number }> {
  const { pool, now, days } = deps;
  let orders = 0;
  let officerTexts = 0;
  for (const order of await staleOrders(pool, now, days)) {
    if (deps.signal?.aborted) break;
    await withTransaction(pool, async (client) => {
      if (!(await markReminded(client, order.id, now, days))) return;
      for (const phone of await officerPhones(client, order)) {
        const receipt = await deps.outbox.textPhone(client, phone,
          `代购提醒：${order.stationName ?? order.county ?? ''}一单“${order.items}”${days}天没有进展（${STATUS_LABELS[order.status]}），请在信息员页面处理。`);
        if (!receipt.error) officerTexts++;
      }
      await tellFarmer(client, deps.outbox, {
        conversationId: order.conversationId, phone: order.phone,
        text: `您的代购（${order.items}）现在是“${STATUS_LABELS[order.status]}”，已提醒信息员尽快处理。`,
      });
      orders++;
    });
  }
  return { orders, officerTexts };
}

/** The text the day before a session, to every seated farmer, once (reminded_at guards a second run). */
export async function remindTrainings(deps: ReminderDeps): Promise<{ reminded: number; failed: number }> {
  const { pool, now } = deps;
  let reminded = 0;
  let failed = 0;
  for (const s of await dueTrainingReminders(pool, now)) {
    if (deps.signal?.aborted) break;
    await withTransaction(pool, async (client) => {
      if (!(await markSignupReminded(client, s.id, now))) return;
      const told = await tellFarmer(client, deps.outbox, {
        conversationId: s.conversationId, phone: s.phone,
        text: `培训提醒：明天${whenLabel(s.startsAt).split(' ')[1]}在${s.place}有“${s.topic}”培训，您的座位号 ${s.seat} 号，请准时参加。`,
      });
      if (told.smsError && !told.message) failed++;
      else reminded++;
    });
  }
  return { reminded, failed };
}
