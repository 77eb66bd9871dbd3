import type pg from 'pg';
import type { AgentHooks } from '../../bot/index.ts';
import { withTransaction } from '../../db/pool.ts';
import { findOrCreateConversation, getConversation, insertMessage } from '../../conversations/store.ts';
import type { Conversation, Message } from '../../conversations/types.ts';
import { enqueueOutgoing } from './outbox.ts';
import { MORE_HINT } from './pager.ts';
import { parseSmsPhone } from './phone.ts';

const ON_BEHALF = '信息员为您代问，答复如下：';

/**
 * 代问: when a 信息员 asks for a farmer (on any channel), the answer also goes to the farmer's phone by SMS,
 * recorded in the farmer's own SMS conversation so the farmer can reply, and page with "1", there.
 */
export function smsAgentHooks(pool: pg.Pool, log?: (msg: string, err?: unknown) => void): Pick<AgentHooks, 'onAnsweredForFarmer'> {
  return {
    async onAnsweredForFarmer(farmerPhone: string, replies: Message[], officerConversation: Conversation) {
      try {
        await answerFarmer(pool, farmerPhone, replies, officerConversation);
      } catch (err) {
        // The officer still has the answer; the farmer's copy is worth a log line, not a failed turn.
        log?.('代问: the farmer’s SMS copy could not be queued', err);
      }
    },
  };
}

async function answerFarmer(pool: pg.Pool, farmerPhone: string, replies: Message[], officerConversation: Conversation): Promise<void> {
  const phone = parseSmsPhone(farmerPhone);
  if (!phone.ok) return;
  const asked = replies[0]?.replyTo
    ? (await pool.query<{ text: string }>(`SELECT text FROM messages WHERE id = $1`, [replies[0].replyTo])).rows[0]?.text
    : undefined;
  // The agent keeps the farmer named by the last 代问 in the officer's context: forward only the turn that
  // actually names this farmer, never a later reply that merely inherits it.
  if (!asked || !asked.replace(/\D/g, '').includes(phone.key.replace(/\D/g, ''))) return;
  const after = await getConversation(pool, officerConversation.id);
  const farmer = await findOrCreateConversation(pool, { channel: 'sms', phone: phone.key });
  await withTransaction(pool, async (client) => {
    for (const [i, reply] of replies.entries()) {
      // An SMS officer got the first page; the farmer gets the whole answer, paged in their own conversation.
      let text = reply.text;
      const rest = after?.channel === 'sms' && i === replies.length - 1 ? after.context.more : undefined;
      if (rest && text.endsWith(MORE_HINT)) text = `${text.slice(0, -MORE_HINT.length)}${rest}`;
      const body = i === 0 ? `${ON_BEHALF}${text}` : text;
      const { message } = await insertMessage(client, {
        conversationId: farmer.id, author: 'bot', text: body, intent: reply.intent, citations: reply.citations,
        channelMessageId: `ask-for:${reply.id}`,
      });
      await enqueueOutgoing(client, { to: phone.key, text: body, kind: 'notify', conversationId: farmer.id, messageId: message.id });
    }
  });
}
