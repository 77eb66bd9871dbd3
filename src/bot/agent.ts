import { knownCommodities } from '../data/index.ts';
import type { Principal } from '../accounts/principal.ts';
import type { Conversation, ConversationContext } from '../conversations/types.ts';
import { parseCommand, type Command } from './commands.ts';
import { asksForMore, classify, isFollowUp, isGreeting, type Intent } from './intents.ts';
import { isContentless, normalizeText } from './normalize.ts';
import type { AgentDeps, SkillInput, SkillResult } from './skill.ts';
import { extractSlots, type Slots } from './slots.ts';
import { fill } from './templates.ts';
import { handoverText } from './handover.ts';
import { asksForecast, namesOffTopicSubject } from './scope.ts';
import { asksAboutAskingFor, asksHowToStop } from './usage.ts';
import { ownCounty } from './place.ts';
import { namesNewSubject } from './follow-up.ts';
import { detectEmergency, emergencyReply } from './emergency.ts';
import { classifyEmergency } from './emergency-model.ts';
import { features } from './intent-model.ts';
import { definedOnly, hasNoWords, INJECTION, isJunk, isJustSlots } from './text-checks.ts';
import { expertCategory } from './expert-team.ts';
import { knowledgeSkill } from './skills/knowledge.ts';
import { priceSkill } from './skills/price.ts';
import { laborSkill, supplySkill } from './skills/posts.ts';
import { serviceSkill } from './skills/service.ts';
import { programmeSkill } from './skills/programme.ts';
import { canPublish, startPublish, stepPublish } from './skills/publish.ts';
import { isServicePending, startsMachinePost, stationServiceSkill, stepService } from './skills/stations/index.ts';

/** SLA the farmer is told when a question goes to an expert, until escalation says the real wait. */
const EXPECTED_WAIT = '一般4个工作小时内答复';

/** What was said, read once: the raw text, the text as the agent reads it, and the command it is, if any. */
export interface Said {
  raw: string;
  text: string;
  command?: Command;
}

export function read(raw: string): Said {
  const text = normalizeText(raw);
  return { raw, text, command: parseCommand(text) };
}

/** The agent's answer to one message: the replies, the conversation's new memory and what it learnt. */
export interface Decision {
  results: SkillResult[];
  context: ConversationContext;
  slots: Slots;
  county?: string;
}

/**
 * The agent: commands → guided exchanges → intent and slots → a skill → replies. It only decides: it reads
 * the database (prices, posts, knowledge) but writes nothing; src/turns/ stores what it decided and sends it.
 * Below the answer threshold, or when asked, the reply hands the question to the expert team instead of a guess.
 */
export class Agent {
  private marketsCache?: { at: number; markets: string[] };

  constructor(private readonly deps: AgentDeps) {}

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  /** An escalated reply's text with the wait escalation worked out (who took it, the place in the queue). */
  escalatedText(result: SkillResult, wait: string): string {
    // Emergency steps and related material stay: only the promised wait is replaced.
    if (result.text.includes(EXPECTED_WAIT)) return result.text.replace(EXPECTED_WAIT, wait);
    const key = result.intent === 'handoff' ? 'handoff_requested' : 'escalated';
    return fill(this.deps.templates, key, { team: result.escalate?.category ?? '', wait });
  }

  /**
   * Decide the replies to one message; reads the database but writes nothing. `author` is who is speaking
   * (src/turns/speaker.ts): an officer's words are answered as an officer's (退订 is refused to them).
   */
  async decide(said: Said, conversation: Conversation, principal?: Principal, author: 'farmer' | 'officer' = 'farmer'): Promise<Decision> {
    const { templates } = this.deps;
    const { raw, text } = said;
    const context: ConversationContext = structuredClone(conversation.context ?? {});
    const now = this.now();
    // 代问 names its farmer on every turn: a later turn must not reach the previous farmer.
    context.onBehalfOf = undefined;
    const done = (results: SkillResult[], slots: Slots = {}, extra: Partial<Decision> = {}): Decision => {
      const last = results[results.length - 1];
      if (last && !['smalltalk', 'unknown', 'handoff'].includes(last.intent)) context.lastIntent = last.intent;
      // Only the farmer's own place is remembered: a county a question names is that question's alone.
      return { results, context, slots, county: ownCounty(text, slots), ...extra };
    };

    if (!raw.trim()) return done([{ text: fill(templates, 'empty'), intent: 'unknown', confidence: 1 }]);
    if (!text || isContentless(text)) {
      return done([{ text: fill(templates, 'contentless'), intent: 'unknown', confidence: 1, quickReplies: ['帮助'] }]);
    }
    const slots = extractSlots(text, this.deps.lexicon, now, await this.markets());
    const input: SkillInput = { text, slots, conversation, context, principal, now, deps: this.deps };

    const command = said.command;
    if (command) {
      switch (command.kind) {
        case 'help':
          return done([{ text: fill(templates, 'help'), intent: 'smalltalk', confidence: 1, quickReplies: ['金乡大蒜今天啥价', '小麦条锈病咋防治', '转人工'] }]);
        case 'unsubscribe':
          // The consent flag itself is the turn's to set (src/turns/consent.ts): the agent only confirms it.
          // Opting out stops every message to the farmer, an expert's answer too: the farmer's own act only.
          if (author !== 'farmer') return done([{ text: fill(templates, 'unsubscribe_farmer_only'), intent: 'smalltalk', confidence: 1 }]);
          return done([{ text: fill(templates, 'unsubscribed'), intent: 'smalltalk', confidence: 1 }]);
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
          // Whoever writes "代问 …" is not the farmer named: the inner question is the officer's.
          const inner = await this.decide(read(command.question), { ...conversation, context }, principal, 'officer');
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
    const emergencyModel = this.deps.emergencyModel;
    const emergency = detectEmergency(text, emergencyModel && ((t) => classifyEmergency(emergencyModel, (r) => features(r, this.deps.knowledge.tokenizer.cut(r), slots), t)));
    const urgent = emergency && (await emergencyReply(this.deps.pool, templates, emergency, text, EXPECTED_WAIT));
    if (urgent) {
      // Fish suffocating, a poisoning, animals dying: the safety steps now, and an urgent ticket at once.
      context.lastQuestion = text;
      context.clarify = undefined;
      return done([urgent], slots);
    }
    // Repeated characters or a mashed keyboard: say what to send; nothing of it becomes a post or a ticket.
    if (isJunk(text)) return done([{ text: fill(templates, 'junk'), intent: 'unknown', confidence: 1, quickReplies: ['帮助'] }]);
    // "发布农机…" starts a new post, as 发布供求 and the other commands do: it is no answer to the question in progress.
    if (context.pending && startsMachinePost(text)) context.pending = undefined;
    if (context.pending) return done([isServicePending(context.pending) ? await stepService(input) : await stepPublish(input)], slots);

    if (context.clarify) {
      const clarify = context.clarify;
      context.clarify = undefined;
      if (clarify.intent === 'handoff') {
        if (hasNoWords(text)) {
          context.clarify = clarify; // still waiting for the question an expert can read
          return done([{ text: fill(templates, 'junk'), intent: 'unknown', confidence: 1 }]);
        }
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
    // A real follow-up only changes a slot; one naming a new subject ("那羊拉稀呢") is a new question.
    const followUp = isFollowUp(text) && !namesNewSubject(text, slots, this.deps.lexicon);
    if (followUp && context.lastIntent && ['price', 'labor', 'supply', 'programme', 'service', 'machinery', 'training'].includes(context.lastIntent)) {
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

    // Digits alone or a stray letter, with nothing in progress they could answer: no question for an expert.
    if (hasNoWords(text)) return done([{ text: fill(templates, 'junk'), intent: 'unknown', confidence: 1, quickReplies: ['帮助'] }]);
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
    if (asksForecast(text)) return done([{ text: fill(templates, 'weather'), intent: 'unknown', confidence: 1 }]);
    // About the assistant itself: how to stop its messages (退订), whether a 信息员 may ask for the farmer (代问).
    if (asksHowToStop(text)) return done([{ text: fill(templates, 'how_to_unsubscribe'), intent: 'smalltalk', confidence: 1, quickReplies: ['退订'] }]);
    if (asksAboutAskingFor(text, slots)) return done([{ text: fill(templates, 'asking_for_explained'), intent: 'smalltalk', confidence: 1 }]);
    // A topic that is clearly neither farming nor rural life is turned away whichever skill it would reach.
    if (namesOffTopicSubject(text)) return done([{ text: fill(templates, 'out_of_scope'), intent: 'unknown', confidence: 0.9 }]);
    let guess = classify(text, slots, this.deps.knowledge.tokenizer.cut(text), this.deps.intentModel);
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
    return { ...result, text: handoverText(this.deps.templates, result.escalate, EXPECTED_WAIT), quickReplies: [] };
  }

  private dispatch(intent: Intent, input: SkillInput): Promise<SkillResult> {
    switch (intent) {
      case 'price': return priceSkill(input);
      case 'labor': return laborSkill(input);
      case 'supply': return supplySkill(input);
      case 'service': return serviceSkill(input);
      case 'programme': return programmeSkill(input);
      case 'machinery': case 'order': case 'training': return stationServiceSkill(intent, input);
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
    const category = expertCategory((input.context.lastIntent as Intent) ?? 'agronomy', [], question, this.deps.lexicon);
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
