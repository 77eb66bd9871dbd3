import { knownCommodities } from '../data/index.ts';
import { withTransaction } from '../db/pool.ts';
import type { Principal } from '../http/auth.ts';
import type { ConversationEvents } from '../conversations/events.ts';
import {
  getConversation, insertEscalation, insertMessage, insertReplyWithContext, repliesTo, saveContext, setConversationFlags,
  setMessageText,
} from '../conversations/store.ts';
import type { Conversation, ConversationContext, Message } from '../conversations/types.ts';
import { recordAskedFor } from '../conversations/scope.ts';
import { formatForSms } from './channel-format.ts';
import { parseCommand } from './commands.ts';
import { asksForMore, classify, isFollowUp, isGreeting, type Intent } from './intents.ts';
import { isContentless, normalizeText } from './normalize.ts';
import type { AgentDeps, SkillInput, SkillResult } from './skill.ts';
import { extractSlots, type Slots } from './slots.ts';
import { fill } from './templates.ts';
import { definedOnly, INJECTION, isJustSlots } from './text-checks.ts';
import { expertCategory, knowledgeSkill } from './skills/knowledge.ts';
import { priceSkill } from './skills/price.ts';
import { laborSkill, supplySkill } from './skills/posts.ts';
import { serviceSkill } from './skills/service.ts';
import { programmeSkill } from './skills/programme.ts';
import { canPublish, startPublish, stepPublish } from './skills/publish.ts';

/** Longest message the agent reads; longer input is refused at the channel with this limit in the message. */
export const MAX_MESSAGE_CHARS = 2000;
/** SLA the farmer is told when a question goes to an expert (the escalation service refines it). */
const EXPECTED_WAIT = '一般4个工作小时内答复';

export interface InboundTurn {
  conversationId: string;
  text: string;
  author?: 'farmer' | 'officer';
  principal?: Principal;
  /** the channel's id of this message: a resend is answered once */
  channelMessageId?: string;
}

export interface TurnOutcome {
  inbound: Message;
  replies: Message[];
  duplicate: boolean;
  /** escalation (ticket) id per escalated reply id */
  tickets: Record<string, string>;
}

interface Decision {
  results: SkillResult[];
  context: ConversationContext;
  slots: Slots;
  optOut?: boolean;
  county?: string;
}

/**
 * The agent: normalise → commands → guided exchanges → intent and slots → a skill → replies, every turn
 * stored with its intent, slots, confidence and citations. Below the answer threshold, or when asked, the
 * question goes to the expert team instead of a guess.
 */
export class Agent {
  private marketsCache?: { at: number; markets: string[] };

  constructor(private readonly deps: AgentDeps & { events: ConversationEvents }) {}

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  async handle(turn: InboundTurn): Promise<TurnOutcome> {
    const { pool } = this.deps;
    const conversation = await getConversation(pool, turn.conversationId);
    if (!conversation) throw new Error(`conversation ${turn.conversationId} does not exist`);
    // PostgreSQL text cannot hold NUL: garbage from a broken client is stored without it.
    const text = turn.text.replaceAll('\u0000', '');
    const { message: inbound, duplicate } = await insertMessage(pool, {
      conversationId: conversation.id,
      author: turn.author ?? 'farmer',
      authorId: turn.principal?.userId ?? null,
      text,
      channelMessageId: turn.channelMessageId ?? null,
    });
    if (duplicate) {
      return { inbound, replies: await repliesTo(pool, inbound.id), duplicate: true, tickets: {} };
    }
    this.deps.events.publish(inbound);
    if (conversation.mode === 'expert') {
      // An expert owns the conversation: the assistant stays silent and the expert sees the follow-up.
      await this.deps.hooks?.onFollowUpToExpert?.(conversation, inbound);
      return { inbound, replies: [], duplicate: false, tickets: {} };
    }
    const decision = await this.decide(text, conversation, turn.principal);
    const outcome = await this.store(conversation, inbound, decision);
    const farmer = decision.context.onBehalfOf;
    // 代问: the officer may read this farmer's record from now on (conversations/scope.ts).
    if (farmer && turn.author === 'officer' && turn.principal) await recordAskedFor(pool, turn.principal, farmer);
    if (farmer && turn.author === 'officer' && outcome.replies.length) {
      await this.deps.hooks?.onAnsweredForFarmer?.(farmer, outcome.replies, conversation);
    }
    return outcome;
  }

  private async store(conversation: Conversation, inbound: Message, d: Decision): Promise<TurnOutcome> {
    const tickets: Record<string, string> = {};
    const drafts = d.results.map((r) => {
      let text = r.text;
      if (conversation.channel === 'sms' && text) {
        const sms = formatForSms(text, r.citations);
        text = sms.text;
        d.context.more = sms.more;
      }
      return {
        conversationId: conversation.id,
        author: 'bot' as const,
        text,
        intent: r.intent,
        slots: d.slots as Record<string, unknown>,
        confidence: Math.round(r.confidence * 1000) / 1000,
        citations: r.citations ?? [],
        quickReplies: r.quickReplies ?? [],
        escalated: Boolean(r.escalate),
        replyTo: inbound.id,
      };
    });
    if (drafts.length === 1 && !d.results[0].escalate) {
      // The common turn: one reply, nothing else to write with it.
      const reply = await insertReplyWithContext(this.deps.pool, drafts[0], {
        context: d.context, county: d.county ?? null, optedOut: d.optOut,
      });
      this.deps.events.publish(reply);
      return { inbound, replies: [reply], duplicate: false, tickets };
    }
    const replies = await withTransaction(this.deps.pool, async (client) => {
      const out: Message[] = [];
      for (const [i, r] of d.results.entries()) {
        const { message } = await insertMessage(client, drafts[i]);
        if (r.escalate) {
          const question = d.context.lastQuestion ?? inbound.text;
          const escalationId = await insertEscalation(client, {
            conversationId: conversation.id,
            messageId: message.id,
            question,
            category: r.escalate.category,
            county: d.slots.county ?? conversation.county,
            commodity: d.slots.commodity,
            reason: r.escalate.reason,
            passages: r.escalate.passages,
          });
          tickets[message.id] = escalationId;
          const officer = inbound.author === 'officer';
          const routed = await this.deps.hooks?.onEscalated?.(client, {
            escalationId, conversation, reply: message, question,
            onBehalfOf: d.context.onBehalfOf ?? (officer ? conversation.farmerPhone : null),
            askedBy: officer ? inbound.authorId : null,
          });
          if (routed?.wait && message.text.includes(EXPECTED_WAIT)) {
            // Escalation knows the real wait (who took it, the place in the queue): say that instead.
            message.text = message.text.replace(EXPECTED_WAIT, routed.wait);
            await setMessageText(client, message.id, message.text);
          }
        }
        out.push(message);
      }
      await saveContext(client, conversation.id, d.context, d.county ?? null);
      if (d.optOut !== undefined) await setConversationFlags(client, conversation.id, { optedOut: d.optOut });
      return out;
    });
    for (const m of replies) this.deps.events.publish(m);
    return { inbound, replies, duplicate: false, tickets };
  }

  /** Decide the replies to one message; reads the database but writes nothing. */
  async decide(raw: string, conversation: Conversation, principal?: Principal): Promise<Decision> {
    const { templates } = this.deps;
    const context: ConversationContext = structuredClone(conversation.context ?? {});
    const text = normalizeText(raw);
    const now = this.now();
    // A farmer who opted out and writes again is back in (退订 itself sets it again below).
    const optIn = conversation.optedOut ? { optOut: false } : {};
    // 代问 names its farmer on every turn: a later turn must not reach the previous farmer.
    context.onBehalfOf = undefined;
    const done = (results: SkillResult[], slots: Slots = {}, extra: Partial<Decision> = {}): Decision => {
      const last = results[results.length - 1];
      if (last && !['smalltalk', 'unknown', 'handoff'].includes(last.intent)) context.lastIntent = last.intent;
      return { results, context, slots, county: slots.county, ...optIn, ...extra };
    };

    if (!raw.trim()) return done([{ text: fill(templates, 'empty'), intent: 'unknown', confidence: 1 }]);
    if (!text || isContentless(text)) {
      return done([{ text: fill(templates, 'contentless'), intent: 'unknown', confidence: 1, quickReplies: ['帮助'] }]);
    }
    const slots = extractSlots(text, this.deps.lexicon, now, await this.markets());
    const input: SkillInput = { text, slots, conversation, context, principal, now, deps: this.deps };

    const command = parseCommand(text);
    if (command) {
      switch (command.kind) {
        case 'help':
          return done([{ text: fill(templates, 'help'), intent: 'smalltalk', confidence: 1, quickReplies: ['金乡大蒜今天啥价', '小麦条锈病咋防治', '转人工'] }]);
        case 'unsubscribe':
          // Opting out stops every message to the farmer, an expert's answer too: the farmer's own act only.
          if (principal?.role === 'officer') {
            return done([{ text: fill(templates, 'unsubscribe_farmer_only'), intent: 'smalltalk', confidence: 1 }]);
          }
          return done([{ text: fill(templates, 'unsubscribed'), intent: 'smalltalk', confidence: 1 }], {}, { optOut: true });
        case 'cancel':
          context.pending = undefined;
          context.clarify = undefined;
          return done([{ text: fill(templates, 'cancelled'), intent: 'smalltalk', confidence: 1 }]);
        case 'more': {
          if (context.more) {
            const more = context.more;
            context.more = undefined;
            return done([{ text: more, intent: (context.lastIntent as Intent) ?? 'agronomy', confidence: 1 }]);
          }
          if (context.pending || context.clarify) break; // "1" may answer a question in progress
          return done([{ text: fill(templates, 'nothing_more'), intent: 'smalltalk', confidence: 1 }]);
        }
        case 'handoff':
          context.pending = undefined; // a post in progress is dropped: the farmer wants a person now
          return done([this.handoff(input)], slots);
        case 'ask-for': {
          if (!canPublish(input)) return done([{ text: fill(templates, 'officer_only', { what: '代问' }), intent: 'unknown', confidence: 1 }]);
          if (!command.phone || !command.question) return done([{ text: fill(templates, 'ask_for_usage'), intent: 'unknown', confidence: 1 }]);
          const inner = await this.decide(command.question, { ...conversation, context }, principal);
          inner.context.onBehalfOf = command.phone;
          return inner;
        }
        case 'post':
          if (!canPublish(input)) {
            return done([{ text: fill(templates, 'officer_only', { what: '发布信息' }), intent: 'unknown', confidence: 1 }]);
          }
          return done([startPublish(input, command.what, command.rest)], slots);
      }
    }
    if (context.pending) return done([await stepPublish(input)], slots);

    if (context.clarify) {
      const clarify = context.clarify;
      context.clarify = undefined;
      if (clarify.intent === 'handoff') {
        context.lastQuestion = text;
        return done([this.handoff(input)], slots);
      }
      // The answer fills the asked slot only when it is not a new question of another kind.
      const merged = { ...(clarify.slots as Slots), ...definedOnly(slots) };
      const filled = clarify.slot === 'place' ? Boolean(slots.county || slots.town || slots.village) : Boolean(merged[clarify.slot as keyof Slots]);
      // "玉米" or "要玉米的" answers the question; "俺家猪不吃食咋整" is a new question that happens to name a slot.
      const newQuestion = !isJustSlots(text, slots);
      if (filled && !newQuestion) {
        const answerInput = clarify.slot === 'place' ? { ...input, text: clarify.question, slots: merged } : { ...input, slots: merged };
        return done([await this.run(clarify.intent as Intent, answerInput)], merged);
      }
    }

    if (asksForMore(text) && context.lastQuestion) {
      return done([await knowledgeSkill(input, (context.lastIntent as Intent) ?? 'agronomy', { more: true })], slots);
    }
    if (isFollowUp(text) && context.lastIntent && ['price', 'labor', 'supply', 'programme', 'service'].includes(context.lastIntent)) {
      // The last question, asked again with the new slot: "那汶上县呢？" after "梁山县的建设任务是多少".
      const asked = context.lastQuestion ?? text;
      const merged = { ...(context.lastSlots as Slots), ...definedOnly(slots) };
      if (merged.date && !slots.date) delete merged.date;
      // A new place replaces the old one and its market ("那嘉祥县呢？" after a Jinxiang price).
      if (slots.county || slots.town) {
        if (!slots.market) delete merged.market;
        if (!slots.town) delete merged.town;
        if (!slots.village) delete merged.village;
      }
      return done([await this.run(context.lastIntent as Intent, { ...input, text: asked, slots: merged })], merged);
    }

    if (INJECTION.test(text)) {
      // Attempts to rewrite the rules get a plain refusal, never an answer shaped by them.
      return done([{ text: fill(templates, 'injection'), intent: 'unknown', confidence: 1, quickReplies: ['帮助'] }]);
    }
    if (/^(补贴|补助|政策|补贴政策)[?？。!！]?$/.test(text)) {
      context.clarify = { intent: 'policy', slot: 'topic', slots: {}, question: text };
      return done([{ text: fill(templates, 'which_subsidy'), intent: 'policy', confidence: 0.9, quickReplies: ['种粮补贴', '农机购置补贴', '益农信息社建设补助'] }]);
    }
    if (/^(俺|我)?(咋整|怎么办|咋办|咋弄|怎么弄|救命|帮帮我|帮帮忙)[?？。!！啊呀]*$/.test(text)) {
      return done([{ text: fill(templates, 'vague'), intent: 'unknown', confidence: 0.9 }]);
    }
    const greeting = isGreeting(text);
    if (greeting) {
      return done([{ text: fill(templates, greeting), intent: 'smalltalk', confidence: 1, quickReplies: greeting === 'greeting' ? ['帮助'] : [] }]);
    }
    let guess = classify(text, slots);
    if (guess.certainty < 0.6 && this.deps.phraser) {
      const llmIntent = await this.deps.phraser.classify(text);
      if (llmIntent && llmIntent !== 'smalltalk' && llmIntent !== 'handoff') guess = { intent: llmIntent, certainty: 0.7 };
    }
    const result = await this.run(guess.intent, input);
    // Remember the question for follow-ups and for "转人工" (skills may have set a more precise one).
    if (!result.escalate && result.intent !== 'unknown' && !input.context.clarify) {
      context.lastQuestion = ['agronomy', 'policy'].includes(result.intent) ? (context.lastQuestion ?? text) : text;
    }
    return done([result], slots);
  }

  private async run(intent: Intent, input: SkillInput): Promise<SkillResult> {
    const result = await this.dispatch(intent, input);
    if (!result.escalate) return result;
    return {
      ...result,
      text: fill(this.deps.templates, 'escalated', { team: result.escalate.category, wait: EXPECTED_WAIT }),
      quickReplies: [],
    };
  }

  private dispatch(intent: Intent, input: SkillInput): Promise<SkillResult> {
    switch (intent) {
      case 'price': return priceSkill(input);
      case 'labor': return laborSkill(input);
      case 'supply': return supplySkill(input);
      case 'service': return serviceSkill(input);
      case 'programme': return programmeSkill(input);
      case 'unknown':
        return Promise.resolve({ text: fill(this.deps.templates, 'out_of_scope'), intent: 'unknown', confidence: 0.9 });
      default: return knowledgeSkill(input, intent === 'policy' ? 'policy' : 'agronomy');
    }
  }

  /** The farmer asked for a person: hand over the last question, or ask for it first. */
  private handoff(input: SkillInput): SkillResult {
    const question = input.context.lastQuestion;
    if (!question) {
      input.context.clarify = { intent: 'handoff', slot: 'question', slots: {}, question: '' };
      return { text: fill(this.deps.templates, 'escalated_no_question'), intent: 'handoff', confidence: 1 };
    }
    const category = expertCategory((input.context.lastIntent as Intent) ?? 'agronomy', [], question);
    return {
      text: fill(this.deps.templates, 'handoff_requested', { team: category, wait: EXPECTED_WAIT }),
      intent: 'handoff',
      confidence: 1,
      escalate: { reason: 'farmer_asked', category, passages: [] },
    };
  }

  /** Market names for slot filling, refreshed every minute (new markets arrive with price imports). */
  private async markets(): Promise<string[]> {
    const now = Date.now();
    if (!this.marketsCache || now - this.marketsCache.at > 60_000) {
      const series = await knownCommodities(this.deps.pool);
      this.marketsCache = { at: now, markets: [...new Set(series.map((s) => s.market))] };
    }
    return this.marketsCache.markets;
  }
}
