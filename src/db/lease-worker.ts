import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';

export type WorkerLog = (level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, msg: string) => void;

export interface LeaseWorkerOptions {
  /** how long a claimed row is ours; after it, another worker takes the row over */
  leaseSeconds: number;
  /** how often to look for due rows when nothing wakes the worker */
  pollMs: number;
}

/** How many rows may be claimed now, or (none) when to look again. */
export interface Room {
  claim: number;
  lookAgainMs?: number;
}

/** Exponential back-off with jitter (half to full), never before the receiver's own Retry-After. */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number, retryAfterMs = 0): number {
  const backoff = Math.min(maxMs, baseMs * 2 ** (attempts - 1));
  return Math.max(retryAfterMs, backoff * (0.5 + Math.random() / 2));
}

/**
 * The loop every outbox worker shares (SMS, integration webhooks): claim due rows under a lease, deliver
 * each within the room the subclass allows, let a finished delivery or a queued signal wake the next tick,
 * and take over rows whose worker died. The subclass says how much room there is and how to claim, deliver
 * and recover. The loop never throws: a failed tick is logged and the next one tries again; a delivery whose
 * outcome cannot be recorded is left to its lease.
 */
export abstract class LeaseWorker<Row extends { id: string }> {
  readonly id: string;
  protected readonly inFlight = new Map<string, AbortController>();
  private timer?: NodeJS.Timeout;
  private running = false;
  private ticking = false;
  private again = false;
  private lastRecovery = 0;
  private readonly wake = () => this.kick(this.wakeDelayMs);

  /**
   * @param what names the deliveries in log lines ("SMS", "integration delivery")
   * @param queued emits 'queued' when a row is added, so the worker need not wait for its poll
   */
  constructor(
    prefix: string,
    protected readonly what: string,
    private readonly queued: EventEmitter,
    private readonly lease: LeaseWorkerOptions,
    protected readonly log: WorkerLog = () => {},
    private readonly wakeDelayMs = 0,
  ) {
    this.id = `${prefix}-${randomUUID().slice(0, 8)}`;
  }

  protected abstract room(): Room;
  protected abstract claim(n: number): Promise<Row[]>;
  /** Take over rows whose lease ran out; called at most every min(5 s, lease / 2). */
  protected abstract recover(): Promise<void>;
  /** Deliver one claimed row and record the outcome; after `signal` aborts, record nothing. */
  protected abstract deliver(row: Row, signal: AbortSignal): Promise<void>;
  /** Called for each row as it is dispatched (a rate limiter takes its token here). */
  protected claimed(_row: Row): void {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.queued.on('queued', this.wake);
    this.kick(0);
  }

  /** Stop claiming and let the deliveries in flight finish and be recorded (a graceful stop loses nothing). */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.halt();
    const until = Date.now() + timeoutMs;
    while (this.inFlight.size && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  }

  /**
   * Stop as a crash would: deliveries in flight are cut off and nothing more is written. Tests use it to
   * kill a worker mid-send; the rows stay claimed until their lease ends.
   */
  abandon(): void {
    this.halt();
    for (const c of this.inFlight.values()) c.abort(new Error('worker abandoned'));
  }

  get busy(): number {
    return this.inFlight.size;
  }

  private halt(): void {
    this.running = false;
    this.queued.off('queued', this.wake);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Run a tick after `ms` (sooner wins over a later one already planned). */
  protected kick(ms: number): void {
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
    let next = this.lease.pollMs;
    try {
      await this.recoverNowAndThen();
      const room = this.room();
      if (room.claim > 0) {
        const rows = await this.claim(room.claim);
        for (const row of rows) {
          this.claimed(row);
          this.dispatch(row);
        }
        // A full batch means more may be due: come back at once (a full window waits for a finished delivery).
        if (rows.length === room.claim) next = 0;
      } else if (room.lookAgainMs !== undefined) {
        next = Math.min(next, room.lookAgainMs);
      }
    } catch (err) {
      this.log('error', { err }, `${this.what} outbox tick failed; retrying`);
      next = Math.max(next, 1000);
    } finally {
      this.ticking = false;
    }
    if (!this.running) return;
    this.kick(this.again ? 0 : next);
  }

  private async recoverNowAndThen(): Promise<void> {
    const every = Math.min(5000, (this.lease.leaseSeconds * 1000) / 2);
    if (performance.now() - this.lastRecovery < every) return;
    this.lastRecovery = performance.now();
    await this.recover();
  }

  private dispatch(row: Row): void {
    const abort = new AbortController();
    this.inFlight.set(row.id, abort);
    void this.deliver(row, abort.signal)
      .catch((err: unknown) => {
        // The outcome could not be recorded (database gone): the lease brings the row back later.
        if (!abort.signal.aborted) this.log('error', { err, id: row.id }, `${this.what} outcome not recorded; the lease will retry it`);
      })
      .finally(() => {
        this.inFlight.delete(row.id);
        this.kick(0);
      });
  }
}
