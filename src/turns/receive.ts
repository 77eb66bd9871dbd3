import type pg from 'pg';
import { read, type Agent, type Said } from '../bot/index.ts';
import { withTransaction } from '../db/pool.ts';
import { cleanMessageText } from '../privacy/clean-text.ts';
import { findOrCreateConversation, getConversation, insertMessage, repliesTo, setConversationFlags } from '../conversations/store.ts';
import type { Conversation, Message } from '../conversations/types.ts';
import { recordAskedFor } from '../conversations/scope.ts';
import { consentAfter } from './consent.ts';
import type { TurnHooks } from './hooks.ts';
import type { Outbox } from './outbox.ts';
import { persistDecision } from './persist.ts';
import { admit } from './speaker.ts';
import type { ChannelAdapter, Inbound, Speaker, TurnOutcome } from './types.ts';

export interface TurnsDeps {
  pool: pg.Pool;
  agent: Agent;
  hooks: TurnHooks;
  outbox: Outbox;
  log?: (msg: string, err?: unknown) => void;
}

const ON_BEHALF = '信息员为您代问，答复如下：';

/**
 * A message's whole path, the same for every channel:
 *   read it once (normalised text, command) → its conversation and who is speaking (the channel adapter)
 *   → store it, keyed by the channel's id (a resend is answered with what was stored) → consent (退订 and
 *   opting back in) → the agent decides (or the expert holding the conversation gets it) → the replies
 *   stored → each handed to the outbox, which delivers on the conversation's channel.
 */
export class Turns {
  constructor(private readonly deps: TurnsDeps) {}

  async receive<I extends Inbound>(adapter: ChannelAdapter<I>, inbound: I): Promise<TurnOutcome> {
    const { pool, outbox } = this.deps;
    // Every channel's text is cleaned here once: what cannot be stored or read (NUL, control characters, half a
    // character) is dropped and the rest answered; a text with nothing left is answered with a request to resend.
    const said = read(cleanMessageText(inbound.text));
    const conversation = await adapter.conversation(inbound, said);
    const speaker = await adapter.speaker(inbound, said, conversation);
    // Nothing is stored for a caller outside the conversation's scope (an officer, an integration by id).
    await admit(pool, speaker, conversation);
    const stored = await insertMessage(pool, {
      conversationId: conversation.id,
      author: speaker.author,
      authorId: speaker.principal?.userId ?? null,
      text: said.raw,
      channelMessageId: inbound.channelMessageId ?? null,
    });
    const message = stored.message;
    if (stored.duplicate) return this.resume({ conversation, message, said, speaker });
    outbox.announce(pool, message);

    const { decision, persisted } = await this.answer({ conversation, message, said, speaker });
    const farmer = decision.context.onBehalfOf;
    // "代问 <phone> …" typed into another conversation: that farmer's record is the officer's to read from now on.
    if (farmer && speaker.author === 'officer' && speaker.principal) await recordAskedFor(pool, speaker.principal, farmer);
    if (farmer && speaker.author === 'officer' && said.command?.kind === 'ask-for' && persisted.replies.length) {
      await this.copyToFarmer(farmer, persisted.replies, persisted.whole).catch((err: unknown) => {
        // The officer has the answer; the farmer's copy is worth a log line, not a failed turn.
        this.deps.log?.('代问: the farmer’s copy could not be queued', err);
      });
    }
    return { conversation, inbound: message, replies: persisted.replies, duplicate: false, tickets: persisted.tickets };
  }

  /**
   * A message seen before (a resend, a retried webhook, a turn taken over after a crash). Its stored replies
   * are handed to the outbox again (deliveries are idempotent per message), so a reply stored but not yet
   * queued still goes out. A message with no reply (the process died between storing it and answering) is
   * answered now: replies are keyed by the message they answer, so however many attempts get here, each
   * reply is stored once.
   */
  private async resume(
    turn: { conversation: Conversation; message: Message; said: Said; speaker: Speaker },
  ): Promise<TurnOutcome> {
    const { message } = turn;
    const conversation = (await getConversation(this.deps.pool, turn.conversation.id)) ?? turn.conversation;
    const replies = await repliesTo(this.deps.pool, message.id);
    if (!replies.length && message.author !== 'bot') {
      const { persisted } = await this.answer({ ...turn, conversation });
      return { conversation, inbound: message, replies: persisted.replies, duplicate: true, tickets: persisted.tickets };
    }
    if (replies.length) {
      await withTransaction(this.deps.pool, async (q) => {
        for (const reply of replies) await this.deps.outbox.send(q, { conversation, message: reply, kind: 'reply' });
      });
    }
    return { conversation, inbound: message, replies, duplicate: true, tickets: {} };
  }

  /**
   * Consent, then the agent's decision stored and handed to the outbox. While an expert holds the conversation
   * the message first joins the expert's ticket (hooks.onFollowUpToExpert, once per message), and the assistant
   * still answers what it can: what it would hand to an expert is already with that expert, and the farmer is
   * told so (persistDecision) instead of hearing nothing.
   */
  private async answer(turn: { conversation: Conversation; message: Message; said: Said; speaker: Speaker }) {
    const { conversation, message, said, speaker } = turn;
    const optedOut = consentAfter(conversation, said, speaker);
    const followUp = conversation.mode === 'expert';
    if (followUp) {
      if (optedOut !== undefined) await setConversationFlags(this.deps.pool, conversation.id, { optedOut });
      await this.deps.hooks.onFollowUpToExpert({ ...conversation, optedOut: optedOut ?? conversation.optedOut }, message);
    }
    const decision = await this.deps.agent.decide(said, conversation, speaker.principal, speaker.author);
    const persisted = await persistDecision(this.deps, { conversation, inbound: message, speaker, decision, optedOut, followUp });
    return { decision, persisted };
  }

  /**
   * 代问: the answer also reaches the farmer's phone, recorded in the farmer's own SMS conversation so the
   * farmer can reply there, and whole (the SMS delivery pages it there, with "1" for the rest).
   */
  private async copyToFarmer(farmerPhone: string, replies: Message[], whole: string[]): Promise<void> {
    const farmer = await findOrCreateConversation(this.deps.pool, { channel: 'sms', phone: farmerPhone });
    await withTransaction(this.deps.pool, async (q) => {
      for (const [i, reply] of replies.entries()) {
        const text = i === 0 ? `${ON_BEHALF}${whole[i]}` : whole[i];
        const { message } = await insertMessage(q, {
          conversationId: farmer.id, author: 'bot', text, intent: reply.intent, citations: reply.citations,
          channelMessageId: `ask-for:${reply.id}`,
        });
        await this.deps.outbox.send(q, { conversation: farmer, message, kind: 'notice' });
      }
    });
  }
}

