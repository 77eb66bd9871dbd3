import type pg from 'pg';
import { LeaseWorker, retryDelayMs, type Room, type WorkerLog } from '../db/lease-worker.ts';
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

export type DeliveryLog = WorkerLog;

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
 * Delivers queued integration events to their webhooks (the shared lease loop in db/lease-worker.ts): claims
 * due rows (SKIP LOCKED, with a lease), POSTs each signed as the SMS gateway's webhooks are
 * (X-Yinong-Timestamp, X-Yinong-Signature over "<timestamp>.<body>"), and records the outcome. 2xx is
 * delivered; 408, 429, 5xx and network errors are retried with exponential back-off and jitter; any other 4xx
 * is the receiver refusing it, failed for good. The event id is in the body and a header, the same on every
 * attempt, so a receiver that keeps one message per id shows it once even after a resend (a lease that ran
 * out mid-request).
 */
export class IntegrationDeliveryWorker extends LeaseWorker<DueEvent> {
  readonly stats = { sent: 0, retried: 0, failed: 0, recovered: 0 };

  constructor(
    private readonly pool: pg.Pool,
    private readonly opts: DeliveryWorkerOptions = DEFAULT_DELIVERY_OPTIONS,
    log: DeliveryLog = () => {},
  ) {
    super('integration-worker', 'integration delivery', integrationOutboxSignal, opts, log);
  }

  protected room(): Room {
    return { claim: Math.max(0, this.opts.window - this.inFlight.size) };
  }

  protected claim(n: number): Promise<DueEvent[]> {
    return claimDue(this.pool, this.id, n, this.opts.leaseSeconds);
  }

  protected async recover(): Promise<void> {
    const n = await recoverExpired(this.pool);
    if (n) {
      this.stats.recovered += n;
      this.log('info', { n }, 'integration deliveries interrupted by a stopped worker taken over');
    }
  }

  protected async deliver(row: DueEvent, signal: AbortSignal): Promise<void> {
    try {
      const status = await this.post(row, signal);
      if (signal.aborted) return; // a crashed process records nothing
      await markSent(this.pool, row.id, this.id, status);
      this.stats.sent++;
    } catch (err) {
      if (signal.aborted) return;
      const e = err instanceof DeliveryError ? err : new DeliveryError((err as Error).message, false, undefined, undefined, { cause: err });
      if (e.permanent || row.attempts >= this.opts.maxAttempts) {
        await markFailed(this.pool, row.id, this.id, e.message, e.status);
        this.stats.failed++;
        this.log('warn', { id: row.id, attempts: row.attempts, error: e.message }, 'integration delivery failed for good');
        return;
      }
      const delay = retryDelayMs(row.attempts, this.opts.retryBaseMs, this.opts.retryMaxMs, e.retryAfterMs);
      await markRetry(this.pool, row.id, this.id, delay, e.message, e.status);
      this.stats.retried++;
      this.log('info', { id: row.id, attempts: row.attempts, delayMs: Math.round(delay), error: e.message }, 'integration delivery will be retried');
    }
  }

  private async post(row: DueEvent, abandoned: AbortSignal): Promise<number> {
    const body = eventBody(row);
    let res: Response;
    try {
      res = await fetch(row.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [EVENT_ID_HEADER]: row.id, ...signedHeaders(row.secret, body) },
        body,
        signal: AbortSignal.any([abandoned, AbortSignal.timeout(this.opts.timeoutMs)]),
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
