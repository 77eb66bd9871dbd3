import type pg from 'pg';
import type { Knowledge } from '../knowledge/index.ts';
import type { Principal } from '../accounts/principal.ts';
import type { Citation, Conversation, ConversationContext, Message } from '../conversations/types.ts';
import type { Queryable } from '../db/pool.ts';
import type { Intent } from './intents.ts';
import type { SlotLexicon } from './lexicon.ts';
import type { Slots } from './slots.ts';
import type { Templates } from './templates.ts';
import type { AnswerPhraser } from './llm.ts';

export interface AgentDeps {
  pool: pg.Pool;
  knowledge: Knowledge;
  lexicon: SlotLexicon;
  templates: Templates;
  /** Below this retrieval score a knowledge question goes to an expert. */
  answerThreshold: number;
  /** Optional LLM that phrases answers from passages (LLM_* settings). */
  phraser?: AnswerPhraser;
  clock?: () => Date;
  hooks?: AgentHooks;
}

/**
 * Where the agent hands work to other parts without knowing them: escalation turns an escalated question
 * into a routed ticket (inside the turn's transaction), a follow-up while an expert owns the conversation
 * goes to that expert, and an answer given for a farmer (代问) reaches the farmer's phone.
 */
export interface EscalatedTurn {
  escalationId: string;
  conversation: Conversation;
  reply: Message;
  question: string;
  /** the farmer's phone when a 信息员 asked for them (代问) */
  onBehalfOf: string | null;
  /** the 信息员's account id when one asked */
  askedBy: string | null;
}

export interface AgentHooks {
  /** May return the real expected wait, which replaces the default promise in the farmer's reply. */
  onEscalated?: (client: Queryable, e: EscalatedTurn) => Promise<{ wait?: string } | void>;
  onFollowUpToExpert?: (conversation: Conversation, message: Message) => Promise<void>;
  onAnsweredForFarmer?: (farmerPhone: string, replies: Message[], conversation: Conversation) => Promise<void>;
}

export interface SkillInput {
  text: string;
  slots: Slots;
  conversation: Conversation;
  /** Working copy of the conversation's memory; skills update it and the agent saves it. */
  context: ConversationContext;
  principal?: Principal;
  now: Date;
  deps: AgentDeps;
}

export interface Escalation {
  /** emergency: safety steps were given and the ticket is urgent */
  reason: 'low_confidence' | 'farmer_asked' | 'no_data' | 'emergency';
  category: string;
  passages: { documentId: string; title: string; score: number; snippet: string }[];
}

export interface SkillResult {
  text: string;
  intent: Intent;
  confidence: number;
  citations?: Citation[];
  quickReplies?: string[];
  escalate?: Escalation;
}
