/** Float noise in refills (0.9999999 tokens) must not refuse a message that is due. */
const EPSILON = 1e-9;

/**
 * Token buckets: `perMinute` messages may be sent at once, and the bucket refills at that rate, so a farmer
 * who pauses is never held up while a script that floods is. Kept in memory: limits hold per instance,
 * which is enough to protect the instance itself.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = perMinute;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.perMinute, this.tokens + ((t - this.last) / 60_000) * this.perMinute);
    this.last = t;
  }

  /** Take one token; false when none is left. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1 - EPSILON) return false;
    this.tokens = Math.max(0, this.tokens - 1);
    return true;
  }

  /** Milliseconds until the next token. */
  retryAfterMs(): number {
    this.refill();
    if (this.tokens >= 1 - EPSILON) return 0;
    // rounded to the microsecond first, so float noise does not add a millisecond
    return Math.ceil(Math.round(((1 - this.tokens) / this.perMinute) * 60_000_000) / 1000);
  }

  /** Full again: nothing to remember about this key. */
  idle(): boolean {
    this.refill();
    return this.tokens >= this.perMinute - EPSILON;
  }
}

/** One bucket per key (an IP address, a device), forgotten once full again so the map does not grow. */
export class KeyedLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  bucket(key: string): TokenBucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = new TokenBucket(this.perMinute, this.now);
      this.buckets.set(key, b);
    }
    return b;
  }

  prune(): void {
    for (const [key, b] of this.buckets) if (b.idle()) this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }
}

/** The polite refusal, in whole seconds a farmer can count. */
export function rateLimitedMessage(retryAfterMs: number): string {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return `您发得有点快，请歇一下，${seconds} 秒后再发。刚才这条没有发出去。`;
}
