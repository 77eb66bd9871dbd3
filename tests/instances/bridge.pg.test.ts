import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationEvents } from '../../src/conversations/events.ts';
import { findOrCreateConversation, insertEscalation, insertMessage } from '../../src/conversations/store.ts';
import type { Message } from '../../src/conversations/types.ts';
import type { Database } from '../../src/db/pool.ts';
import { MessageBridge, Scheduler, recentRuns } from '../../src/jobs/index.ts';
import { createMetrics } from '../../src/metrics/index.ts';
import { serverUrl, sharedSchema } from './server.ts';

// Two "instances" in one process: separate pools, event hubs, bridges and schedulers on one PostgreSQL
// schema, as two servers behind a load balancer would have.
let shared: Awaited<ReturnType<typeof sharedSchema>>;
let dbA: Database;
let dbB: Database;
const events = { a: new ConversationEvents(), b: new ConversationEvents() };
let bridgeA: MessageBridge;
let bridgeB: MessageBridge;
const metricsA = createMetrics();

beforeAll(async () => {
  shared = await sharedSchema(await serverUrl());
  dbA = await shared.open();
  dbB = await shared.open();
  bridgeA = new MessageBridge({ db: dbA, events: events.a, instanceId: 'a', observer: metricsA.bridge, reconnectMinMs: 100 });
  bridgeB = new MessageBridge({ db: dbB, events: events.b, instanceId: 'b' });
  await bridgeA.start();
  await bridgeB.start();
}, 900_000);
afterAll(async () => {
  await bridgeA?.stop();
  await bridgeB?.stop();
  await shared?.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, get: () => T | undefined, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function say(db: Database, conversationId: string, text: string, author: Message['author'] = 'expert'): Promise<Message> {
  return (await insertMessage(db.pool, { conversationId, author, text })).message;
}

describe('the LISTEN/NOTIFY bridge', () => {
  it('delivers a message published on instance B to a subscriber on A, in order, and once', async () => {
    const conv = await findOrCreateConversation(dbA.pool, { channel: 'web', webId: 'bridge-device-1' });
    const seenA: Message[] = [];
    const seenB: Message[] = [];
    const stopA = events.a.subscribe(conv.id, (m) => seenA.push(m));
    const stopB = events.b.subscribe(conv.id, (m) => seenB.push(m));
    const sent: Message[] = [];
    for (let i = 0; i < 30; i++) {
      const m = await say(dbB, conv.id, `专家答复 ${i}`);
      sent.push(m);
      events.b.publish(m);
    }
    await until('30 messages on A', () => (seenA.length >= 30 ? true : undefined));
    expect(seenA.map((m) => m.id)).toEqual(sent.map((m) => m.id));
    expect(seenA[0]).toMatchObject({ text: '专家答复 0', author: 'expert', conversationId: conv.id });
    // B's own subscriber had them once, from its own publish: its bridge skips its own notifications.
    const local = await say(dbA, conv.id, '本机消息', 'bot');
    events.a.publish(local);
    await until('A’s message on B', () => seenB.find((m) => m.id === local.id));
    await sleep(200);
    expect(seenB.map((m) => m.id)).toEqual([...sent.map((m) => m.id), local.id]);
    expect(seenA.filter((m) => m.id === local.id)).toHaveLength(1);
    stopA();
    stopB();
  });

  it('does not load messages for conversations nobody listens to here', async () => {
    const conv = await findOrCreateConversation(dbB.pool, { channel: 'web', webId: 'bridge-device-2' });
    const before = await metricsA.registry.getSingleMetricAsString('yinong_bridge_notifications_received_total');
    events.b.publish(await say(dbB, conv.id, '没人在听'));
    await sleep(300);
    const after = await metricsA.registry.getSingleMetricAsString('yinong_bridge_notifications_received_total');
    expect(after).toContain('outcome="no-subscriber"');
    expect(after).not.toBe(before);
  });

  it('reconnects its listener after the connection is killed, and never throws', async () => {
    const conv = await findOrCreateConversation(dbA.pool, { channel: 'web', webId: 'bridge-device-3' });
    const seen: Message[] = [];
    const stop = events.a.subscribe(conv.id, (m) => seen.push(m));
    const { rows } = await dbB.pool.query(
      `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
        WHERE application_name = 'yinong-listen' AND query LIKE $1`,
      [`LISTEN "yinong_messages_${shared.schema}"%`],
    );
    expect(rows.length).toBeGreaterThanOrEqual(1);
    await until('A to notice', () => (bridgeA.connected ? undefined : true));
    await until('A to reconnect', () => (bridgeA.connected ? true : undefined), 10_000);
    const m = await say(dbB, conv.id, '重连后的答复');
    events.b.publish(m);
    await until('the message after the reconnect', () => seen.find((x) => x.id === m.id));
    stop();
  });
});

describe('jobs on two instances', () => {
  it('a job scheduled on both runs once per tick, and never on both at the same time', async () => {
    let running = 0;
    let overlap = 0;
    let runs = 0;
    const job = {
      name: 'shared-tick', schedule: '* * * * * *',
      run: async () => {
        running++;
        if (running > 1) overlap++;
        runs++;
        await sleep(150);
        running--;
        return { runs };
      },
    };
    const metrics = { a: createMetrics(), b: createMetrics() };
    const a = new Scheduler({ db: dbA, instanceId: 'a', observer: metrics.a.jobs }).register(job);
    const b = new Scheduler({ db: dbB, instanceId: 'b', observer: metrics.b.jobs }).register(job);
    a.start();
    b.start();
    await sleep(4500);
    await Promise.all([a.stop(), b.stop()]);
    const recorded = await recentRuns(dbA.pool, { job: 'shared-tick', limit: 100 });
    expect(recorded.length).toBeGreaterThanOrEqual(3);
    expect(recorded.length).toBe(runs);
    expect(new Set(recorded.map((r) => r.slot)).size).toBe(recorded.length);
    expect(overlap).toBe(0);
    // Each tick was taken by one instance; the other skipped it (locked, or found the slot's run).
    const skipped = (text: string) => [...text.matchAll(/yinong_job_ticks_skipped_total\{[^}]*\} (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
    const skips = skipped(await metrics.a.registry.metrics()) + skipped(await metrics.b.registry.metrics());
    expect(skips).toBeGreaterThanOrEqual(recorded.length - 1);
  });
});

describe('escalation under races', () => {
  it('concurrent escalations of one turn from two instances make one escalation row', async () => {
    const conv = await findOrCreateConversation(dbA.pool, { channel: 'sms', phone: '13900000777' });
    const turn = await say(dbA, conv.id, '转人工', 'farmer');
    const escalate = (db: Database) =>
      insertEscalation(db.pool, {
        conversationId: conv.id, messageId: turn.id, question: '麦子叶子发黄', category: 'agronomy', reason: 'asked', passages: [],
      });
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => escalate(i % 2 ? dbA : dbB)));
    expect(new Set(ids).size).toBe(1);
    const { rows } = await dbB.pool.query('SELECT count(*)::int AS n FROM escalations WHERE message_id = $1', [turn.id]);
    expect(rows[0].n).toBe(1);
  });
});
