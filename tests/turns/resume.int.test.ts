import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrCreateConversation, insertMessage, repliesTo } from '../../src/conversations/store.ts';
import { createTestApp, DEMO_NOW, type TestContext } from '../helpers/app.ts';

describe('a turn interrupted after its message was stored', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestApp({}, { seed: true, clock: () => DEMO_NOW });
  }, 300_000);
  afterAll(() => t?.close());

  it('is answered by whoever finds it, once, however many find it at the same time', async () => {
    const conversation = await findOrCreateConversation(t.db.pool, { channel: 'sms', phone: '13905370811' });
    // What a kill -9 between "inbound saved" and "reply saved" leaves behind.
    const { message } = await insertMessage(t.db.pool, {
      conversationId: conversation.id, author: 'farmer', text: '金乡大蒜今天啥价', channelMessageId: 'http:crash-1',
    });
    const resend = { conversationId: conversation.id, text: '金乡大蒜今天啥价', channelMessageId: 'http:crash-1' };
    const outcomes = await Promise.all([t.say(resend), t.say(resend), t.say(resend)]);
    for (const o of outcomes) {
      expect(o.duplicate).toBe(true);
      expect(o.inbound.id).toBe(message.id);
      expect(o.replies).toHaveLength(1);
      expect(o.replies[0].text).toContain('3.45');
    }
    const stored = await repliesTo(t.db.pool, message.id);
    expect(stored.map((r) => r.id)).toEqual([outcomes[0].replies[0].id]);
    const { rows } = await t.db.pool.query('SELECT count(*)::int AS n FROM sms_outbox WHERE message_id = $1', [stored[0].id]);
    expect(rows[0].n).toBe(1);
  });

  it('answers a plain resend with the stored reply without deciding again', async () => {
    const conversation = await findOrCreateConversation(t.db.pool, { channel: 'api', phone: '13905370812' });
    const first = await t.say({ conversationId: conversation.id, text: '帮助', channelMessageId: 'api-1' });
    const again = await t.say({ conversationId: conversation.id, text: '帮助', channelMessageId: 'api-1' });
    expect(again.duplicate).toBe(true);
    expect(again.replies.map((r) => r.id)).toEqual(first.replies.map((r) => r.id));
  });
});
