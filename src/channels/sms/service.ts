import type pg from 'pg';
import type { Config } from '../../config.ts';
import type { Agent } from '../../bot/index.ts';
import { ConsoleGateway } from './console-gateway.ts';
import type { SmsGateway } from './gateway.ts';
import { HttpGateway } from './http-gateway.ts';
import { handleInbound, sweepInbox, type InboundDeps } from './inbound.ts';
import { configureOutbox } from './outbox.ts';
import { parseSmsPhone } from './phone.ts';
import { SmppGateway } from './smpp/gateway.ts';
import { flushStaleParts } from './smpp/parts.ts';
import { OutboxWorker, type WorkerLog } from './worker.ts';

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

export function inboundDeps(config: SmsConfig, pool: pg.Pool, agent: Agent): InboundDeps {
  configureOutbox({ budgetSegments: config.SMS_BUDGET_SEGMENTS });
  return {
    pool, agent, officerPhones: officerPhoneSet(config), maxChars: config.SMS_MAX_INBOUND_CHARS,
    leaseSeconds: config.SMS_INBOX_RETRY_SECONDS,
  };
}

export interface SmsService {
  gateway: SmsGateway;
  worker: OutboxWorker;
  stop(): Promise<void>;
}

/** The gateway SMS_GATEWAY names, the outbox worker, and the sweeper for interrupted inbound turns. */
export async function startSms(config: SmsConfig, pool: pg.Pool, agent: Agent, log: WorkerLog): Promise<SmsService> {
  const inbound = inboundDeps(config, pool, agent);
  const handleLater = (inboxId: string) =>
    void handleInbound(inbound, inboxId).catch((err: unknown) => log('warn', { err, inboxId }, 'SMS turn failed; the sweeper will retry it'));
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

  let sweeping = false;
  const sweeper = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    void (async () => {
      try {
        for (const inboxId of await flushStaleParts(inbound, 600)) handleLater(inboxId);
        await sweepInbox(inbound, 20, (err, inboxId) => log('warn', { err, inboxId }, 'SMS turn retry failed'));
      } catch (err) {
        log('error', { err }, 'SMS inbox sweep failed');
      } finally {
        sweeping = false;
      }
    })();
  }, Math.max(1000, (config.SMS_INBOX_RETRY_SECONDS * 1000) / 2));
  sweeper.unref();

  return {
    gateway,
    worker,
    async stop() {
      clearInterval(sweeper);
      await worker.stop();
      await gateway.stop?.();
    },
  };
}

function createGateway(config: SmsConfig, inbound: InboundDeps, log: WorkerLog, handleLater: (inboxId: string) => void): SmsGateway {
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
        onStored: (s) => handleLater(s.inboxId),
        onRejected: (reason, fields) => log('warn', { ...fields, reason }, 'SMPP inbound message refused'),
      });
    case 'console':
      return new ConsoleGateway((fields, msg) => log('info', fields, msg), config.SMS_CONCURRENCY);
  }
}
