import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatHub } from '../../src/channels/webchat/hub.ts';
import { ConversationEvents } from '../../src/conversations/events.ts';
import { findOrCreateConversation } from '../../src/conversations/store.ts';
import type { Message } from '../../src/conversations/types.ts';
import { createTestApp, DEMO_NOW, type TestContext } from '../helpers/app.ts';

// Issue 12 item 8: a subscriber that throws is logged, and the others still run: out of the heartbeat's
// interval (where it would end the process) and out of a committed turn (where it would fail the farmer's
// request although the reply is stored).
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp({}, { seed: true, clock: () => DEMO_NOW });
}, 300_000);
afterAll(() => t?.close());

describe('ConversationEvents.publish', () => {
  it('logs a throwing subscriber and still tells the others', () => {
    const logged: string[] = [];
    const events = new ConversationEvents((msg) => logged.push(msg));
    const got: number[] = [];
    events.subscribe('c1', () => {
      throw new Error('socket gone');
    });
    events.subscribe('c1', (m) => got.push(m.id as unknown as number));
    events.tap(() => {
      throw new Error('bridge down');
    });
    expect(() => events.publish({ id: 7, conversationId: 'c1' } as unknown as Message)).not.toThrow();
    expect(got).toEqual([7]);
    expect(logged).toEqual([expect.stringContaining('subscriber of conversation c1'), expect.stringContaining('tap failed')]);
  });

  it('a committed turn is answered although a subscriber of its conversation throws', async () => {
    const conversation = await findOrCreateConversation(t.db.pool, { channel: 'api', phone: '13905370821' });
    const seen: string[] = [];
    const stopBad = t.events.subscribe(conversation.id, () => {
      throw new Error('a broken socket handler');
    });
    const stopGood = t.events.subscribe(conversation.id, (m) => seen.push(m.author));
    try {
      const outcome = await t.say({ conversationId: conversation.id, text: '金乡大蒜今天啥价', channelMessageId: 'sub-1' });
      expect(outcome.replies).toHaveLength(1);
      expect(seen).toEqual(['farmer', 'bot']);
    } finally {
      stopBad();
      stopGood();
    }
  });
});

describe('ChatHub.beat', () => {
  it('logs a throwing member and still beats the others', () => {
    const hub = new ChatHub(t.app);
    try {
      let beats = 0;
      hub.members.add({ heartbeat: () => { throw new Error('socket already closed'); } });
      hub.members.add({ heartbeat: () => { beats++; } });
      expect(() => hub.beat()).not.toThrow();
      expect(beats).toBe(1);
    } finally {
      hub.close();
    }
  });
});
