import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { signedHeaders } from '../webhooks/signature.ts';
import { integrationOutboxSignal } from './outbox.ts';
import { claimDue, markFailed, markRetry, markSent, recoverExpired, type DueEvent } from './outbox-store.ts';

export interface DeliveryWorkerOptions {
  /** deliveries in flight at once, per worker */
  window: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  leaseSeconds: number;
  pollMs: number;
  timeoutMs: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryWorkerOptions = {
  window: 8, maxAttempts: 10, retryBaseMs: 2000, retryMaxMs: 15 * 60_000, leaseSeconds: 60, pollMs: 2000, timeoutMs: 10_000,
};

/** The worker's options from the configuration. */
export function deliveryOptions(config: { INTEGRATION_DELIVERY_MAX_ATTEMPTS: number; INTEGRATION_DELIVERY_TIMEOUT_SECONDS: number }): DeliveryWorkerOptions {
  return {
    ...DEFAULT_DELIVERY_OPTIONS,
    maxAttempts: config.INTEGRATION_DELIVERY_MAX_ATTEMPTS,
    timeoutMs: config.INTEGRATION_DELIVERY_TIMEOUT_SECONDS * 1000,
  };
}

export type DeliveryLog = (level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, msg: string) => void;

export const EVENT_ID_HEADER = 'X-Yinong-Event-Id';

/** The request body of one event, exactly as signed. */
export function eventBody(e: Pick<DueEvent, 'id' | 'type' | 'createdAt' | 'payload'>): string {
  return JSON.stringify({ id: e.id, type: e.type, createdAt: e.createdAt, ...e.payload });
}

class DeliveryError extends Error {
  constructor(message: string, readonly permanent: boolean, readonly status?: number, readonly retryAfterMs?: number, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * Delivers queued integration events to their webhooks: claims due rows (SKIP LOCKED, with a lease), POSTs
 * each signed as the SMS gateway's webhooks are (X-Yinong-Timestamp, X-Yinong-Signature over
 * "<timestamp>.<body>"), and records the outcome. 2xx is delivered; 408, 429, 5xx and network errors are
 * retried with exponential back-off and jitter; any other 4xx is the receiver refusing it, failed for good.
 * The event id is in the body and a header, the same on every attempt, so a receiver that keeps one message
 * per id shows it once even after a resend (a lease that ran out mid-request). Its loop never throws.
 */
export class IntegrationDeliveryWorker {
  readonly id = `integration-worker-${randomUUID().slice(0, 8)}`;
  readonly stats = { sent: 0, retried: 0, failed: 0, recovered: 0 };
  private readonly inFlight = new Set<string>();
  private timer?: NodeJS.Timeout;
  private running = false;
  private ticking = false;
  private again = false;
  private lastRecovery = 0;
  private readonly wake = () => this.kick(0);

  constructor(
    private readonly pool: pg.Pool,
    private readonly opts: DeliveryWorkerOptions = DEFAULT_DELIVERY_OPTIONS,
    private readonly log: DeliveryLog = () => {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    integrationOutboxSignal.on('queued', this.wake);
    this.kick(0);
  }

  /** Stop claiming and let the deliveries in flight finish and be recorded. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.running = false;
    integrationOutboxSignal.off('queued', this.wake);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const until = Date.now() + timeoutMs;
    while (this.inFlight.size && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  }

  private kick(ms: number): void {
    if (!this.running) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (!this.running) return;
    this.ticking = true;
    this.again = false;
    let next = this.opts.pollMs;
    try {
      if (performance.now() - this.lastRecovery > Math.min(5000, (this.opts.leaseSeconds * 1000) / 2)) {
        this.lastRecovery = performance.now();
        const n = await recoverExpired(this.pool);
        if (n) {
          this.stats.recovered += n;
          this.log('info', { n }, 'integration deliveries interrupted by a stopped worker taken over');
        }
      }
      const free = this.opts.window - this.inFlight.size;
      if (free > 0) {
        const rows = await claimDue(this.pool, this.id, free, this.opts.leaseSeconds);
        for (const row of rows) this.dispatch(row);
        if (rows.length === free) next = 0;
      }
    } catch (err) {
      this.log('error', { err }, 'integration outbox tick failed; retrying');
      next = Math.max(next, 1000);
    } finally {
      this.ticking = false;
    }
    if (!this.running) return;
    this.kick(this.again ? 0 : next);
  }

  private dispatch(row: DueEvent): void {
    this.inFlight.add(row.id);
    void this.deliver(row)
      .catch((err: unknown) => {
        // The outcome could not be recorded (database gone): the lease brings the row back later.
        this.log('error', { err, id: row.id }, 'integration delivery outcome not recorded; the lease will retry it');
      })
      .finally(() => {
        this.inFlight.delete(row.id);
        this.kick(0);
      });
  }

  private async deliver(row: DueEvent): Promise<void> {
    try {
      const status = await this.post(row);
      await markSent(this.pool, row.id, this.id, status);
      this.stats.sent++;
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError((err as Error).message, false, undefined, undefined, { cause: err });
      if (e.permanent || row.attempts >= this.opts.maxAttempts) {
        await markFailed(this.pool, row.id, this.id, e.message, e.status);
        this.stats.failed++;
        this.log('warn', { id: row.id, attempts: row.attempts, error: e.message }, 'integration delivery failed for good');
        return;
      }
      const backoff = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** (row.attempts - 1));
      const delay = Math.max(e.retryAfterMs ?? 0, backoff * (0.5 + Math.random() / 2));
      await markRetry(this.pool, row.id, this.id, delay, e.message, e.status);
      this.stats.retried++;
      this.log('info', { id: row.id, attempts: row.attempts, delayMs: Math.round(delay), error: e.message }, 'integration delivery will be retried');
    }
  }

  private async post(row: DueEvent): Promise<number> {
    const body = eventBody(row);
    let res: Response;
    try {
      res = await fetch(row.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [EVENT_ID_HEADER]: row.id, ...signedHeaders(row.secret, body) },
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (err) {
      throw new DeliveryError(`webhook unreachable: ${(err as Error).message}`, false, undefined, undefined, { cause: err });
    }
    const text = (await res.text().catch(() => '')).slice(0, 200);
    if (res.ok) return res.status;
    const retryAfter = Number(res.headers.get('retry-after'));
    const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
    throw new DeliveryError(
      `webhook answered ${res.status}${text ? `: ${text}` : ''}`, !retryable, res.status,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    );
  }
}
