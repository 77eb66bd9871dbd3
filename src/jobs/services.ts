import type { Config } from '../config.ts';
import type { Database } from '../db/pool.ts';
import type { Outbox } from '../turns/outbox.ts';
import { deliverDue, queueServiceRecords } from '../services/exchange/push.ts';
import { remindStaleOrders, remindTrainings } from '../services/reminders.ts';
import type { Scheduler } from './scheduler.ts';

/** The station services' scheduled work (src/services): order and training reminders, and the push to the provincial platform. */
export function registerServiceJobs(
  scheduler: Scheduler,
  deps: { config: Config; db: Database; now: () => Date; outbox: Outbox },
): void {
  const { config, db, now } = deps;
  const on = (enabled: boolean) => config.JOBS_ENABLED && enabled;
  scheduler.register({
    name: 'order-reminders',
    schedule: config.JOBS_ORDER_REMINDERS_SCHEDULE,
    enabled: on(config.JOBS_ORDER_REMINDERS_ENABLED),
    run: async ({ signal }) => ({ ...(await remindStaleOrders({ pool: db.pool, now: now(), days: config.ORDER_REMINDER_DAYS, outbox: deps.outbox, signal })) }),
  });
  scheduler.register({
    name: 'training-reminders',
    schedule: config.JOBS_TRAINING_REMINDERS_SCHEDULE,
    enabled: on(config.JOBS_TRAINING_REMINDERS_ENABLED),
    run: async ({ signal }) => ({ ...(await remindTrainings({ pool: db.pool, now: now(), outbox: deps.outbox, signal })) }),
  });
  const url = config.EXCHANGE_PUSH_URL;
  const secret = config.EXCHANGE_SECRET;
  scheduler.register({
    name: 'exchange-push',
    schedule: config.JOBS_EXCHANGE_PUSH_SCHEDULE,
    // Nothing to push to until the province gives an address.
    enabled: on(config.JOBS_EXCHANGE_PUSH_ENABLED && Boolean(url && secret)),
    run: async ({ signal }) => {
      if (!url || !secret) return { queued: 0, sent: 0, failed: 0 };
      const at = now();
      const queued = await queueServiceRecords(db.pool, at);
      const result = await deliverDue(db.pool, { url, secret, timeoutMs: config.EXCHANGE_PUSH_TIMEOUT_SECONDS * 1000 }, at, signal);
      return { queued, ...result };
    },
  });
}
