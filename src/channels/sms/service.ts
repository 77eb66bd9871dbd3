import type pg from 'pg';
import type { Config } from '../../config.ts';
import type { Turns } from '../../turns/index.ts';
import { ConsoleGateway } from './console-gateway.ts';
import type { SmsGateway } from './gateway.ts';
import { HttpGateway } from './http-gateway.ts';
import { handleInbound, sweepInbox, type InboundDeps } from './inbound.ts';
import { configureOutbox } from './outbox.ts';
import { parseSmsPhone } from './phone.ts';
import { SmppGateway } from './smpp/gateway.ts';
import { flushStaleParts } from './smpp/parts.ts';
import { recoverExpired } from './outbox-store.ts';
import { OutboxWorker, type WorkerLog } from './worker.ts';

/** A long text whose last part hasn't come in this long is handled with what arrived. */
const STALE_PARTS_SECONDS = 600;

export type SmsConfig = Pick<Config, Extract<keyof Config, `SMS_${string}` | `SMPP_${string}`>>;

/** Officer phones from SMS_OFFICER_PHONES in the project's key form; a bad entry is skipped, not fatal. */
export function officerPhoneSet(config: Pick<Config, 'SMS_OFFICER_PHONES'>): Set<string> {
  const set = new Set<string>();
  for (const raw of config.SMS_OFFICER_PHONES) {
    const p = parseSmsPhone(raw);
    if (p.ok) set.add(p.key);
  }
  return set;
}

export function inboundDeps(config: SmsConfig, pool: pg.Pool, turns: Turns): InboundDeps {
  configureOutbox({ budgetSegments: config.SMS_BUDGET_SEGMENTS });
  return {
    pool, turns, officerPhones: officerPhoneSet(config),
    maxChars: config.SMS_MAX_INBOUND_CHARS, leaseSeconds: config.SMS_INBOX_RETRY_SECONDS,
  };
}

export interface SmsService {
  gateway: SmsGateway;
  worker: OutboxWorker;
  /**
   * One pass of the recovery work: sends a stopped worker left in flight, inbound turns a crash
   * interrupted, long texts whose last part never came. Runs on its own timer; the jobs scheduler may call
   * its outbox part as a job of its own (smsOutboxSource, JobSources.smsOutbox).
   */
  sweep(): Promise<{ requeued: number; uncertain: number; failed: number; partsFlushed: number; inboxHandled: number }>;
  stop(): Promise<void>;
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
): { sweep(): Promise<object> } {
  return {
    sweep: () => recoverExpired(pool, { idempotent: sms.gateway.idempotent, resendUncertain: config.SMS_RESEND_UNCERTAIN }),
  };
}

/** The gateway SMS_GATEWAY names, the outbox worker, and the sweeper for interrupted inbound turns. */
export async function startSms(config: SmsConfig, pool: pg.Pool, turns: Turns, log: WorkerLog): Promise<SmsService> {
  const inbound = inboundDeps(config, pool, turns);
  // One farmer's texts are answered in the order they came: turns of one phone run one after another.
  const queues = new Map<string, Promise<void>>();
  const handleLater = (inboxId: string, phone = '') => {
    const run = () => handleInbound(inbound, inboxId)
      .then(() => undefined)
      .catch((err: unknown) => log('warn', { err, inboxId }, 'SMS turn failed; the sweeper will retry it'));
    const next = (queues.get(phone) ?? Promise.resolve()).then(run);
    queues.set(phone, next);
    void next.finally(() => {
      if (queues.get(phone) === next) queues.delete(phone);
    });
  };
  const gateway = createGateway(config, inbound, log, handleLater);
  await gateway.start?.();
  const worker = new OutboxWorker(pool, gateway, {
    ratePerSecond: config.SMS_RATE_PER_SECOND,
    maxAttempts: config.SMS_MAX_ATTEMPTS,
    retryBaseMs: config.SMS_RETRY_BASE_MS,
    retryMaxMs: config.SMS_RETRY_MAX_MS,
    leaseSeconds: config.SMS_LEASE_SECONDS,
    pollMs: config.SMS_POLL_MS,
    resendUncertain: config.SMS_RESEND_UNCERTAIN,
  }, log);
  worker.start();

  const sweep = async () => {
    const recovered = await recoverExpired(pool, { idempotent: gateway.idempotent, resendUncertain: config.SMS_RESEND_UNCERTAIN });
    const flushed = await flushStaleParts(inbound, STALE_PARTS_SECONDS);
    for (const inboxId of flushed) handleLater(inboxId);
    const inboxHandled = await sweepInbox(
      inbound, 20,
      (err, inboxId) => log('warn', { err, inboxId }, 'SMS turn retry failed'),
      // A farmer's text nobody could answer: a person must look (also yinong_sms_inbox{status="failed"}).
      (row) => log('error', row, 'SMS turn given up after repeated attempts: the farmer got no reply'),
    );
    return { ...recovered, partsFlushed: flushed.length, inboxHandled };
  };
  let sweeping = false;
  const sweeper = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweep()
      .catch((err: unknown) => log('error', { err }, 'SMS sweep failed'))
      .finally(() => {
        sweeping = false;
      });
  }, Math.max(1000, (config.SMS_INBOX_RETRY_SECONDS * 1000) / 2));
  sweeper.unref();

  return {
    gateway,
    worker,
    sweep,
    async stop() {
      clearInterval(sweeper);
      await worker.stop();
      await gateway.stop?.();
    },
  };
}

function createGateway(
  config: SmsConfig, inbound: InboundDeps, log: WorkerLog, handleLater: (inboxId: string, phone: string) => void,
): SmsGateway {
  switch (config.SMS_GATEWAY) {
    case 'http':
      return new HttpGateway({
        url: config.SMS_HTTP_URL!, secret: config.SMS_HTTP_SECRET!, timeoutMs: config.SMS_HTTP_TIMEOUT_MS, window: config.SMS_CONCURRENCY,
      });
    case 'smpp':
      return new SmppGateway({
        host: config.SMPP_HOST!, port: config.SMPP_PORT, systemId: config.SMPP_SYSTEM_ID!, password: config.SMPP_PASSWORD,
        systemType: config.SMPP_SYSTEM_TYPE, window: config.SMPP_WINDOW, enquireLinkSeconds: config.SMPP_ENQUIRE_LINK_SECONDS,
        responseTimeoutMs: config.SMPP_RESPONSE_TIMEOUT_MS, reconnectMaxSeconds: config.SMPP_RECONNECT_MAX_SECONDS,
        sourceAddr: config.SMPP_SOURCE_ADDR, inbound, log,
        onStored: (s) => handleLater(s.inboxId, s.row.phone),
        onRejected: (reason, fields) => log('warn', { ...fields, reason }, 'SMPP inbound message refused'),
      });
    case 'console':
      return new ConsoleGateway((fields, msg) => log('info', fields, msg), config.SMS_CONCURRENCY);
  }
}
