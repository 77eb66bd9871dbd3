import type pg from 'pg';
import { LeaseWorker, retryDelayMs, type Room, type WorkerLog } from '../../db/lease-worker.ts';
import { GatewayError, type SmsGateway } from './gateway.ts';
import { outboxSignal } from './outbox.ts';
import {
  claimDue, markFailed, markOnWire, markRetry, markSent, markSuppressed, recoverExpired, type OutboxRow,
} from './outbox-store.ts';
import { parseSmsPhone } from './phone.ts';

export interface WorkerOptions {
  ratePerSecond: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  leaseSeconds: number;
  pollMs: number;
  resendUncertain: boolean;
}

export type { WorkerLog };

export interface WorkerStats {
  sent: number;
  retried: number;
  failed: number;
  suppressed: number;
  recovered: number;
}

/** Sends per second, with a one-second burst: the gateway's contracted rate, per worker. */
class TokenBucket {
  private tokens: number;
  private at = performance.now();

  constructor(private readonly rate: number) {
    this.tokens = rate;
  }

  available(): number {
    const now = performance.now();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.at) / 1000) * this.rate);
    this.at = now;
    return Math.floor(this.tokens);
  }

  take(): void {
    this.tokens -= 1;
  }

  /** Milliseconds until the next token. */
  wait(): number {
    return Math.max(1, Math.ceil(((1 - this.tokens) / this.rate) * 1000));
  }
}

/**
 * The SMS outbox worker: claims due rows (the shared lease loop in db/lease-worker.ts), hands them to the
 * gateway within its window and rate, records the outcome, retries with exponential back-off and jitter,
 * and takes over attempts whose worker died.
 *
 * Delivery reasoning: a row is claimed (queued → sending, with a lease) in its own committed statement
 * before the request leaves, and marked sent only after the gateway answered. A crash between the two
 * leaves it 'sending'; when the lease ends another worker resends it with the same id. The HTTP gateway
 * dedupes on that id, so the phone gets it once (at-least-once to the gateway, exactly once to the phone);
 * over SMPP, which has no such id, the row carries a wire mark set just before the submit, so a row that
 * never left is resent safely and only a row caught in flight may be duplicated (SMS_RESEND_UNCERTAIN).
 */
export class OutboxWorker extends LeaseWorker<OutboxRow> {
  readonly stats: WorkerStats = { sent: 0, retried: 0, failed: 0, suppressed: 0, recovered: 0 };
  private readonly bucket: TokenBucket;

  constructor(
    private readonly pool: pg.Pool,
    private readonly gateway: SmsGateway,
    private readonly opts: WorkerOptions,
    log: WorkerLog = () => {},
  ) {
    super('sms-worker', 'SMS', outboxSignal, opts, log, 10);
    this.bucket = new TokenBucket(opts.ratePerSecond);
  }

  protected room(): Room {
    if (!this.gateway.ready()) return { claim: 0 };
    const tokens = this.bucket.available();
    const free = this.gateway.window - this.inFlight.size;
    return tokens <= 0 ? { claim: 0, lookAgainMs: this.bucket.wait() } : { claim: Math.max(0, Math.min(free, tokens)) };
  }

  protected claim(n: number): Promise<OutboxRow[]> {
    return claimDue(this.pool, this.id, n, this.opts.leaseSeconds);
  }

  protected claimed(): void {
    this.bucket.take();
  }

  protected async recover(): Promise<void> {
    const r = await recoverExpired(this.pool, { idempotent: this.gateway.idempotent, resendUncertain: this.opts.resendUncertain });
    if (r.requeued || r.uncertain || r.failed) {
      this.stats.recovered += r.requeued + r.uncertain;
      this.log(r.failed || r.uncertain ? 'warn' : 'info', r, 'SMS attempts interrupted by a stopped worker taken over');
    }
  }

  protected async deliver(row: OutboxRow, signal: AbortSignal): Promise<void> {
    if (row.optedOut && !row.bypassOptOut) {
      await markSuppressed(this.pool, row.id);
      this.stats.suppressed++;
      return;
    }
    const phone = parseSmsPhone(row.phone);
    if (!phone.ok) {
      await markFailed(this.pool, row.id, phone.reason);
      this.stats.failed++;
      return;
    }
    if (!this.gateway.idempotent) await markOnWire(this.pool, row.id, this.id);
    if (signal.aborted) return;
    try {
      const { gatewayIds } = await this.gateway.send({ id: row.id, to: phone.e164, text: row.text }, signal);
      if (signal.aborted) return; // a crashed process records nothing
      await markSent(this.pool, row.id, this.gateway.name, gatewayIds);
      this.stats.sent++;
    } catch (err) {
      if (signal.aborted) return;
      const e = err instanceof GatewayError ? err : new GatewayError((err as Error).message, false, undefined, { cause: err });
      if (e.permanent || row.attempts >= this.opts.maxAttempts) {
        await markFailed(this.pool, row.id, e.message);
        this.stats.failed++;
        this.log('warn', { id: row.id, attempts: row.attempts, error: e.message }, 'SMS failed for good');
        return;
      }
      const delay = retryDelayMs(row.attempts, this.opts.retryBaseMs, this.opts.retryMaxMs, e.retryAfterMs);
      await markRetry(this.pool, row.id, delay, e.message);
      this.stats.retried++;
      this.log('info', { id: row.id, attempts: row.attempts, delayMs: Math.round(delay), error: e.message }, 'SMS will be retried');
    }
  }
}
