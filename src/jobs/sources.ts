import type pg from 'pg';
import type { Config } from '../config.ts';
import { recoverExpired } from '../channels/sms/outbox-store.ts';

/** Parts of the system that bring jobs of their own; each is wired when present. */
export interface JobSources {
  /** Ticket SLA: reminders, overdue notices, auto-close, expiry (src/escalation). */
  escalation?: { sweep(): Promise<object> };
  /** SMS outbox: attempts stuck in sending after a crash (src/channels/sms). */
  smsOutbox?: { sweep(): Promise<object> };
  /** Daily digests: the experts' from src/escalation (a 信息员 digest would join it here). */
  digest?: { send(now: Date): Promise<object> };
}

/**
 * The SMS outbox sweep as a scheduled job: attempts left in 'sending' by a crashed or stopped instance go
 * back to the queue (or to failed, when resending could duplicate). Each worker also does this for itself
 * every few seconds; the job is the deployment-wide safety net, recorded in job_runs.
 */
export function smsOutboxSource(
  pool: pg.Pool,
  sms: { gateway: { idempotent: boolean } },
  config: Pick<Config, 'SMS_RESEND_UNCERTAIN'>,
): NonNullable<JobSources['smsOutbox']> {
  return {
    sweep: () => recoverExpired(pool, { idempotent: sms.gateway.idempotent, resendUncertain: config.SMS_RESEND_UNCERTAIN }),
  };
}
