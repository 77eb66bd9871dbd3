import { describe, expect, it } from 'vitest';
import { KeyedLimiter, rateLimitedMessage, TokenBucket } from '../../src/channels/webchat/rate-limit.ts';

describe('TokenBucket', () => {
  it('lets a burst of perMinute through, then one more per 60/perMinute seconds', () => {
    let now = 0;
    const b = new TokenBucket(6, () => now);
    for (let i = 0; i < 6; i++) expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
    expect(b.retryAfterMs()).toBe(10_000);
    now += 9_000;
    expect(b.take()).toBe(false);
    expect(b.retryAfterMs()).toBe(1_000);
    now += 1_000;
    expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
  });

  it('never saves up more than a minute’s worth', () => {
    let now = 0;
    const b = new TokenBucket(2, () => now);
    now += 3_600_000;
    expect([b.take(), b.take(), b.take()]).toEqual([true, true, false]);
  });
});

describe('KeyedLimiter', () => {
  it('keeps one bucket per key and forgets full ones', () => {
    let now = 0;
    const l = new KeyedLimiter(1, () => now);
    expect(l.bucket('a').take()).toBe(true);
    expect(l.bucket('a').take()).toBe(false);
    expect(l.bucket('b').take()).toBe(true);
    expect(l.size).toBe(2);
    now += 60_000;
    l.prune();
    expect(l.size).toBe(0);
  });
});

it('says how long to wait in whole seconds', () => {
  expect(rateLimitedMessage(1)).toMatch(/1 秒后再发/);
  expect(rateLimitedMessage(2500)).toMatch(/3 秒后再发/);
});
