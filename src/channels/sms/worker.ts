import { randomUUID } from 'node:crypto';
import type pg from 'pg';
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

export type WorkerLog = (level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, msg: string) => void;

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
 * The outbox worker: claims due rows, hands them to the gateway within its window and rate, records the
 * outcome, retries with exponential back-off and jitter, and takes over attempts whose worker died. Its loop
 * never throws: a database or gateway error is logged and the next tick tries again.
 *
 * Delivery reasoning: a row is claimed (queued → sending, with a lease) in its own committed statement
 * before the request leaves, and marked sent only after the gateway answered. A crash between the two
 * leaves it 'sending'; when the lease ends another worker resends it with the same id. The HTTP gateway
 * dedupes on that id, so the phone gets it once (at-least-once to the gateway, exactly once to the phone);
 * over SMPP, which has no such id, the row carries a wire mark set just before the submit, so a row that
 * never left is resent safely and only a row caught in flight may be duplicated (SMS_RESEND_UNCERTAIN).
 */
export class OutboxWorker {
  readonly id = `sms-worker-${randomUUID().slice(0, 8)}`;
  readonly stats: WorkerStats = { sent: 0, retried: 0, failed: 0, suppressed: 0, recovered: 0 };
  private readonly bucket: TokenBucket;
  private readonly inFlight = new Map<string, AbortController>();
  private timer?: NodeJS.Timeout;
  private running = false;
  private ticking = false;
  private again = false;
  private lastRecovery = 0;
  private readonly wake = () => this.kick(10);

  constructor(
    private readonly pool: pg.Pool,
    private readonly gateway: SmsGateway,
    private readonly opts: WorkerOptions,
    private readonly log: WorkerLog = () => {},
  ) {
    this.bucket = new TokenBucket(opts.ratePerSecond);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    outboxSignal.on('queued', this.wake);
    this.kick(0);
  }

  /** Stop claiming and let the sends in flight finish and be recorded (a graceful stop loses nothing). */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.halt();
    const until = Date.now() + timeoutMs;
    while (this.inFlight.size && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  }

  /**
   * Stop as a crash would: requests in flight are cut off and nothing more is written. Tests use it to
   * kill a worker mid-send; the rows stay 'sending' until their lease ends.
   */
  abandon(): void {
    this.halt();
    for (const c of this.inFlight.values()) c.abort(new Error('worker abandoned'));
  }

  private halt(): void {
    this.running = false;
    outboxSignal.off('queued', this.wake);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  get busy(): number {
    return this.inFlight.size;
  }

  /** Run a tick after `ms` (sooner wins over a later one already planned). */
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
      await this.recover();
      if (this.gateway.ready()) {
        const free = this.gateway.window - this.inFlight.size;
        const tokens = this.bucket.available();
        const n = Math.min(free, tokens);
        if (n > 0) {
          const rows = await claimDue(this.pool, this.id, n, this.opts.leaseSeconds);
          for (const row of rows) {
            this.bucket.take();
            this.dispatch(row);
          }
          // A full batch means more may be due: come back as soon as there is room.
          if (rows.length === n) next = 0;
        } else if (tokens <= 0) {
          next = Math.min(next, this.bucket.wait());
        }
      }
    } catch (err) {
      this.log('error', { err }, 'SMS outbox tick failed; retrying');
      next = Math.max(next, 1000);
    } finally {
      this.ticking = false;
    }
    if (!this.running) return;
    // Window full: the next finished send kicks; otherwise poll.
    this.kick(this.again ? 0 : this.inFlight.size >= this.gateway.window ? this.opts.pollMs : next);
  }

  private async recover(): Promise<void> {
    const every = Math.min(5000, (this.opts.leaseSeconds * 1000) / 2);
    if (performance.now() - this.lastRecovery < every) return;
    this.lastRecovery = performance.now();
    const r = await recoverExpired(this.pool, { idempotent: this.gateway.idempotent, resendUncertain: this.opts.resendUncertain });
    if (r.requeued || r.uncertain || r.failed) {
      this.stats.recovered += r.requeued + r.uncertain;
      this.log(r.failed || r.uncertain ? 'warn' : 'info', r, 'SMS attempts interrupted by a stopped worker taken over');
    }
  }

  private dispatch(row: OutboxRow): void {
    const abort = new AbortController();
    this.inFlight.set(row.id, abort);
    void this.deliver(row, abort.signal)
      .catch((err: unknown) => {
        // The outcome could not be recorded (database gone): the lease brings the row back later.
        if (!abort.signal.aborted) this.log('error', { err, id: row.id }, 'SMS outcome not recorded; the lease will retry it');
      })
      .finally(() => {
        this.inFlight.delete(row.id);
        this.kick(0);
      });
  }

  private async deliver(row: OutboxRow, signal: AbortSignal): Promise<void> {
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
      const backoff = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** (row.attempts - 1));
      const delay = Math.max(e.retryAfterMs ?? 0, backoff * (0.5 + Math.random() / 2));
      await markRetry(this.pool, row.id, delay, e.message);
      this.stats.retried++;
      this.log('info', { id: row.id, attempts: row.attempts, delayMs: Math.round(delay), error: e.message }, 'SMS will be retried');
    }
  }
}
