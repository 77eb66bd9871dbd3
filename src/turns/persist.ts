import type pg from 'pg';
import type { Agent, Decision, SkillResult } from '../bot/index.ts';
import { withTransaction } from '../db/pool.ts';
import { insertEscalatedReply, insertMessage, insertReplyWithContext, saveTurn, type NewMessage } from '../conversations/store.ts';
import type { Conversation, Message } from '../conversations/types.ts';
import type { TurnHooks } from './hooks.ts';
import type { Outbox } from './outbox.ts';
import type { Speaker } from './types.ts';

export interface PersistDeps {
  pool: pg.Pool;
  agent: Agent;
  hooks: TurnHooks;
  outbox: Outbox;
}

/**
 * No second ticket for a question an expert already has: 转人工 (which asks for a person on the last question),
 * the same question again, or anything the assistant would escalate while the message has just joined the
 * expert's ticket (a follow-up). The farmer is told the ticket they have instead.
 */
async function withoutSecondTicket(
  deps: PersistDeps,
  turn: { conversation: Conversation; inbound: Message; decision: Decision; followUp?: boolean },
): Promise<Decision> {
  const d = turn.decision;
  if (!d.results.some((r) => r.escalate)) return d;
  const held = await deps.hooks.ticketWaiting(deps.pool, turn.conversation.id);
  if (!held) return d;
  const question = (d.context.lastQuestion ?? turn.inbound.text).trim();
  const same = (r: SkillResult) => turn.followUp || r.intent === 'handoff' || held.question.trim() === question;
  const results = d.results.map((r): SkillResult => (r.escalate && same(r)
    ? { text: turn.followUp && r.intent !== 'handoff' ? held.forwarded : held.notice, intent: r.intent, confidence: r.confidence, citations: [], quickReplies: [] }
    : r));
  return { ...d, results };
}

export interface Persisted {
  replies: Message[];
  tickets: Record<string, string>;
  /** each reply's whole text, before the channel paged it (the 代问 copy goes out whole) */
  whole: string[];
}

/**
 * Store what the agent decided and hand it to the outbox: the replies as the channel shows them, the
 * conversation's memory and consent, and a ticket for each escalated reply (through the hooks, in the same
 * transaction, so a failed turn leaves no ticket and its reply states the real wait).
 */
export async function persistDecision(
  deps: PersistDeps,
  turn: { conversation: Conversation; inbound: Message; speaker: Speaker; decision: Decision; optedOut?: boolean; followUp?: boolean },
): Promise<Persisted> {
  const { conversation, inbound } = turn;
  const d = await withoutSecondTicket(deps, turn);
  const bypassOptOut = turn.optedOut === true;
  const render = (r: SkillResult, text = r.text) => {
    if (!text) return text;
    const shown = deps.outbox.render(conversation, { text, citations: r.citations ?? [] });
    d.context.more = shown.more;
    return shown.text;
  };
  const drafts: NewMessage[] = d.results.map((r, i) => ({
    conversationId: conversation.id,
    author: 'bot',
    text: render(r),
    intent: r.intent,
    slots: d.slots as Record<string, unknown>,
    confidence: Math.round(r.confidence * 1000) / 1000,
    citations: r.citations ?? [],
    quickReplies: r.quickReplies ?? [],
    escalated: Boolean(r.escalate),
    replyTo: inbound.id,
    // The reply's key: a turn resumed after a crash, or decided twice at once, stores each reply once.
    channelMessageId: `reply:${inbound.id}:${i}`,
  }));
  const whole = d.results.map((r) => r.text);
  const tickets: Record<string, string> = {};
  if (drafts.length === 1 && !d.results[0].escalate) {
    // The common turn: one reply and the new memory in one statement (no transaction to wait for).
    const reply = await insertReplyWithContext(deps.pool, drafts[0], {
      context: d.context, county: d.county ?? null, optedOut: turn.optedOut,
    });
    await deps.outbox.send(deps.pool, { conversation, message: reply, kind: 'reply', bypassOptOut });
    return { replies: [reply], tickets, whole };
  }
  const replies = await withTransaction(deps.pool, async (client) => {
    const out: Message[] = [];
    const texts: { id: string; text: string }[] = [];
    for (const [i, r] of d.results.entries()) {
      const question = d.context.lastQuestion ?? inbound.text;
      const escalation = r.escalate && {
        question, category: r.escalate.category, county: d.slots.county ?? conversation.county,
        commodity: d.slots.commodity, reason: r.escalate.reason, passages: r.escalate.passages,
      };
      // An escalated reply and its escalation go in one statement; a reply stored before (a resumed turn) has both.
      const { message, duplicate, escalationId } = escalation
        ? await insertEscalatedReply(client, drafts[i], escalation)
        : { ...(await insertMessage(client, drafts[i])), escalationId: undefined };
      if (escalation && !duplicate && escalationId) {
        tickets[message.id] = escalationId;
        const officer = turn.speaker.author === 'officer';
        const routed = await deps.hooks.onEscalated(client, {
          escalationId, conversation, reply: message, question,
          escalation: { category: escalation.category, county: escalation.county ?? null, commodity: escalation.commodity ?? null, reason: escalation.reason },
          onBehalfOf: d.context.onBehalfOf ?? (officer ? conversation.farmerPhone : null),
          askedBy: officer ? inbound.authorId : null,
        });
        if (routed?.wait) {
          // Escalation knows the real wait (who took it, the place in the queue): the reply says that.
          whole[i] = deps.agent.escalatedText(r, routed.wait);
          message.text = render(r, whole[i]);
          texts.push({ id: message.id, text: message.text });
        }
      }
      out.push(message);
    }
    await saveTurn(client, conversation.id, { context: d.context, county: d.county ?? null, optedOut: turn.optedOut, texts });
    for (const message of out) await deps.outbox.send(client, { conversation, message, kind: 'reply', bypassOptOut });
    return out;
  });
  return { replies, tickets, whole };
}
